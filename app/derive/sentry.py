"""What Sentry's replay custom events say, as RUM facts (the rules, written down):

* a ``breadcrumb`` of category ``console`` at level ``error`` is a JavaScript **error**
  (its message, else its arguments); other breadcrumbs add nothing (clicks and inputs come
  from the rrweb events themselves, so counting ``ui.click`` too would count them twice);
* a ``breadcrumb`` of category ``navigation`` (``data.to``) and a ``performanceSpan`` of
  op ``navigation.*`` (its description) are **navigations**: a load action unless the
  page is already the current one; a span's start-to-end time is the load's duration;
* a ``performanceSpan`` of op ``resource.*`` (fetch, XHR, scripts, images, …) is a
  **request**: URL (description), method, status, duration, size of the response;
* spans ``largest-contentful-paint``, ``cumulative-layout-shift``, ``first-input-delay``
  and ``interaction-to-next-paint`` are **vitals** (LCP, CLS, FID, INP).

Span times (``startTimestamp``, ``endTimestamp``) are in seconds; each is told apart from
milliseconds on its own, like every event's time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

TAGS = ("breadcrumb", "performanceSpan")
VITALS = {
    "largest-contentful-paint": "LCP",
    "cumulative-layout-shift": "CLS",
    "first-input-delay": "FID",
    "interaction-to-next-paint": "INP",
}
SECONDS_BELOW = 1e11


@dataclass(frozen=True)
class Navigation:
    url: str
    duration_ms: int | None


@dataclass(frozen=True)
class ConsoleError:
    message: str


Fact = Navigation | ConsoleError | dict[str, Any] | None
"""What one custom event says: a navigation, an error, a request or vital record, or nothing."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _ms(value: Any) -> float | None:
    number = _number(value)
    if number is None or number < 0:
        return None
    return number * 1000 if number < SECONDS_BELOW else number


def _text(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    return " ".join(str(item) for item in items if item is not None).strip()


def read(tag: str, payload: Any, ts: int, page: str) -> Fact:
    """The fact one Sentry custom event states (``page``: the current URL, for relative
    navigation targets)."""
    if not isinstance(payload, dict):
        return None
    if tag == "breadcrumb":
        return _breadcrumb(payload, page)
    return _span(payload, ts, page)


def _breadcrumb(payload: dict[str, Any], page: str) -> Fact:
    category = payload.get("category")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    if category == "console" and payload.get("level") == "error":
        message = payload.get("message")
        text = message if isinstance(message, str) and message else _text(data.get("arguments"))
        return ConsoleError(text[:2000] or "(empty)")
    if category == "navigation" and isinstance(data.get("to"), str):
        return Navigation(urljoin(page, data["to"]), None)
    return None


def _span(payload: dict[str, Any], ts: int, page: str) -> Fact:
    op = payload.get("op")
    if not isinstance(op, str):
        return None
    start, end = _ms(payload.get("startTimestamp")), _ms(payload.get("endTimestamp"))
    duration = round(end - start) if start is not None and end is not None else None
    duration = duration if duration is None or duration >= 0 else None
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    description = payload.get("description")
    if op.startswith("navigation.") and isinstance(description, str) and description:
        return Navigation(urljoin(page, description), duration)
    if op.startswith("resource.") and isinstance(description, str) and description:
        status = _number(data.get("statusCode"))
        return {
            "kind": "request",
            "ts": round(start) if start is not None else ts,
            "method": str(data.get("method") or "GET").upper(),
            "url": urljoin(page, description),
            "status": int(status) if status is not None and abs(status) < 2**31 else None,
            "duration_ms": duration,
            "size": _response_size(data),
            "action_id": None,
        }
    if op in VITALS and (value := _number(data.get("value"))) is not None:
        return {
            "kind": "vital",
            "ts": round(start) if start is not None else ts,
            "name": VITALS[op],
            "value": value,
            "url": page or None,
        }
    return None


def _response_size(data: dict[str, Any]) -> int | None:
    response = data.get("response") if isinstance(data.get("response"), dict) else {}
    for value in (
        response.get("size"),
        data.get("responseBodySize"),
        data.get("encodedBodySize"),
        data.get("size"),
        data.get("decodedBodySize"),
    ):
        number = _number(value)
        if number is not None and number >= 0:
            return int(number)
    return None
