"""Record a share of the demo's sessions in one browser engine (a child process).

Why a process per share: a QtWebEngine page runs its page on one renderer process, and
one Python thread drives it, so two shares recorded side by side use both cores. Each
worker runs the shop server on its own port and writes one ``<session>.json.gz`` per
recorded session (metadata, re-timed events and RUM records) into the output folder,
printing ``done <id>`` or ``failed <id> <reason>`` lines for the parent to follow.

Usage: ``python -m app.demo.worker --sessions N --seed S --part K/M --site DIR --out DIR``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from app.archive.model import SessionMeta
from app.demo.plan import SessionPlan, plan_sessions
from app.demo.retime import retime_session
from app.demo.site import SHOP_HOST, SHOP_ORIGIN, ShopServer, build_site

TIME_SCALE = 0.05  # the fake backend waits 5 % of its latency; the rest is re-timed
GOALS = [{"id": "purchase", "url_or_path": "/checkout/thank-you", "match_type": "begins"}]


def _prepare_engine(port: int) -> None:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = [
        "--disable-gpu",
        "--ignore-certificate-errors",
        f'--host-resolver-rules="MAP {SHOP_HOST} 127.0.0.1:{port}"',
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)


def session_meta(plan: SessionPlan, start: int, end: int, entry_url: str) -> SessionMeta:
    user = plan.user
    return SessionMeta(
        session_id=plan.session_id,
        started_at_ms=start,
        ended_at_ms=end,
        user_id=user.user_id,
        browser=user.platform.browser,
        os=user.platform.os,
        device=user.platform.device,
        screen_width=user.platform.screen[0],
        screen_height=user.platform.screen[1],
        country=user.country.name,
        city=user.city,
        entry_url=entry_url,
        release=plan.release,
        user_agent=user.platform.user_agent,
        extra={"persona": plan.persona, **plan.notes},
    )


def merge_batches(
    batches: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], str | None]:
    """A session's rrweb events and RUM records in recording order, and its entry URL.

    POSTs may arrive out of order; the recorder's ``seq`` puts them back.
    """
    batches = sorted(batches, key=lambda b: b.get("seq", 0))
    events = [e for b in batches for e in b.get("events") or []]
    rum = [r for b in batches for r in b.get("rum") or []]
    if not events:
        raise RuntimeError("the recorder sent no rrweb events")
    entry = next((b["session"].get("entry_url") for b in batches if b.get("session")), None)
    return events, rum, entry


def assemble(
    plan: SessionPlan, batches: list[dict[str, Any]], pauses: list[tuple[float, float]]
) -> dict[str, Any]:
    """Merge a session's batches in order, re-time them and describe the session."""
    events, rum, entry = merge_batches(batches)
    events, rum, start, end = retime_session(events, rum, pauses, plan.start_ms)
    meta = session_meta(plan, start, end, entry or SHOP_ORIGIN + "/")
    return {"meta": meta.to_json(), "events": events, "rum": rum}


def record_share(plans: list[SessionPlan], site_dir: Path, out: Path) -> int:
    site = build_site(site_dir)
    server = ShopServer(site).start()
    _prepare_engine(server.port)
    from PySide6.QtWidgets import QApplication

    from app.demo.browser import BrowserError, SessionSetup, ShopBrowser
    from app.demo.personas import run_persona

    app = QApplication.instance() or QApplication([sys.argv[0]])
    browser = ShopBrowser()
    failures = 0
    for plan in plans:
        for attempt in (1, 2):
            try:
                session = _record_one(browser, server, plan, SessionSetup, run_persona)
            except (BrowserError, RuntimeError) as exc:
                browser.view.grab().save(str(out / f"{plan.session_id}.failed.png"))
                server.collector.take(plan.session_id)
                if attempt == 2:
                    failures += 1
                    print(f"failed {plan.session_id} {exc}", flush=True)
                continue
            _write(out, plan, session)
            print(f"done {plan.session_id} {json.dumps(session['outcome'])}", flush=True)
            break
    browser.close()
    server.close()
    del app
    return 1 if failures else 0


def _record_one(
    browser: Any, server: ShopServer, plan: SessionPlan, setup: Any, run: Any
) -> dict[str, Any]:
    """Act one plan out and return the assembled session (with the persona's outcome)."""
    browser.begin(
        setup(
            session_id=plan.session_id,
            user=plan.user.shop_profile,
            release=plan.release,
            seed=plan.seed,
            user_agent=plan.user.platform.user_agent,
            viewport=plan.user.viewport,
            time_scale=TIME_SCALE,
            flaky_recommendations=plan.flaky_recommendations,
            goals=GOALS,
        )
    )
    rng = random.Random(plan.seed ^ 0x5EED)
    server.warp.clear()
    server.document_latency = lambda: (
        rng.uniform(350, 1400) if rng.random() > 0.05 else rng.uniform(3500, 9000)
    )
    outcome = run(browser, plan)
    pauses = browser.finish() + server.warp
    deadline = time.monotonic() + 10
    try:
        while not all_batches_arrived(server.collector.batches.get(plan.session_id, [])):
            if time.monotonic() > deadline:
                raise RuntimeError("the recorder's batches did not all arrive")
            browser.spin(10)
    finally:
        browser.leave()
    session = assemble(plan, server.collector.take(plan.session_id), pauses)
    session["outcome"] = outcome
    return session


def all_batches_arrived(batches: list[dict[str, Any]]) -> bool:
    """The final batch and every one before it (POSTs may overtake each other)."""
    final = [b.get("seq", 0) for b in batches if b.get("final")]
    return bool(final) and {b.get("seq") for b in batches} >= set(range(1, max(final) + 1))


def _write(out: Path, plan: SessionPlan, session: dict[str, Any]) -> None:
    partial = out / f"{plan.session_id}.json.gz.part"
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as handle:
        json.dump(session, handle, separators=(",", ":"), ensure_ascii=False)
    partial.rename(out / f"{plan.session_id}.json.gz")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.demo.worker")
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--part", default="1/1", help="K/M: record every M-th session from K")
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", help="comma-separated session ids (overrides --part)")
    args = parser.parse_args(argv)
    plans = plan_sessions(args.sessions, args.seed)
    if args.only:
        wanted = set(args.only.split(","))
        share = [p for p in plans if p.session_id in wanted]
    else:
        k, m = (int(x) for x in args.part.split("/"))
        share = plans[k - 1 :: m]
    args.out.mkdir(parents=True, exist_ok=True)
    return record_share(share, args.site, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
