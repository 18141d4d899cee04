"""``python -m app`` is the same as the ``replay-investigator`` command."""

from app.main import main

raise SystemExit(main())
