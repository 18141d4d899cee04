"""rrweb's model in Python: the protocol's numbers, the two DOM mirrors and the checkpoints.

Split like rrweb's own monorepo: :mod:`app.rrweb.protocol` is ``@rrweb/types`` (the event,
source, interaction and node numbers), the mirrors follow ``rrweb-snapshot`` and the
``Replayer`` (:mod:`app.rrweb.mirror` for naming, :mod:`app.rrweb.replay_dom` and its
helper modules replay-exact), and :mod:`app.rrweb.checkpoints` writes checkouts for the
player. Every layer that reads rrweb events (archive readers, derivation, store, replay,
export) takes them from here, so this package imports no other part of the app, no Qt and
no DuckDB.
"""
