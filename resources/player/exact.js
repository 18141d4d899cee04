// Exact seeks (issue 23): what a seek leaves in the replayed page must depend on the time
// sought alone, not on the way there. rrweb keeps some state across seeks (the emulated
// hover, scroll offsets) or loses it on a rebuild; the player (player.js, loaded after this
// file, whose `replayer` these functions read when called) restores it after every seek.
// The document's state, digested, is what the A → B → A tests compare.
"use strict";

// rrweb marks the elements under the pointer with a ":hover" class (the recorded page's
// :hover styles follow it) from the last pointer position it applied — so after a seek
// the hover depended on the way there (kept from before a forward seek, lost by a rebuild
// from a checkpoint after the last move). After every seek it is set here from time alone:
// the node of the last pointer event before the target, as rrweb would when replaying
// the whole recording from its start. `pointerTimes`/`pointerNodes` index the replayer's
// events; a window's first entry is the node under the pointer at its start.
const POINTER_MOVES = new Set([1, 6, 12]); // MouseMove, TouchMove, Drag
const POINTER_PRESSES = new Set([0, 1, 2, 7, 9]); // MouseUp/Down, Click, TouchStart/End
let pointerTimes = [];
let pointerNodes = [];

// Scroll offsets likewise (rrweb#1472-like: after A → B → A the page came back unscrolled,
// or still animating a "smooth" scroll): after a seek, every node's last Scroll event
// before the target (since the last FullSnapshot, which carries its own offsets) is applied
// again, at once.
let scrollEvents = []; // [timestamp, data] of Scroll events, and [timestamp, null] resets

// rrweb applies a seek's catch-up to a virtual DOM (rrdom) and diffs it into the page at the
// end ("flush"). A Scroll event on the document is kept as `scrollData` of the virtual
// document, which is one object for the replayer's life: rrdom's destroyTree() empties its
// children but keeps that scroll, so every later catch-up that goes through the virtual DOM
// scrolled the page again to the document scroll of some earlier seek — a scroll recorded
// seconds later showed on a visit before it (demo s0037: 240 px at 3.5 s, from 8.2 s; 5–6
// of the demo's 600 A → B → A triples). After rrweb's own flush handler (registered
// first, so it runs first), the virtual document forgets it.
function forgetVirtualScroll(r) {
  r.on("flush", () => {
    if (r.virtualDom) r.virtualDom.scrollData = null;
  });
}

function indexPointer(events, startNode, start) {
  pointerTimes = [];
  pointerNodes = [];
  scrollEvents = [];
  if (startNode !== null && startNode !== undefined) {
    pointerTimes.push(start - 0.5);
    pointerNodes.push(startNode);
  }
  events.forEach(indexPointerEvent);
}

function indexPointerEvent(e) {
  if (e.type === 2) scrollEvents.push([e.timestamp, null]);
  if (e.type !== 3 || !e.data) return;
  const d = e.data;
  if (d.source === 3) scrollEvents.push([e.timestamp, d]);
  let node = null;
  if (POINTER_MOVES.has(d.source) && Array.isArray(d.positions) && d.positions.length) {
    node = d.positions[d.positions.length - 1].id;
  } else if (d.source === 2 && POINTER_PRESSES.has(d.type) && d.id !== -1) {
    node = d.id;
  }
  if (typeof node === "number") {
    pointerTimes.push(e.timestamp);
    pointerNodes.push(node);
  }
}

function applyScrolls(abs) {
  const last = new Map();
  for (const [ts, d] of scrollEvents) {
    if (ts >= abs) break;
    if (d === null) last.clear();
    else last.set(d.id, d);
  }
  const mirror = replayer.getMirror();
  for (const d of last.values()) {
    if (mirror.getNode(d.id)) replayer.applyScroll(d, true);
  }
}

function applyHover(abs) {
  if (!replayer) return;
  let low = 0;
  let high = pointerTimes.length; // first index with time >= abs
  while (low < high) {
    const mid = (low + high) >> 1;
    if (pointerTimes[mid] < abs) low = mid + 1;
    else high = mid;
  }
  const doc = replayer.iframe.contentDocument;
  const node = low > 0 ? replayer.getMirror().getNode(pointerNodes[low - 1]) : null;
  if (node && node.isConnected) {
    replayer.hoverElements(node);
  } else if (doc) {
    doc.querySelectorAll(".\\:hover").forEach((el) => el.classList.remove(":hover"));
  }
}

// A digest of the replayed document as a user would find it (exact seeks, issue 23): the
// DOM serialised, every form field's value, checked and selected state, and the scroll
// offsets of the document and of every scrolled element — what A → B → A must give back.
window.replayStateText = () => {
  const doc = window.replayDocument();
  if (!doc || !doc.documentElement) return "";
  // Attributes sorted and class lists normalised: the order of attributes and the spaces
  // in a class list depend on whether a node was rebuilt from a snapshot or patched by
  // rrweb's virtual DOM (an SVG's xmlns, " a " against "a", class="" against none), which
  // no user can see. A name is listed once: an SVG added by a mutation and patched in by
  // the virtual DOM carries xmlns twice (in the XMLNS namespace and in none), one rebuilt
  // from a snapshot once — and getAttribute() reads the first of them for both anyway.
  const parts = [];
  const attribute = (node, name) => {
    const value = node.getAttribute(name);
    return name === "class" ? value.split(/\s+/).filter(Boolean).join(" ") : value;
  };
  const walk = (node, depth) => {
    if (node.nodeType === 1) {
      const names = [...new Set(node.getAttributeNames())].sort()
        .filter((n) => n !== "class" || attribute(node, n));
      parts.push(`${depth}<${node.tagName} ${names.map((n) => `${n}=${attribute(node, n)}`).join(" ")}`);
      if (node.tagName === "INPUT" || node.tagName === "TEXTAREA" || node.tagName === "SELECT") {
        parts.push(`${depth}=${node.value}|${node.checked ? 1 : 0}|${node.selectedIndex ?? ""}`);
      }
      if (node.scrollTop || node.scrollLeft) parts.push(`${depth}@${node.scrollLeft},${node.scrollTop}`);
    } else if (node.nodeType === 3 || node.nodeType === 8) {
      parts.push(`${depth}${node.nodeType === 3 ? "#" : "!"}${node.data}`);
    }
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child, depth + 1);
  };
  walk(doc.documentElement, 0);
  const view = doc.defaultView;
  parts.push(`doc@${view ? view.scrollX : 0},${view ? view.scrollY : 0}`);
  return parts.join("\n");
};
window.replayFingerprint = () => {
  const text = window.replayStateText();
  if (!text) return "";
  let h1 = 0x811c9dc5, h2 = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x85ebca6b);
  }
  return `${text.length}:${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
};
