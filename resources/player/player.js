// The replay page: drives rrweb.Replayer for the Qt window. Every control lives in Qt;
// this page only loads events, seeks, plays, and reports time back over the web channel.
"use strict";

let bridge = null;
let replayer = null;
let seekSeq = 0;
let playing = false;
let speed = 1;
let skipInactive = false;
let highlightId = -1;
let searchOutlineId = -1; // the element of the search hit shown (the find bar's)
let lastTick = 0;
const frame = document.getElementById("frame");
const message = document.getElementById("message");

function report(text) {
  if (bridge) bridge.page_error(String(text));
}

window.addEventListener("error", (e) => report(`${e.message} (${e.filename}:${e.lineno})`));
window.addEventListener("unhandledrejection", (e) => report(`unhandled rejection: ${e.reason}`));

function showMessage(text) {
  message.textContent = text;
  message.hidden = !text;
}

function fit() {
  if (!replayer) return;
  const iframe = replayer.iframe;
  const w = Number(iframe.width) || iframe.clientWidth || 1;
  const h = Number(iframe.height) || iframe.clientHeight || 1;
  const scale = Math.min(window.innerWidth / w, window.innerHeight / h, 1) * 0.98;
  frame.style.width = `${w}px`;
  frame.style.height = `${h}px`;
  frame.style.transform = `scale(${scale})`;
  frame.style.left = `${Math.max(0, (window.innerWidth - w * scale) / 2)}px`;
  frame.style.top = `${Math.max(0, (window.innerHeight - h * scale) / 2)}px`;
  placeHighlight();
  wake();
}

function destroy() {
  if (replayer) {
    try { replayer.destroy(); } catch (e) { /* already gone */ }
  }
  replayer = null;
  frame.innerHTML = "";
  playing = false;
}

let loadToken = 0;

async function fetchPart(url, part) {
  const response = await fetch(`${url}${url.includes("?") ? "&" : "?"}part=${part}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function makeReplayer(events, pointerAtStart = null) {
  events.forEach(window.defuseReplayEvent); // defuse.js: hints no policy sees
  indexPointer(events, pointerAtStart, events.length ? events[0].timestamp : 0);
  replayer = new rrweb.Replayer(events, {
    root: frame,
    speed,
    skipInactive,
    mouseTail: false,
    showWarning: false,
    showDebug: false,
    triggerFocus: false,
    UNSAFE_replayCanvas: false,
    logger: { log() {}, warn() {} },
  });
  forgetVirtualScroll(replayer); // exact.js
  timeRebuilds(replayer);
  replayer.on("resize", () => setTimeout(fit, 0));
  replayer.on("finish", () => {
    if (!playing) return; // a paused seek to the end casts the last event as well
    if (windowUrl && win.end < sessionLast) {
      setTimeout(continueInNextWindow, 0); // not inside rrweb's own callback
      return;
    }
    playing = false;
    tick(true);
    wake();
    bridge.page_finished();
  });
  const meta = replayer.getMetaData();
  base = meta.startTime;
  replayerEnd = meta.endTime;
}

// The time rrweb spends rebuilding a snapshot (a seek's share that is not the catch-up of
// incrementals after it), summed into `rebuildMs` for the seek breakdown (windows.js).
let rebuildMs = 0;
function timeRebuilds(r) {
  const rebuild = r.rebuildFullSnapshot;
  r.rebuildFullSnapshot = function (event, isSync) {
    const started = performance.now();
    try {
      return rebuild.call(this, event, isSync);
    } finally {
      rebuildMs += performance.now() - started;
    }
  };
}

// Events arrive in parts: the replayer starts on the first part, later parts are added as
// they come, so a long session is watchable before all of it has crossed the bridge.
async function load(url) {
  if (url.includes("/window.json")) return loadWindowed(url);
  destroy();
  windowUrl = null;
  win = { start: -Infinity, end: Infinity };
  const token = ++loadToken;
  showMessage("Loading…");
  let first;
  try {
    first = await fetchPart(url, 0);
  } catch (e) {
    if (token !== loadToken) return; // a later load replaced this one: not its failure
    showMessage("The session's events could not be loaded.");
    report(`cannot load events: ${e}`);
    return;
  }
  if (token !== loadToken) return;
  const events = first.events;
  if (!Array.isArray(events) || events.length < 2) {
    showMessage("This session has too few events to replay.");
    bridge.page_loaded(events && events[0] ? events[0].timestamp : 0, 0);
    return;
  }
  showMessage("");
  makeReplayer(events);
  sessionFirst = base;
  sessionLast = replayerEnd;
  replayer.pause(0);
  setTimeout(fit, 0);
  bridge.page_loaded(sessionFirst, sessionLast);
  for (let part = 1; part < first.parts; part++) {
    let chunk;
    try {
      chunk = await fetchPart(url, part);
    } catch (e) {
      report(`cannot load part ${part} of the events: ${e}`);
      return;
    }
    if (token !== loadToken || !replayer) return;
    for (const event of chunk.events) {
      replayer.addEvent(window.defuseReplayEvent(event));
      indexPointerEvent(event); // parts come in time order
      // addEvent inserts on a microtask, so getMetaData() lags: track the end ourselves.
      if (event.timestamp > sessionLast) sessionLast = replayerEnd = event.timestamp;
    }
  }
  if (first.parts > 1) bridge.page_loaded(sessionFirst, sessionLast);
}

function tick(force) {
  if (!replayer) return;
  const now = performance.now();
  if (force || now - lastTick > 33) {
    lastTick = now;
    const abs = Math.min(base + replayer.getCurrentTime(), sessionLast);
    bridge.page_tick(abs - sessionFirst, seekSeq);
  }
}

// The animation-frame loop reports time and keeps the highlight on its element while the
// replay moves. Paused, nothing in the replay moves, so it stops (it read the DOM 60 times
// a second for nothing): wake() runs it for a few frames after anything that may move the
// page — a seek, a pause, a load, a resize, a new highlight — and for as long as it plays.
const SETTLE_FRAMES = 3; // the frames a seek or resize may take to lay the page out
let loopArmed = false;
let settleFrames = 0;
window.playerLoopFrames = 0; // frames the loop has run (tests read it)

function wake() {
  settleFrames = SETTLE_FRAMES;
  if (!loopArmed) {
    loopArmed = true;
    requestAnimationFrame(loop);
  }
}

function loop() {
  loopArmed = false;
  window.playerLoopFrames++;
  if (playing) tick(false);
  if (playing && windowUrl && replayer && base + replayer.getCurrentTime() > win.end - PREFETCH_MS) {
    prefetch();
  }
  placeHighlight();
  if (playing || settleFrames-- > 0) {
    loopArmed = true;
    requestAnimationFrame(loop);
  }
}

function seek(offset, seq, play) {
  seekSeq = seq;
  if (!replayer && !windowUrl) return;
  const abs = Math.max(sessionFirst, Math.min(sessionFirst + offset, sessionLast));
  goTo(abs, play);
}

// `abs` lies in the replayer's window: a seek there, paused or playing on.
function seekInWindow(abs, play) {
  const end = replayerEnd - base;
  const offset = Math.max(0, Math.min(abs - base, end));
  if (play) {
    // rrweb cannot seek while skipping inactivity (rrweb#884): turn it off around the seek.
    if (skipInactive) replayer.setConfig({ skipInactive: false });
    replayer.play(offset);
    if (skipInactive) replayer.setConfig({ skipInactive: true });
    playing = true;
  } else {
    // rrweb applies only the events *before* the offset, so paused at the very end the
    // last event would be missing (playing to the end shows it): go 1 ms past it.
    replayer.pause(offset >= end ? end + 1 : offset);
    playing = false;
  }
  const at = base + (play || offset < end ? offset : end + 1);
  applyHover(at);
  if (!play) applyScrolls(at);
  tick(true);
  wake();
}

function placeHighlight() {
  placeOutline(highlightId, "ri-highlight");
  placeOutline(searchOutlineId, "ri-search-outline");
}

// An overlay box over the element of recorded node `id` (its parent for a text node), in
// the frame above the replayed page: nothing in the recorded DOM is changed, so a seek that
// rebuilds the page leaves no trace of it. The box follows the element on every loop frame.
function placeOutline(id, className) {
  const old = frame.querySelector(`.${className}`);
  if (id < 0 || !replayer) {
    if (old) old.remove();
    return;
  }
  const node = replayer.getMirror().getNode(id);
  const element = node && node.nodeType === 3 ? node.parentElement : node;
  if (!element || !element.getBoundingClientRect) {
    if (old) old.remove();
    return;
  }
  const rect = element.getBoundingClientRect();
  const box = old || document.createElement("div");
  box.className = className;
  box.style.left = `${rect.left - 3}px`;
  box.style.top = `${rect.top - 3}px`;
  box.style.width = `${rect.width + 6}px`;
  box.style.height = `${rect.height + 6}px`;
  if (!old) frame.appendChild(box);
}

// Tests and the frame exporter read the replayed document through these.
window.replayDocument = () => (replayer ? replayer.iframe.contentDocument : null);
window.replayHtml = () => {
  const doc = window.replayDocument();
  return doc && doc.documentElement ? "<!doctype html>\n" + doc.documentElement.outerHTML : "";
};
window.replayTime = () => (replayer ? base + replayer.getCurrentTime() - sessionFirst : -1);
// What the page holds (tests and benchmarks): the window's span and its events, the
// windows loaded so far, and whether a seek waits for its window.
window.playerWindow = () => ({
  windowed: windowUrl !== null,
  start: win.start,
  end: win.end,
  events: replayer ? replayer.service.state.context.events.length : 0,
  loaded: windowsLoaded,
  waiting: pendingSeek !== null,
});
// The click map (issue 21) asks where elements are in the shown frame: for each selector,
// the box of its first match in the player page's pixels (the replayed page is scaled to
// fit), or null when nothing matches; and the replayed viewport, its scroll and page height.
window.replayBoxes = (selectors) => {
  const doc = window.replayDocument();
  if (!doc || !doc.documentElement) return null;
  const iframe = replayer.iframe;
  const outer = iframe.getBoundingClientRect();
  const width = Number(iframe.width) || iframe.clientWidth || 1;
  const scale = outer.width / width;
  const boxes = {};
  for (const selector of selectors) {
    let element = null;
    try { element = doc.querySelector(selector); } catch (e) { element = null; }
    const r = element ? element.getBoundingClientRect() : null;
    boxes[selector] = r && r.width * r.height > 0
      ? [outer.left + r.left * scale, outer.top + r.top * scale, r.width * scale, r.height * scale]
      : null;
  }
  const scroller = doc.scrollingElement || doc.documentElement;
  return {
    boxes,
    frame: [outer.left, outer.top, outer.width, outer.height],
    scale,
    viewWidth: window.innerWidth,
    scrollY: scroller.scrollTop,
    pageHeight: scroller.scrollHeight,
  };
};
// The search outline and the box of the element it outlines (both in the frame's
// coordinates), or null when none is drawn.
window.searchOutline = () => {
  const box = frame.querySelector(".ri-search-outline");
  if (!box || !replayer) return null;
  const node = replayer.getMirror().getNode(searchOutlineId);
  const element = node && node.nodeType === 3 ? node.parentElement : node;
  const rect = element ? element.getBoundingClientRect() : null;
  return {
    id: searchOutlineId,
    box: { left: box.offsetLeft, top: box.offsetTop, width: box.offsetWidth, height: box.offsetHeight },
    element: rect && { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
    text: element ? (element.value !== undefined && element.value !== "" ? element.value : element.textContent) : "",
  };
};

// The replayed document as a file that someone may open in any browser (the frame
// command's frame-N.html): there no sandbox, guard or player policy is around it, so the
// copy is made inert itself. A policy that allows no script, request, frame or form target
// comes first; what a policy cannot stop (meta refresh, <base>, connection hints, ping)
// and what it makes pointless (scripts, handler attributes) is removed.
const FILE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; " +
  "media-src data:; frame-src 'none'; form-action 'none'; base-uri 'none'";
window.replayInertHtml = () => {
  const doc = window.replayDocument();
  if (!doc || !doc.documentElement) return "";
  const root = doc.documentElement.cloneNode(true);
  root.querySelectorAll("script, meta[http-equiv], base, link, noscript").forEach((el) => el.remove());
  root.querySelectorAll("*").forEach((el) => {
    for (const name of el.getAttributeNames()) {
      const value = (el.getAttribute(name) || "").trim().toLowerCase();
      if (name.startsWith("on") || name === "ping" || name === "srcdoc" ||
          value.startsWith("javascript:")) {
        el.removeAttribute(name);
      }
    }
  });
  let head = root.querySelector("head");
  if (!head) {
    head = doc.createElement("head");
    root.insertBefore(head, root.firstChild);
  }
  const policy = doc.createElement("meta");
  policy.setAttribute("http-equiv", "Content-Security-Policy");
  policy.setAttribute("content", FILE_POLICY);
  head.insertBefore(policy, head.firstChild); // the first thing the parser meets
  return "<!doctype html>\n" + root.outerHTML;
};

window.addEventListener("resize", fit);

new QWebChannel(qt.webChannelTransport, (channel) => {
  bridge = channel.objects.bridge;
  bridge.load_requested.connect((url) => { load(url); });
  bridge.seek_requested.connect((offset, seq, play) => seek(offset, seq, play));
  bridge.pause_requested.connect(() => {
    if (pendingSeek) pendingSeek.play = false;
    if (replayer) replayer.pause();
    playing = false;
    tick(true);
    wake();
  });
  bridge.speed_requested.connect((value) => {
    speed = value;
    if (replayer) replayer.setConfig({ speed });
  });
  bridge.skip_inactive_requested.connect((value) => {
    skipInactive = value;
    if (replayer) replayer.setConfig({ skipInactive });
  });
  bridge.highlight_requested.connect((id) => {
    highlightId = id;
    placeHighlight();
    wake();
  });
  bridge.search_outline_requested.connect((id) => {
    searchOutlineId = id;
    placeHighlight();
    wake();
  });
  wake();
  bridge.page_ready();
});
