"""The hostile-page corpus: every way a recorded page could run script or reach the network.

Why a corpus and not one big page: a recording is untrusted content, and each way out (a
``<script>``, a handler attribute, a ``javascript:`` URL, a CSS ``url()``, a ``<link rel>``,
a node added later by a mutation, a rule inserted by a StyleSheetRule event, …) is stopped
by a different layer (rrweb's rebuild, the iframe sandbox, the page's CSP, the request
interceptor). One small recording per vector says *which* one broke when one does.

Every page is built in code with the real rrweb event shapes (Meta, FullSnapshot, Mutation,
StyleSheetRule, StyleDeclaration) through :class:`Kit`. Its URLs point at a server of its own
(``kit.u``), so a request or a bare connection names the vector that made it, and each
payload (``kit.run``) would, if it ran, post a message to the top window, set a global
``__p_<vector>`` there and on its own window, and set the titles — the tests look for all
three. The replay tests (``tests/replay/test_hostile_pages.py``) and the report tests
(``tests/export/test_hostile_reports.py``) replay the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from app.archive.model import SessionMeta
from app.archive.writer import ArchiveWriter
from tests.builders import T0
from tests.replay.conftest import CountingServer

Node = dict[str, Any]
END = 1_000  # ms after T0 of each page's last event
HTML, HEAD, BODY = 2, 3, 4  # node ids every page shares
MARKER = 5  # the heading whose text the last event changes ("end"): the page was all applied


def tag(name: str) -> str:
    """The global (and message, and title) that vector ``name``'s payload would leave."""
    return "__p_" + name.replace("-", "_")


@dataclass
class Kit:
    """Builds one page: nodes with fresh ids, the vector's URLs and payloads, later events."""

    name: str
    url: Callable[[str], str]
    head: list[Node] = field(default_factory=list)
    body: list[Node] = field(default_factory=list)
    body_attrs: dict[str, str] = field(default_factory=dict)
    later: list[dict[str, Any]] = field(default_factory=list)  # incremental ``data`` objects
    _next_id: int = 100

    def u(self, path: str) -> str:
        """A URL on this vector's own server."""
        return self.url(f"{self.name}/{path}")

    @property
    def run(self) -> str:
        """JavaScript that leaves a trace (message, globals, titles) if it ever runs."""
        t = tag(self.name)
        return (
            f"try{{top.postMessage('{t}','*')}}catch(e){{}}"
            f"try{{top.{t}=1}}catch(e){{}}try{{parent.{t}=1}}catch(e){{}}"
            f"try{{window.{t}=1}}catch(e){{}}"
            f"try{{document.title='{t}';top.document.title='{t}'}}catch(e){{}}"
        )

    @property
    def run_html(self) -> str:
        """The payload as a whole HTML document (for srcdoc and ``data:`` frames)."""
        return f'<script>{self.run}</script><img src=x onerror="{self.run}">'

    def id(self) -> int:
        self._next_id += 1
        return self._next_id

    def el(self, tag_name: str, attrs: dict[str, str] | None = None, *children: Node) -> Node:
        return {
            "type": 2,
            "tagName": tag_name,
            "attributes": dict(attrs or {}),
            "childNodes": list(children),
            "id": self.id(),
        }

    def svg(self, tag_name: str, attrs: dict[str, str] | None = None, *children: Node) -> Node:
        return {**self.el(tag_name, attrs, *children), "isSVG": True}

    def text(self, value: str, *, style: bool = False) -> Node:
        node: Node = {"type": 3, "textContent": value, "id": self.id()}
        return {**node, "isStyle": True} if style else node

    def style(self, css: str) -> Node:
        return self.el("style", {}, self.text(css, style=True))

    # ---- later events (incremental snapshots) -------------------------------------------
    def add(self, node: Node, parent: int = BODY) -> Node:
        """A Mutation that adds ``node`` later; returns it (its ids are usable)."""
        self.later.append(_mutation(adds=[{"parentId": parent, "nextId": None, "node": node}]))
        return node

    def set_attrs(self, node_id: int, attrs: dict[str, str | None]) -> None:
        self.later.append(_mutation(attributes=[{"id": node_id, "attributes": attrs}]))

    def set_text(self, node_id: int, value: str) -> None:
        self.later.append(_mutation(texts=[{"id": node_id, "value": value}]))

    def insert_rule(self, style_id: int, rule: str, index: int = 0) -> None:
        """A StyleSheetRule event: ``rule`` inserted into the sheet of ``<style>`` node."""
        self.later.append({"source": 8, "id": style_id, "adds": [{"rule": rule, "index": index}]})

    def set_declaration(self, style_id: int, prop: str, value: str) -> None:
        """A StyleDeclaration event: ``prop: value`` set on the sheet's first rule."""
        self.later.append(
            {
                "source": 13,
                "id": style_id,
                "index": [0],
                "set": {"property": prop, "value": value, "priority": ""},
            }
        )


def _mutation(**changes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": [], **changes}


# ---- the vectors ---------------------------------------------------------------------------
# Each builder puts one way out into the page through the kit. Nodes go to kit.head or
# kit.body (the full snapshot) or through kit.add/set_* (incremental events, later).


def script_inline(k: Kit) -> None:
    k.head.append(k.el("script", {}, k.text(k.run)))
    k.body.append(k.el("script", {"type": "module"}, k.text(k.run)))


def script_src(k: Kit) -> None:
    k.head.append(k.el("script", {"src": k.u("script.js")}))
    k.body.append(k.el("script", {"src": k.u("module.js"), "type": "module", "async": ""}))


def script_data_url(k: Kit) -> None:
    k.body.append(k.el("script", {"src": "data:text/javascript," + quote(k.run)}))


def handler_img_onerror(k: Kit) -> None:
    k.body.append(k.el("img", {"src": "x", "onerror": k.run}))
    k.body.append(k.el("img", {"src": "data:,", "onerror": k.run, "onload": k.run}))


def handler_body_onload(k: Kit) -> None:
    k.body_attrs.update(onload=k.run, onpageshow=k.run, onfocus=k.run)


def handler_onclick(k: Kit) -> None:
    k.body.append(
        k.el("button", {"onclick": k.run, "onmouseover": k.run}, k.text("click me")),
    )


def handler_firing_by_itself(k: Kit) -> None:
    """Handlers that fire without a user: toggle, focus, frame load, media/style errors."""
    k.body += [
        k.el("details", {"open": "", "ontoggle": k.run}, k.el("summary", {}, k.text("s"))),
        k.el("input", {"autofocus": "", "onfocus": k.run}),
        k.el("iframe", {"onload": k.run}),
        k.el("video", {}, k.el("source", {"src": "x", "onerror": k.run})),
        k.el("style", {"onload": k.run}, k.text("p{}", style=True)),
        k.el("marquee", {"onstart": k.run}, k.text("m")),
        k.el("object", {"data": "x", "onerror": k.run}),
    ]


def svg_onload(k: Kit) -> None:
    k.body.append(k.svg("svg", {"onload": k.run, "width": "10", "height": "10"}))


def svg_script(k: Kit) -> None:
    k.body.append(
        k.svg(
            "svg",
            {"width": "10", "height": "10"},
            k.svg("script", {}, k.text(k.run)),
            k.svg("script", {"href": k.u("svg-script.js")}),
        )
    )


def svg_animation(k: Kit) -> None:
    """SMIL: onbegin fires by itself, and <set>/<animate> can write a javascript: href."""
    link = k.svg(
        "a",
        {"href": "#"},
        k.svg("set", {"attributeName": "href", "to": "javascript:" + k.run}),
        k.svg("text", {"x": "0", "y": "10"}, k.text("svg link")),
    )
    k.body.append(
        k.svg(
            "svg",
            {"width": "100", "height": "20"},
            k.svg("animate", {"attributeName": "x", "dur": "1s", "onbegin": k.run}),
            link,
        )
    )


def svg_external(k: Kit) -> None:
    k.body.append(
        k.svg(
            "svg",
            {"width": "10", "height": "10"},
            k.svg("image", {"href": k.u("svg-image.png"), "width": "5", "height": "5"}),
            k.svg("use", {"href": k.u("sprite.svg#a")}),
            k.svg("use", {"xlink:href": k.u("sprite-xlink.svg#a")}),
        )
    )


def javascript_link(k: Kit) -> None:
    k.body.append(k.el("a", {"href": "javascript:" + k.run}, k.text("js link")))
    k.body.append(k.el("map", {"name": "m"}, k.el("area", {"href": "javascript:" + k.run})))


def javascript_iframe(k: Kit) -> None:
    k.body.append(k.el("iframe", {"src": "javascript:" + quote(k.run)}))


def javascript_form_action(k: Kit) -> None:
    k.body.append(
        k.el(
            "form",
            {"action": "javascript:" + k.run},
            k.el("button", {"type": "submit"}, k.text("go")),
        )
    )
    k.body.append(k.el("form", {}, k.el("button", {"formaction": "javascript:" + k.run})))


def javascript_object(k: Kit) -> None:
    k.body.append(k.el("object", {"data": "javascript:" + k.run}))
    k.body.append(k.el("embed", {"src": "javascript:" + k.run}))


def data_url_iframe(k: Kit) -> None:
    k.body.append(k.el("iframe", {"src": "data:text/html," + quote(k.run_html)}))
    k.body.append(k.el("object", {"data": "data:text/html," + quote(k.run_html)}))


def srcdoc_iframe(k: Kit) -> None:
    inner = (
        f"{k.run_html}<img src='{k.u('srcdoc.png')}'><link rel=stylesheet href='{k.u('s.css')}'>"
    )
    k.body.append(k.el("iframe", {"srcdoc": inner}))


def remote_iframe(k: Kit) -> None:
    k.body.append(k.el("iframe", {"src": k.u("frame.html")}))
    k.body.append(k.el("frameset", {}, k.el("frame", {"src": k.u("frame2.html")})))


def meta_refresh(k: Kit) -> None:
    k.head.append(k.el("meta", {"http-equiv": "refresh", "content": f"0;url={k.u('refresh')}"}))
    k.head.append(k.el("meta", {"http-equiv": "refresh", "content": "0;url=javascript:" + k.run}))


def base_href(k: Kit) -> None:
    """A <base> to the server, then relative URLs (a recorder may leave them relative)."""
    k.head.append(k.el("base", {"href": k.u("base/")}))
    k.head.append(k.el("link", {"rel": "stylesheet", "href": "relative.css"}))
    k.body.append(k.el("img", {"src": "relative.png"}))
    k.body.append(k.el("a", {"href": "relative.html"}, k.text("relative link")))


def css_url(k: Kit) -> None:
    k.head.append(
        k.style(
            f"body {{ background: url({k.u('bg.png')}); cursor: url({k.u('cursor.png')}), auto; }}"
            f"ul {{ list-style-image: url({k.u('list.png')}); }}"
            f"p {{ border-image: url({k.u('border.png')}) 30; }}"
            f"p {{ mask-image: url({k.u('mask.png')}); }}"
            f"p::before {{ content: url({k.u('content.png')}); }}"
        )
    )
    k.body.append(
        k.el("p", {"style": f"background-image: url({k.u('inline.png')})"}, k.text("css url"))
    )
    k.body.append(k.el("ul", {}, k.el("li", {}, k.text("item"))))


def css_import(k: Kit) -> None:
    k.head.append(k.style(f'@import url({k.u("import.css")}); @import "{k.u("import2.css")}";'))


def css_image_set(k: Kit) -> None:
    k.head.append(
        k.style(
            f'div {{ background-image: image-set("{k.u("set.png")}" 1x); }}'
            f"p {{ background-image: -webkit-image-set(url({k.u('webkit-set.png')}) 1x); }}"
        )
    )
    k.body.append(k.el("div", {}, k.el("p", {}, k.text("image-set"))))


def css_font_face(k: Kit) -> None:
    k.head.append(
        k.style(
            f"@font-face {{ font-family: H; src: url({k.u('font.woff2')}) format('woff2'); }}"
            "p { font-family: H; }"
        )
    )
    k.body.append(k.el("p", {}, k.text("font")))


def _link(rel: str, **extra: str) -> Callable[[Kit], None]:
    def build(k: Kit) -> None:
        k.head.append(k.el("link", {"rel": rel, "href": k.u(f"{rel}.res"), **extra}))

    build.__doc__ = f'<link rel="{rel}"> to the server.'
    return build


def preload(k: Kit) -> None:
    for kind in ("image", "style", "font", "fetch", "script", "document"):
        k.head.append(k.el("link", {"rel": "preload", "as": kind, "href": k.u(f"preload.{kind}")}))


def form_action(k: Kit) -> None:
    k.body.append(
        k.el(
            "form",
            {"action": k.u("form"), "method": "post"},
            k.el("input", {"name": "q", "value": "1"}),
            k.el("button", {"type": "submit"}, k.text("send")),
        )
    )
    k.body.append(
        k.el("form", {"action": k.u("form-get")}, k.el("input", {"type": "image", "src": "x"}))
    )


def object_embed(k: Kit) -> None:
    k.body += [
        k.el("object", {"data": k.u("object.html"), "type": "text/html"}),
        k.el("object", {"data": k.u("object.swf"), "type": "application/x-shockwave-flash"}),
        k.el("embed", {"src": k.u("embed.html"), "type": "text/html"}),
        k.el("embed", {"src": k.u("embed.pdf")}),
    ]


def media(k: Kit) -> None:
    k.body += [
        k.el("video", {"poster": k.u("poster.png"), "src": k.u("video.mp4"), "autoplay": ""}),
        k.el("audio", {"src": k.u("audio.mp3"), "autoplay": "", "preload": "auto"}),
        k.el(
            "video",
            {"preload": "auto"},
            k.el("source", {"src": k.u("source.mp4"), "type": "video/mp4"}),
            k.el("track", {"src": k.u("track.vtt"), "default": ""}),
        ),
    ]


def img_srcset(k: Kit) -> None:
    k.body.append(k.el("img", {"srcset": f"{k.u('srcset-1x.png')} 1x, {k.u('srcset-2x.png')} 2x"}))
    k.body.append(k.el("input", {"type": "image", "src": k.u("input.png")}))


def source_srcset(k: Kit) -> None:
    k.body.append(
        k.el(
            "picture",
            {},
            k.el("source", {"srcset": k.u("source.png")}),
            k.el("img", {"src": "data:,"}),
        )
    )


def service_worker(k: Kit) -> None:
    k.head.append(
        k.el(
            "script",
            {},
            k.text(f"navigator.serviceWorker.register('{k.u('sw.js')}');{k.run}"),
        )
    )


def link_ping(k: Kit) -> None:
    k.body.append(k.el("a", {"href": k.u("target.html"), "ping": k.u("ping")}, k.text("ping")))


def hints_in_srcdoc(k: Kit) -> None:
    """Connection hints inside srcdoc documents, one of them entity-encoded, one nested."""
    hint = f"<link rel=preconnect href='{k.u('srcdoc-hint')}'>"
    encoded = f"<link rel='&#112;reconnect' href='{k.u('encoded-hint')}'>"
    nested = f"<iframe srcdoc=\"<link rel='dns-prefetch preconnect' href='{k.u('nested')}'>\">"
    k.body.append(k.el("iframe", {"srcdoc": hint + encoded + nested}))


def script_breakout_text(k: Kit) -> None:
    """Text that would break out of a <script> block if a report embedded it carelessly."""
    k.body.append(
        k.el(
            "p",
            {"title": f"</script><script>{k.run}</script>"},
            k.text(f"<!--<script> </script><script>{k.run}</script><img src=x onerror={k.run}>"),
        )
    )


# ---- added later by incremental snapshots --------------------------------------------------


def mutation_adds_script(k: Kit) -> None:
    k.add(k.el("script", {}, k.text(k.run)))
    k.add(k.el("script", {"src": k.u("added.js")}), parent=HEAD)


def mutation_adds_handler(k: Kit) -> None:
    k.add(k.el("img", {"src": "x", "onerror": k.run}))
    k.add(k.svg("svg", {"onload": k.run}))


def mutation_sets_handler(k: Kit) -> None:
    img = k.el("img", {})
    button = k.el("button", {}, k.text("b"))
    k.body += [img, button]
    k.set_attrs(img["id"], {"onerror": k.run, "src": "x"})
    k.set_attrs(button["id"], {"onclick": k.run})
    k.set_attrs(BODY, {"onload": k.run})


def mutation_sets_javascript_url(k: Kit) -> None:
    link = k.el("a", {"href": "#"}, k.text("later js"))
    frame = k.el("iframe", {})
    k.body += [link, frame]
    k.set_attrs(link["id"], {"href": "javascript:" + k.run})
    k.set_attrs(frame["id"], {"src": "javascript:" + quote(k.run)})


def mutation_adds_srcdoc(k: Kit) -> None:
    k.add(k.el("iframe", {"srcdoc": k.run_html}))
    frame = k.el("iframe", {})
    k.body.append(frame)
    k.set_attrs(frame["id"], {"srcdoc": k.run_html})


def mutation_adds_loads(k: Kit) -> None:
    k.add(k.el("img", {"src": k.u("added.png")}))
    k.add(k.el("link", {"rel": "stylesheet", "href": k.u("added.css")}), parent=HEAD)
    k.add(k.el("iframe", {"src": k.u("added-frame.html")}))
    k.add(k.el("video", {"poster": k.u("added-poster.png"), "src": k.u("added.mp4")}))
    k.add(k.el("object", {"data": k.u("added-object.html"), "type": "text/html"}))
    k.add(k.el("div", {"style": f"background: url({k.u('added-inline.png')})"}))


def mutation_sets_src(k: Kit) -> None:
    img = k.el("img", {"src": "data:,"})
    k.body.append(img)
    k.set_attrs(img["id"], {"src": k.u("changed.png"), "srcset": k.u("changed-set.png 1x")})
    k.set_attrs(BODY, {"style": f"background: url({k.u('changed-bg.png')})"})


def mutation_adds_meta_refresh(k: Kit) -> None:
    k.add(k.el("meta", {"http-equiv": "refresh", "content": f"0;url={k.u('refresh')}"}), HEAD)


def mutation_adds_base(k: Kit) -> None:
    k.add(k.el("base", {"href": k.u("base/")}), parent=HEAD)
    k.add(k.el("img", {"src": "relative-added.png"}))


def mutation_adds_links(k: Kit) -> None:
    for rel in ("prefetch", "preconnect", "dns-prefetch", "icon", "manifest", "modulepreload"):
        k.add(k.el("link", {"rel": rel, "href": k.u(f"added-{rel}.res")}), parent=HEAD)


def mutation_sets_rel(k: Kit) -> None:
    """A harmless <link> turned into a connection hint by a later attribute change."""
    link = k.el("link", {"rel": "author", "href": k.u("author")})
    k.head.append(link)
    k.set_attrs(link["id"], {"rel": "PreConnect"})
    k.set_attrs(link["id"], {"href": k.u("moved-hint")})


def mutation_changes_style_text(k: Kit) -> None:
    style = k.style("p { color: red; }")
    k.head.append(style)
    k.set_text(style["childNodes"][0]["id"], f"@import url({k.u('text-import.css')});")
    k.add(k.style(f"p {{ background: url({k.u('added-style.png')}); }}"), parent=HEAD)


def stylesheet_rule_inserted(k: Kit) -> None:
    style = k.style("p { color: red; }")
    k.head.append(style)
    k.body.append(k.el("p", {}, k.text("rules")))
    k.insert_rule(style["id"], f"p {{ background: url({k.u('rule.png')}); }}", 1)
    k.insert_rule(style["id"], f"@import url({k.u('rule-import.css')});", 0)
    k.insert_rule(style["id"], f"@font-face {{ font-family: R; src: url({k.u('rule.woff')}); }}")


def style_declaration_set(k: Kit) -> None:
    style = k.style("p { color: red; }")
    k.head.append(style)
    k.body.append(k.el("p", {}, k.text("declaration")))
    k.set_declaration(style["id"], "background-image", f"url({k.u('declaration.png')})")


VECTORS: dict[str, Callable[[Kit], None]] = {
    "script-inline": script_inline,
    "script-src": script_src,
    "script-data-url": script_data_url,
    "handler-img-onerror": handler_img_onerror,
    "handler-body-onload": handler_body_onload,
    "handler-onclick": handler_onclick,
    "handler-firing-by-itself": handler_firing_by_itself,
    "svg-onload": svg_onload,
    "svg-script": svg_script,
    "svg-animation": svg_animation,
    "svg-external": svg_external,
    "javascript-link": javascript_link,
    "javascript-iframe": javascript_iframe,
    "javascript-form-action": javascript_form_action,
    "javascript-object": javascript_object,
    "data-url-iframe": data_url_iframe,
    "srcdoc-iframe": srcdoc_iframe,
    "remote-iframe": remote_iframe,
    "meta-refresh": meta_refresh,
    "base-href": base_href,
    "css-url": css_url,
    "css-import": css_import,
    "css-image-set": css_image_set,
    "css-font-face": css_font_face,
    "link-prefetch": _link("prefetch"),
    "link-preload": preload,
    "link-dns-prefetch": _link("dns-prefetch"),
    "link-preconnect": _link("preconnect"),
    "link-stylesheet": _link("stylesheet"),
    "link-icon": _link("icon"),
    "link-manifest": _link("manifest"),
    "link-modulepreload": _link("modulepreload"),
    "link-prerender": _link("prerender"),
    "form-action": form_action,
    "object-embed": object_embed,
    "media": media,
    "img-srcset": img_srcset,
    "source-srcset": source_srcset,
    "service-worker": service_worker,
    "link-ping": link_ping,
    "hints-in-srcdoc": hints_in_srcdoc,
    "script-breakout-text": script_breakout_text,
    "mutation-adds-script": mutation_adds_script,
    "mutation-adds-handler": mutation_adds_handler,
    "mutation-sets-handler": mutation_sets_handler,
    "mutation-sets-javascript-url": mutation_sets_javascript_url,
    "mutation-adds-srcdoc": mutation_adds_srcdoc,
    "mutation-adds-loads": mutation_adds_loads,
    "mutation-sets-src": mutation_sets_src,
    "mutation-adds-meta-refresh": mutation_adds_meta_refresh,
    "mutation-adds-base": mutation_adds_base,
    "mutation-adds-links": mutation_adds_links,
    "mutation-sets-rel": mutation_sets_rel,
    "mutation-changes-style-text": mutation_changes_style_text,
    "stylesheet-rule-inserted": stylesheet_rule_inserted,
    "style-declaration-set": style_declaration_set,
}


def hostile_page(name: str, url: Callable[[str], str]) -> list[dict[str, Any]]:
    """The recording of vector ``name``'s page; ``url(path)`` makes its server's URLs."""
    kit = Kit(name, url)
    VECTORS[name](kit)
    marker = {**kit.el("h1", {"id": "marker"}, kit.text(name)), "id": MARKER}
    head = {**kit.el("head", {}, kit.el("title", {}, kit.text(name)), *kit.head), "id": HEAD}
    body = {**kit.el("body", kit.body_attrs, marker, *kit.body), "id": BODY}
    snapshot = {"type": 0, "id": 1, "childNodes": [{**kit.el("html", {}, head, body), "id": HTML}]}
    marker_text = marker["childNodes"][0]["id"]
    kit.set_text(marker_text, name + " (end)")
    step = (END - 200) // max(1, len(kit.later) - 1)
    incremental = [
        {"type": 3, "timestamp": T0 + 200 + i * step, "data": data}
        for i, data in enumerate(kit.later)
    ]
    incremental[-1]["timestamp"] = T0 + END
    return [
        {
            "type": 4,
            "timestamp": T0,
            "data": {"href": url(f"{name}/page.html"), "width": 800, "height": 600},
        },
        {
            "type": 2,
            "timestamp": T0 + 10,
            "data": {"node": snapshot, "initialOffset": {"top": 0, "left": 0}},
        },
        *incremental,
    ]


def write_corpus(path: Path, urls: dict[str, Callable[[str], str]]) -> Path:
    """A ``.webreplay`` archive with one session per vector (the session id is its name)."""
    with ArchiveWriter(path, application={"name": "hostile", "url": "https://evil.example"}) as w:
        for name, url in urls.items():
            w.add_session(SessionMeta(session_id=name, user_id="mallory"), hostile_page(name, url))
    return path


# ---- what the tests run in the page that shows the replays -------------------------------

# Installed first: every message a payload posts to the top window is kept.
LISTEN_JS = (
    "window.__corpusMessages = [];"
    "addEventListener('message', (e) => window.__corpusMessages.push(String(e.data)));"
)

# Every trace a payload left, from the top window down through every frame it can reach:
# ``__p_*`` globals, ``__p_*`` titles and messages (taken, so the next page starts clean).
TRACES_JS = """(() => {
  const found = [];
  const visit = (win, depth) => {
    let keys = [];
    try { keys = Object.keys(win); } catch (e) { return; }  // cross-origin: unreachable
    for (const k of keys) if (k.startsWith('__p_')) found.push(k);
    try { if (win.document.title.startsWith('__p_')) found.push(win.document.title); } catch (e) {}
    if (depth < 5) for (let i = 0; i < win.frames.length; i++) visit(win.frames[i], depth + 1);
  };
  visit(window, 0);
  found.push(...(window.__corpusMessages || []).filter((m) => m.startsWith('__p_')));
  window.__corpusMessages = [];
  return JSON.stringify(found);
})()"""


def provoke_js(documents: str) -> str:
    """Fire every handler attribute, click every link, button and area, submit every form,
    focus every field — in the documents ``documents`` evaluates to and the frames inside.

    A user's click or a browser quirk might do the same; nothing may run or load because of
    it. rrweb renames some handlers (``onload`` becomes ``_onload``): those fire too.
    """
    return f"""(() => {{
  let fired = 0;
  const provoke = (doc, depth) => {{
    if (!doc || depth > 3) return;
    for (const node of [...doc.querySelectorAll('*')]) {{
      for (const attr of node.getAttributeNames()) {{
        const name = attr.replace(/^_/, '');
        if (name.startsWith('on')) {{
          try {{ node.dispatchEvent(new Event(name.slice(2))); fired++; }} catch (e) {{}}
        }}
      }}
      try {{ if (node.focus) node.focus(); }} catch (e) {{}}
      if (['a', 'area', 'button'].includes(node.localName) || node.type === 'image') {{
        try {{
          node.dispatchEvent(new MouseEvent('click', {{bubbles: true, cancelable: true}}));
          fired++;
        }} catch (e) {{}}
      }}
      if (node.localName === 'form') {{
        try {{ node.requestSubmit(); fired++; }} catch (e) {{}}
        try {{ node.submit(); }} catch (e) {{}}
      }}
      if (['iframe', 'frame', 'object', 'embed'].includes(node.localName)) {{
        try {{ provoke(node.contentDocument, depth + 1); }} catch (e) {{}}
      }}
    }}
  }};
  for (const doc of {documents}) provoke(doc, 0);
  return fired;
}})()"""


# ---- verdicts, per vector -------------------------------------------------------------------


@dataclass
class Outcome:
    """What one hostile page did while it was replayed, provoked and left alone."""

    marker: list[Any] = field(default_factory=list)  # its heading: at the end, then played
    traces: list[str] = field(default_factory=list)  # globals, titles, messages of payloads
    requests: list[str] = field(default_factory=list)  # what its server received
    connections: int = 0  # ... and how often anything connected to it
    notes: list[str] = field(default_factory=list)  # what the engine said about its URLs


@contextmanager
def plain_browser(
    qtbot: Any, interceptor: Any = None, size: tuple[int, int] = (1200, 900)
) -> Iterator[tuple[Any, Any]]:
    """A view on an off-the-record profile with default settings — like a user's browser,
    no guard of the app's — whose pages keep every message a payload posts (``LISTEN_JS``,
    installed before anything else runs). Yields ``(view, page)``."""
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript
    from PySide6.QtWebEngineWidgets import QWebEngineView

    profile = QWebEngineProfile()
    if interceptor is not None:
        profile.setUrlRequestInterceptor(interceptor)
    page = QWebEnginePage(profile)
    listen = QWebEngineScript()
    listen.setSourceCode(LISTEN_JS)
    listen.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    listen.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    listen.setRunsOnSubFrames(False)
    page.scripts().insert(listen)
    view = QWebEngineView()
    view.setPage(page)
    view.resize(*size)
    view.show()
    try:
        yield view, page
    finally:
        view.close()
        view.setPage(None)
        page.deleteLater()
        qtbot.wait(20)
        profile.deleteLater()


@contextmanager
def vector_servers() -> Iterator[dict[str, CountingServer]]:
    """One counting loopback server per vector, so a request names the page that made it."""
    servers = {name: CountingServer() for name in VECTORS}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.close()


def file_traces(found: list[str], outcomes: dict[str, Outcome], stray: list[str]) -> None:
    """Give each trace to the vector whose payload leaves it (unknown ones to ``stray``)."""
    owners = {tag(name): name for name in outcomes}
    for trace in found:
        (outcomes[owners[trace]].traces if trace in owners else stray).append(trace)


def file_requests(
    outcomes: dict[str, Outcome], servers: dict[str, CountingServer], notes: list[str]
) -> None:
    """What each server saw, and the engine's notes that name it."""
    for name, server in servers.items():
        outcome = outcomes[name]
        outcome.requests = list(server.requests)
        outcome.connections = server.connections
        outcome.notes = [note for note in notes if server.base in note]


def assert_inert(outcome: Outcome, vector: str) -> None:
    """The page was rebuilt to its last event twice, ran nothing and reached nothing."""
    assert outcome.marker == [f"{vector} (end)"] * 2, outcome.marker
    assert outcome.traces == [], outcome.traces
    assert outcome.requests == [], (outcome.requests, outcome.notes)
    assert outcome.connections == 0, outcome.notes  # not even a connection without request
