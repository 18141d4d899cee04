"""The recorder in a real page: errors with stacks, XHR action timing, masking, checkpoints,
names that agree with the importer's, goals and user identification."""

from __future__ import annotations

import pytest

from app.derive.rum import RumDeriver
from tests.recorder.conftest import RecordedPage

pytestmark = pytest.mark.webengine

FAKE_API = """
<script>
  // A mock backend installed *after* the recorder, as a page's own code would be.
  var original = window.fetch;
  window.fetch = function (url, init) {
    if (String(url).indexOf('/api/') === 0) {
      return new Promise(function (resolve) {
        setTimeout(function () { resolve(new Response('{"ok":true}', {status: 201})); }, 300);
      });
    }
    return original.apply(window, arguments);
  };
</script>
"""


def test_error_in_a_click_handler_has_its_stack_and_action(recorded_page: RecordedPage) -> None:
    recorded_page.load(
        '<button id="pay">Pay now</button><script>'
        "function applyVoucher(code) { return code.trim(); }\n"
        "document.getElementById('pay').addEventListener('click', function onPay() {"
        "  applyVoucher(undefined); });</script>"
    )
    recorded_page.click("#pay")
    recorded_page.wait_for("window.ReplayRecorder && true")
    errors = recorded_page.records("error")
    actions = recorded_page.records("action")

    assert len(errors) == 1
    error = errors[0]
    assert error["message"].startswith("TypeError: Cannot read properties of undefined")
    assert "applyVoucher" in error["stack"] and "onPay" in error["stack"]
    assert error["line"] > 0 and error["url"] == "https://shop.example/checkout"
    click = next(a for a in actions if a["trigger"] == "click")
    assert click["name"] == "click on 'Pay now'"
    assert error["action_id"] == click["id"]


def test_unhandled_rejection_after_a_request_belongs_to_the_xhr_action(
    recorded_page: RecordedPage,
) -> None:
    recorded_page.load(
        '<button id="go">Check address</button><script>'
        "document.getElementById('go').addEventListener('click', function () {"
        "  fetch('/api/validate').then(function (r) { return r.json(); })"
        "    .then(function (body) { return body.postal.groups; });"
        "});</script>",
        head=FAKE_API,
    )
    recorded_page.click("#go")
    recorded_page.qtbot.wait(600)
    errors = recorded_page.records("error")
    action = next(a for a in recorded_page.records("action") if a["trigger"] == "click")

    assert [e["message"] for e in errors] == [
        "Uncaught (in promise) TypeError: Cannot read properties of undefined (reading 'groups')"
    ]
    assert errors[0]["action_id"] == action["id"]
    assert action["type"] == "xhr"


def test_xhr_action_lasts_until_its_requests_finish(recorded_page: RecordedPage) -> None:
    recorded_page.load(
        '<button id="add">Add to cart</button><p id="out"></p><script>'
        "document.getElementById('add').addEventListener('click', function () {"
        "  fetch('/api/cart', {method: 'POST', body: '{}'}).then(function (r) {"
        "    document.getElementById('out').textContent = 'added ' + r.status; });"
        "});</script>",
        head=FAKE_API,
    )
    recorded_page.click("#add")
    recorded_page.wait_for("document.getElementById('out').textContent !== ''")
    recorded_page.qtbot.wait(200)
    requests = recorded_page.records("request")
    action = next(a for a in recorded_page.records("action") if a["trigger"] == "click")

    assert action["type"] == "xhr" and action["name"] == "click on 'Add to cart'"
    assert 290 <= action["duration_ms"] < 1500
    assert len(requests) == 1
    request = requests[0]
    assert request["method"] == "POST" and request["status"] == 201
    assert request["url"] == "https://shop.example/api/cart"
    assert request["action_id"] == action["id"]
    assert 290 <= request["duration_ms"] <= action["duration_ms"]


def test_click_without_requests_is_a_short_custom_action(recorded_page: RecordedPage) -> None:
    recorded_page.load(
        '<button id="size" aria-pressed="false">M</button><script>'
        "document.getElementById('size').addEventListener('click', function (e) {"
        "  e.target.setAttribute('aria-pressed', 'true'); });</script>"
    )
    recorded_page.click("#size")
    recorded_page.qtbot.wait(1200)
    action = next(a for a in recorded_page.records("action") if a["trigger"] == "click")
    assert action["type"] == "custom" and action["name"] == "click on 'M'"
    assert 0 <= action["duration_ms"] < 300


def test_inputs_are_masked_unless_marked_and_passwords_always(
    recorded_page: RecordedPage,
) -> None:
    recorded_page.load(
        '<input id="name" aria-label="Full name" value="prefilled">'
        '<input id="postal" aria-label="Postal code" data-record-unmask>'
        '<input id="secret" type="password" aria-label="Password" data-record-unmask>'
    )
    recorded_page.type("#name", "Ashley")
    recorded_page.type("#postal", "NW1 6XE")
    recorded_page.type("#secret", "hunter2")
    events = recorded_page.events()
    text = str(events)
    inputs = [e["data"]["text"] for e in events if e["type"] == 3 and e["data"]["source"] == 5]

    assert "Ashley" not in text and "prefilled" not in text and "hunter2" not in text
    assert "******" in inputs and "NW1 6XE" in inputs and "*******" in inputs
    names = {a["name"] for a in recorded_page.records("action")}
    assert {"change on 'Full name'", "change on 'Postal code'", "change on 'Password'"} <= names


def test_checkpoints_are_taken_every_n_ms(recorded_page: RecordedPage) -> None:
    recorded_page.load('<p id="t">tick</p>', {"checkoutEveryNms": 300})
    for index in range(8):  # mutations drive rrweb's checkout clock
        recorded_page.js(f"document.getElementById('t').textContent = 'tick {index}'")
        recorded_page.qtbot.wait(120)
    events = recorded_page.events()
    full = [i for i, e in enumerate(events) if e["type"] == 2]

    assert len(full) >= 3
    assert all(events[i - 1]["type"] == 4 for i in full)  # each preceded by its Meta
    stamps = [events[i]["timestamp"] for i in full]
    assert stamps == sorted(set(stamps))


def test_names_agree_with_the_importers_derivation(recorded_page: RecordedPage) -> None:
    recorded_page.load(
        '<nav><a href="#/jackets" id="nav1"><span>Jackets</span></a></nav>'
        '<div class="card"><a id="art" href="#/p/1" aria-label="Stormline Trail Jacket">'
        '<svg width="80" height="60"><rect width="80" height="60"/></svg></a></div>'
        '<button id="btn_sell-421198" style="width:120px;height:30px"></button>'
        '<input id="city" aria-label="City">'
    )
    for selector in ("#nav1 span", "#art svg", "#btn_sell-421198"):
        recorded_page.click(selector)
        recorded_page.qtbot.wait(50)
    recorded_page.type("#city", "London")
    events = recorded_page.events()
    recorded = [a["name"] for a in sorted(recorded_page.records("action"), key=lambda a: a["ts"])]
    deriver = RumDeriver()
    for event in events:
        deriver.feed(event)
    derived = [r["name"] for r in deriver.finish() if r["kind"] == "action"]

    expected = [
        "click on 'Jackets'",
        "click on 'Stormline Trail Jacket'",
        "click on 'btn_sell-421198'",
        "click on 'City'",
        "change on 'City'",
    ]
    assert [n for n in recorded if n in expected] == expected
    assert [n for n in derived if n in expected] == expected


def test_identify_goals_and_the_load_action(recorded_page: RecordedPage) -> None:
    recorded_page.load(
        '<a id="done" href="#">Finish</a><script>'
        "document.getElementById('done').addEventListener('click', function (e) {"
        "  e.preventDefault(); history.pushState({}, '', '/checkout/thank-you'); });</script>",
        {"goals": [{"id": "purchase", "url_or_path": "/checkout/thank-you"}], "release": "2.5.0"},
    )
    recorded_page.js("window.ReplayRecorder.identify('ashley@example.com')")
    recorded_page.click("#done")
    recorded_page.qtbot.wait(100)
    custom = recorded_page.js("window.ReplayRecorder.enterAction('Apply voucher')")
    recorded_page.qtbot.wait(120)
    recorded_page.js(f"window.ReplayRecorder.leaveAction({custom!r})")
    batches = recorded_page.batches(final=True)
    rum = [r for b in batches for r in b["rum"]]

    assert batches[-1]["final"] is True
    assert batches[-1]["session"]["user_id"] == "ashley@example.com"
    assert batches[-1]["session"]["release"] == "2.5.0"
    goals = [r for r in rum if r["kind"] == "goal"]
    assert [(g["goal"], g["url"]) for g in goals] == [
        ("purchase", "https://shop.example/checkout/thank-you")
    ]
    load = next(r for r in rum if r["kind"] == "action" and r["type"] == "load")
    assert load["name"] == "loading of page /checkout" and load["duration_ms"] > 0
    api = next(r for r in rum if r["kind"] == "action" and r["trigger"] == "api")
    assert api["name"] == "Apply voucher" and api["type"] == "custom"
    assert 100 <= api["duration_ms"] < 1000
    events = [e for b in batches for e in b["events"]]
    assert any(e["type"] == 5 and e["data"]["tag"] == "identify" for e in events)
    assert {v["name"] for v in rum if v["kind"] == "vital"} >= {"CLS"}


def test_a_batch_the_collector_refuses_is_sent_again(qtbot, tmp_path) -> None:
    """The URL sink: a POST answered 503 is retried; the collector gets every batch once."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from PySide6.QtCore import QUrl

    from app.demo.worker import all_batches_arrived

    received: list[dict] = []
    refused: list[int] = []

    class Collector(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = 503 if not refused else 204
            if status == 503:
                refused.append(1)
            else:
                received.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            page = b"<!doctype html><html><body><p id=t>hello</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = RecordedPage(qtbot)
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        page.install({"sink": f"{origin}/collect", "flushIntervalMs": 100_000})
        with qtbot.waitSignal(page.page.loadFinished, timeout=15_000):
            page.page.setUrl(QUrl(origin + "/"))
        page.js("window.ReplayRecorder.stop()")
        qtbot.waitUntil(lambda: all_batches_arrived(received), timeout=10_000)
    finally:
        page.close()
        server.shutdown()
    assert refused  # the first POST(s) were refused…
    seqs = sorted(b["seq"] for b in received)
    assert seqs == list(range(1, len(seqs) + 1))  # …and nothing is lost, nothing twice
    assert any(e["type"] == 2 for b in received for e in b["events"])


def test_a_hidden_page_ends_its_batches_but_not_the_session(recorded_page: RecordedPage) -> None:
    recorded_page.load("<p>hello</p>")
    recorded_page.js("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    hidden = recorded_page.js("window.__batches")
    assert hidden[-1]["page_end"] is True and hidden[-1]["final"] is False
    stopped = recorded_page.batches(final=True)
    assert stopped[-1]["final"] is True
    assert [b["seq"] for b in stopped] == list(range(1, len(stopped) + 1))
