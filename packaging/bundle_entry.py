"""Entry script of the standalone bundle: the same ``main`` as the installed command."""

from app.main import main

raise SystemExit(main())
