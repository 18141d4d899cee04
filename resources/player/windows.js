// Windowed loading (issue 23), the player's half: player.js (loaded after this file) calls
// these; they use its replayer and helpers (makeReplayer, destroy, seekInWindow, report).
"use strict";

// Windowed loading (issue 23): with a window.json URL the replayer holds only the events
// around the cursor — from the checkpoint before it to a few minutes after — and a seek
// outside them, or playback nearing their end, asks for the window there. Times: the
// stream runs from sessionFirst to sessionLast; the replayer's time 0 is `base` (its first
// event, a checkpoint); it may be sought anywhere in [win.start, win.end] without asking.
let sessionFirst = 0;
let sessionLast = 0;
let base = 0;
let replayerEnd = 0; // the replayer's last event
let win = { start: -Infinity, end: Infinity };
let windowUrl = null; // null: the whole session is loaded
let nextWindow = null; // the window after this one, fetched ahead while playing
let prefetching = false;
let windowToken = 0;
let pendingSeek = null; // {abs, play}: a seek waiting for its window
let windowsLoaded = 0;
const PREFETCH_MS = 15_000; // ask for the next window this long before playback needs it

// A paused seek asks for a short window (what it shows needs nothing after the target, and
// every millisecond of events after it costs reading, sending and parsing: 5 s were a fifth
// to a half of a heavy window's events); playback asks for the whole reach and prefetches
// the next one, and play after a paused seek prefetches at once (within PREFETCH_MS).
const PAUSED_AHEAD_MS = 1_000;

// A window that takes longer than this (the first seek far into a long session waits for
// its checkpoints to be computed) says so on the page: a seek must never look ignored.
const SLOW_WINDOW_MS = 400;
const LOADING_MOMENT = "Loading this moment…";

// A seek served without the window it waited for: the wait is over, so is its message.
function endWait() {
  if (message.textContent === LOADING_MOMENT) showMessage("");
}

// `timing`, when given, gets the times (performance.now()) the answer's headers and its
// whole body arrived and its parse ended: where a seek's time goes (bench_long --breakdown).
async function fetchWindow(t, ahead = null, timing = null) {
  const sep = windowUrl.includes("?") ? "&" : "?";
  const at = t === null ? "" : `${sep}t=${Math.round(t)}${ahead === null ? "" : `&ahead=${ahead}`}`;
  const response = await fetch(`${windowUrl}${at}`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if (timing === null) return response.json();
  timing.headers = performance.now();
  const text = await response.text();
  timing.body = performance.now();
  const w = JSON.parse(text);
  timing.parsed = performance.now();
  return w;
}

async function loadWindowed(url) {
  destroy();
  const token = ++loadToken;
  windowUrl = url;
  nextWindow = null;
  pendingSeek = null;
  windowToken++;
  showMessage("Loading…");
  let w;
  try {
    w = await fetchWindow(null);
  } catch (e) {
    if (token !== loadToken) return;
    showMessage("The session's events could not be loaded.");
    report(`cannot load events: ${e}`);
    return;
  }
  if (token !== loadToken) return;
  if (!Array.isArray(w.events) || w.events.length < 2) {
    showMessage("This session has too few events to replay.");
    bridge.page_loaded(w.first || 0, 0);
    return;
  }
  showMessage("");
  sessionFirst = w.first;
  sessionLast = w.last;
  useWindow(w);
  replayer.pause(0);
  bridge.page_loaded(sessionFirst, sessionLast);
}

function useWindow(w) {
  destroy();
  if (!message.hidden) showMessage(""); // a window arrived: whatever failed before is over
  makeReplayer(w.events, w.pointer);
  win = { start: w.start, end: Math.max(w.end, replayerEnd) };
  if (nextWindow === w) nextWindow = null;
  windowsLoaded++;
  setTimeout(fit, 0);
}

// A seek (or playback) to `abs` outside the window: the window there, then the seek.
// Where each such seek's time went, in ms (bench_long --breakdown): until the answer's
// headers (the store's read, the scheme, the IPC), its body, the JSON parse, the replayer
// built, the checkpoint's snapshot rebuilt, and the rest of the seek (the catch-up to the
// target: incrementals, rrweb's virtual-DOM diff, hover and scroll), with its event count.
window.windowTimings = [];
async function requestWindow(abs, retried = false) {
  const token = ++windowToken;
  const load = loadToken;
  const timing = { started: performance.now() };
  const slow = setTimeout(() => {
    if (token === windowToken && load === loadToken && pendingSeek) {
      showMessage(LOADING_MOMENT);
    }
  }, SLOW_WINDOW_MS);
  let w;
  try {
    w = await fetchWindow(abs, pendingSeek && !pendingSeek.play ? PAUSED_AHEAD_MS : null, timing);
  } catch (e) {
    clearTimeout(slow);
    if (token !== windowToken || load !== loadToken) return;
    if (!retried) {
      // once more: a read can fail for a moment (a file renamed under it); the seek waits
      setTimeout(() => {
        if (token === windowToken && load === loadToken && pendingSeek) requestWindow(abs, true);
      }, 100);
      return;
    }
    report(`cannot load the events at ${abs}: ${e}`);
    showMessage("The events at this moment could not be loaded.");
    return;
  }
  clearTimeout(slow);
  if (token !== windowToken || load !== loadToken || !pendingSeek) return;
  const seek = pendingSeek;
  pendingSeek = null;
  const fetched = performance.now();
  useWindow(w);
  const built = performance.now();
  rebuildMs = 0;
  seekInWindow(Math.min(Math.max(seek.abs, win.start), win.end), seek.play);
  const done = performance.now();
  window.windowTimings.push({
    headers: timing.headers - timing.started,
    body: timing.body - timing.headers,
    parse: timing.parsed - timing.body,
    build: built - fetched,
    rebuild: rebuildMs,
    catchUp: done - built - rebuildMs,
    events: w.events.length,
  });
  if (window.windowTimings.length > 1000) window.windowTimings.shift();
}

async function prefetch() {
  if (prefetching || nextWindow || pendingSeek || win.end >= sessionLast) return;
  prefetching = true;
  const end = win.end;
  const load = loadToken;
  try {
    const w = await fetchWindow(end);
    if (load === loadToken && win.end === end) nextWindow = w;
  } catch (e) {
    report(`cannot prefetch the events at ${end}: ${e}`);
  } finally {
    prefetching = false;
  }
}

// Playback ran out of this window's events: go on in the next one.
function continueInNextWindow() {
  if (!replayer || !playing) return;
  const abs = base + replayer.getCurrentTime();
  const w = nextWindow;
  if (w && w.start <= win.end) {
    useWindow(w);
    seekInWindow(Math.min(Math.max(abs, win.start), win.end), true);
  } else {
    pendingSeek = { abs: win.end, play: true };
    requestWindow(win.end);
  }
}

function goTo(abs, play) {
  if (!windowUrl || (replayer && abs >= win.start && abs <= win.end)) {
    pendingSeek = null;
    windowToken++; // a window still on its way is no longer wanted
    endWait();
    seekInWindow(abs, play);
  } else if (nextWindow && abs >= nextWindow.start && abs <= nextWindow.end) {
    pendingSeek = null;
    windowToken++;
    endWait();
    useWindow(nextWindow);
    seekInWindow(abs, play);
  } else {
    pendingSeek = { abs, play };
    playing = false;
    requestWindow(abs);
  }
}

