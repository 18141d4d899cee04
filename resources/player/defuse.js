// Connection hints a replayed page must not act on. Loaded by the player page before
// player.js and inlined into findings reports before clip.js; both pass every rrweb event
// through window.defuseReplayEvent before the replayer sees it.
//
// Why: <link rel=preconnect> (and rel=dns-prefetch) make Chromium open a connection (or look
// up a name) for the recorded site without any request, so neither a Content-Security-
// Policy nor the app's request interceptor ever sees it — the iframe sandbox does not stop
// it either. Replaying or opening a report would tell the recorded site (or its DNS) who is
// watching. The hostile-page corpus (tests/hostile_pages.py, link-preconnect and
// mutation-adds-links) caught it reaching the server. The hint's token is renamed
// ("rr-blocked-preconnect"): the element stays, as recorded, but means nothing.
"use strict";
(function () {
  const HINT = /(^|\s)(preconnect|dns-prefetch)(?=\s|$)/gi;

  function defuseRel(value) {
    return typeof value === "string" ? value.replace(HINT, "$1rr-blocked-$2") : value;
  }

  // srcdoc is a whole document in a string: parse it inertly (a DOMParser document runs and
  // loads nothing), defuse its links and nested srcdocs, and write it back.
  function defuseSrcdoc(html) {
    if (typeof html !== "string" || !/link|srcdoc/i.test(html)) return html;
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const link of doc.querySelectorAll("link[rel]")) {
      link.setAttribute("rel", defuseRel(link.getAttribute("rel")));
    }
    for (const frame of doc.querySelectorAll("iframe[srcdoc]")) {
      frame.setAttribute("srcdoc", defuseSrcdoc(frame.getAttribute("srcdoc")));
    }
    return "<!doctype html>" + doc.documentElement.outerHTML;
  }

  function defuseAttributes(attributes) {
    if (!attributes || typeof attributes !== "object") return;
    if ("rel" in attributes) attributes.rel = defuseRel(attributes.rel);
    if ("srcdoc" in attributes) attributes.srcdoc = defuseSrcdoc(attributes.srcdoc);
  }

  function defuseTree(root) {
    const stack = [root];
    while (stack.length) {
      const node = stack.pop();
      if (!node || typeof node !== "object") continue;
      defuseAttributes(node.attributes);
      if (Array.isArray(node.childNodes)) for (const child of node.childNodes) stack.push(child);
    }
  }

  // FullSnapshot nodes, and a Mutation's added nodes and changed attributes, in place.
  window.defuseReplayEvent = function (event) {
    const data = event && event.data;
    if (!data || typeof data !== "object") return event;
    if (event.type === 2) defuseTree(data.node);
    if (event.type === 3 && data.source === 0) {
      for (const add of data.adds || []) defuseTree(add && add.node);
      for (const change of data.attributes || []) defuseAttributes(change && change.attributes);
    }
    return event;
  };
})();
