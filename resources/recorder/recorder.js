/*
 * Replay Investigator recorder: rrweb session recording plus the RUM stream of the
 * `.webreplay` format (actions, errors, requests, web vitals, goals), handed in batches
 * to a sink. Load `rrweb.umd.min.js` (rrweb 2.2.2, global `rrweb`) first, then this file,
 * then call `ReplayRecorder.start({...})`. The API and the batch shape are documented in
 * README.md beside this file.
 *
 * Why it is written the way it is:
 * - Action, request and error bookkeeping happens here, in the page, because only the page
 *   knows which request an interaction started and which action was open when an error
 *   was thrown; rrweb events alone only let an importer guess (see app/derive/rum.py, whose
 *   definitions this file follows so both sources read the same).
 * - `fetch` is wrapped through an accessor on `window`, so a page (or a mock backend) that
 *   installs its own `fetch` after the recorder is still observed; a re-entrancy guard
 *   keeps a page that wraps "the original fetch" (which is ours) from recursing.
 * - Input values are masked by default; fields marked `data-record-unmask` are recorded
 *   as typed, password fields never.
 * - What is masked is written down once, in masking.json beside this file (MASKING below is
 *   the same, checked by tests/recorder): the rrweb stream is recorded with those rules, and
 *   action names are made from the page *as recorded* — masked text as stars, a blocked
 *   element as the box rrweb keeps of it — never from the live text, which is in clear.
 */
(function (global) {
  'use strict';

  var VERSION = '1.0.0';
  var SESSION_KEY = '__replayRecorderSession';
  var SESSION_IDLE_MS = 30 * 60 * 1000;
  var XHR_START_WINDOW_MS = 1000;
  var RESPONSE_WINDOW_MS = 10000;
  var INPUT_DEBOUNCE_MS = 5000;
  var ERROR_ACTION_WINDOW_MS = 5000;
  var SETTLE_MS = 50;
  var MAX_ACTION_MS = 180000;
  var MAX_NAME = 60;
  var BEACON_LIMIT = 60000;
  var SEND_ATTEMPTS = 4;
  var NAME_ATTRIBUTES = ['aria-label', 'title', 'alt', 'placeholder', 'name', 'id'];
  var INTERACTIVE_TAGS = {a: 1, button: 1, select: 1, textarea: 1, input: 1, label: 1, summary: 1, option: 1};
  var INTERACTIVE_ROLES = {button: 1, link: 1, checkbox: 1, radio: 1, menuitem: 1, tab: 1, option: 1, switch: 1, combobox: 1};
  var USER_CONTENT_TAGS = {input: 1, textarea: 1, select: 1};
  var BUTTON_INPUT_TYPES = {submit: 1, button: 1, reset: 1};
  var TEXT_INPUT_TYPES = {text: 1, search: 1, email: 1, tel: 1, url: 1, password: 1, number: 1, '': 1};
  var INVISIBLE_TAGS = {script: 1, noscript: 1, style: 1, template: 1, head: 1, title: 1, meta: 1, link: 1};
  var MAX_TEXT = 200;
  // The same rules as masking.json (without its explanations); tests/recorder checks it.
  var MASKING = {
    mask_text: {classes: ['rr-mask'], attributes: ['data-record-mask', 'data-private'], option: 'maskTextSelector'},
    block: {classes: ['rr-block'], attributes: ['data-record-block'], option: 'blockSelector'},
    ignore: {classes: ['rr-ignore']},
    inputs: {mask_all: true, unmask_attributes: ['data-record-unmask'], always_masked_types: ['password']},
    mask_character: '*'
  };

  var DEFAULTS = {
    sink: null,                 // function(batch) or a URL the batches are POSTed to as JSON
    checkoutEveryNms: 5 * 60 * 1000,
    maskAllInputs: MASKING.inputs.mask_all,
    unmaskSelector: ruleSelector({attributes: MASKING.inputs.unmask_attributes}),
    maskTextSelector: null,     // added to MASKING.mask_text's classes and attributes
    blockSelector: null,        // added to MASKING.block's classes and attributes
    flushIntervalMs: 5000,
    maxBatchEvents: 500,
    mousemoveSampleMs: 50,
    goals: [],                  // [{id, url_or_path, match_type: 'begins'|'contains'|'equals'}]
    release: null,
    application: null,
    sessionId: null             // override the session id (normally kept in sessionStorage)
  };

  var state = null;
  var nativeFetch = global.fetch;
  var fetchInner = global.fetch;
  var fetchDepth = 0;

  // ---------------------------------------------------------------- small helpers

  function now() { return Date.now(); }

  function randomId() {
    var bytes = new Uint8Array(9);
    (global.crypto || {getRandomValues: function (a) {
      for (var i = 0; i < a.length; i++) a[i] = Math.floor(Math.random() * 256);
      return a;
    }}).getRandomValues(bytes);
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += ('0' + bytes[i].toString(16)).slice(-2);
    return out;
  }

  function clip(text) {
    text = String(text).replace(/\s+/g, ' ').trim();
    return text.length <= MAX_NAME ? text : text.slice(0, MAX_NAME - 1).replace(/\s+$/, '') + '\u2026';
  }

  function absoluteUrl(url) {
    try { return new URL(String(url), global.location.href).href.split('#')[0]; } catch (e) { return String(url); }
  }

  function pageUrl() { return global.location.href; }

  function pagePath(url) {
    try {
      var u = new URL(url);
      return (u.pathname || '/') + (u.hash.indexOf('#/') === 0 ? u.hash : '');
    } catch (e) { return String(url); }
  }

  // ---------------------------------------------------------------- naming (as app/derive/naming.py)

  function isInteractive(el) {
    var role = (el.getAttribute && el.getAttribute('role') || '').toLowerCase();
    return !!INTERACTIVE_TAGS[el.tagName.toLowerCase()] || !!INTERACTIVE_ROLES[role];
  }

  function actionTarget(node) {
    var el = node && node.nodeType === 1 ? node : node && node.parentElement;
    var box = blockedBox(el);
    if (box) return box;  // nothing inside it is recorded: the action is about the box
    var current = el;
    for (var steps = 0; current && steps <= 6; steps++) {
      if (isInteractive(current)) return current;
      current = current.parentElement;
    }
    return el;
  }

  function masked(text) { return !!text && /^[*\s]+$/.test(text); }

  // ---------------------------------------------------------------- masking (masking.json)

  function ruleSelector(rule, option) {
    var parts = (rule.classes || []).map(function (c) { return '.' + c; })
      .concat((rule.attributes || []).map(function (a) { return '[' + a + ']'; }));
    if (option) parts.push(option);
    return parts.join(',');
  }

  function maskingSelectors(options) {
    options = options || DEFAULTS;
    return {
      maskText: ruleSelector(MASKING.mask_text, options[MASKING.mask_text.option]),
      block: ruleSelector(MASKING.block, options[MASKING.block.option])
    };
  }

  function currentSelectors() { return state ? state.selectors : maskingSelectors(DEFAULTS); }

  function matchesSelector(el, selectorText) {
    try { return !!(el && el.matches && el.matches(selectorText)); } catch (e) { return false; }
  }

  /* The outermost blocked element around `el` (rrweb records that one as an empty box), or null. */
  function blockedBox(el) {
    var found = null;
    for (var current = el; current && current.nodeType === 1; current = current.parentElement) {
      if (matchesSelector(current, currentSelectors().block)) found = current;
    }
    return found;
  }

  function textMasked(el) {
    try { return !!(el && el.closest && el.closest(currentSelectors().maskText)); } catch (e) { return false; }
  }

  /* The text of `el` as the recording holds it: masked text as stars (as rrweb writes it),
     text nodes joined by a space as the importer joins them (app/rrweb/mirror.py). */
  function recordedText(el) {
    var parts = [];
    var size = 0;
    var stack = [el];
    while (stack.length && size < MAX_TEXT) {
      var node = stack.pop();
      if (node.nodeType === 3) {
        var text = node.data || '';
        if (!text.trim()) continue;
        if (textMasked(node.parentElement)) text = text.replace(/\S/g, MASKING.mask_character);
        parts.push(text);
        size += text.length;
      } else if (node.nodeType === 1 && !INVISIBLE_TAGS[node.tagName.toLowerCase()]) {
        for (var i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]);
      }
    }
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  }

  function ignoredField(el) {
    return (MASKING.ignore.classes || []).some(function (c) { return el.classList && el.classList.contains(c); });
  }

  function selector(el) {
    var tag = el.tagName.toLowerCase();
    var out = tag + (el.id ? '#' + el.id : '');
    var name = el.getAttribute('name');
    if (!el.id && name) out += '[name=' + name + ']';
    var classes = (el.getAttribute('class') || '').split(/\s+/).filter(Boolean).slice(0, 3);
    return out + classes.map(function (c) { return '.' + c; }).join('');
  }

  /* What rrweb keeps of a blocked element: its tag and classes. */
  function boxSelector(el) {
    var classes = (el.getAttribute('class') || '').split(/\s+/).filter(Boolean).slice(0, 3);
    return el.tagName.toLowerCase() + classes.map(function (c) { return '.' + c; }).join('');
  }

  function targetSelector(el) { return blockedBox(el) === el ? boxSelector(el) : selector(el); }

  function elementName(el) {
    if (blockedBox(el) === el) return boxSelector(el);
    var tag = el.tagName.toLowerCase();
    if (tag === 'input' && BUTTON_INPUT_TYPES[(el.getAttribute('type') || '').toLowerCase()]) {
      var value = (el.getAttribute('value') || '').trim();
      if (value && !masked(value)) return clip(value);
    } else if (!USER_CONTENT_TAGS[tag] && !el.isContentEditable) {
      var text = recordedText(el);
      if (text && !masked(text)) return clip(text);
    }
    for (var i = 0; i < NAME_ATTRIBUTES.length; i++) {
      var attr = el.getAttribute(NAME_ATTRIBUTES[i]);
      if (attr && attr.trim()) return clip(attr);
    }
    var inner = el.querySelector && el.querySelector('[alt],[aria-label],[title]');
    if (inner) {
      var alt = inner.getAttribute('alt') || inner.getAttribute('aria-label') || inner.getAttribute('title');
      if (alt && alt.trim()) return clip(alt);
    }
    return selector(el);
  }

  // ---------------------------------------------------------------- session

  function loadSession(options) {
    var stored = null;
    try { stored = JSON.parse(global.sessionStorage.getItem(SESSION_KEY) || 'null'); } catch (e) { stored = null; }
    var t = now();
    if (options.sessionId) {
      stored = {id: String(options.sessionId), started: stored && stored.id === options.sessionId ? stored.started : t,
                user: stored && stored.user, pages: stored ? stored.pages : 0, seq: stored ? stored.seq : 0,
                actions: stored ? stored.actions : 0};
    } else if (!stored || !stored.id || t - (stored.last || 0) > SESSION_IDLE_MS) {
      stored = {id: randomId(), started: t, user: null, pages: 0, seq: 0, actions: 0};
    }
    stored.pages = (stored.pages || 0) + 1;
    stored.last = t;
    return stored;
  }

  function saveSession() {
    if (!state) return;
    state.session.last = now();
    try { global.sessionStorage.setItem(SESSION_KEY, JSON.stringify(state.session)); } catch (e) { /* private mode */ }
  }

  // ---------------------------------------------------------------- RUM records

  function pushRum(record) {
    if (!state) return;
    state.rum.push(record);
    if (state.rum.length + state.events.length >= state.options.maxBatchEvents) scheduleFlush(0);
  }

  function nextActionId() {
    state.session.actions = (state.session.actions || 0) + 1;
    saveSession();
    return state.session.id + '-' + state.session.pages + '-' + state.session.actions;
  }

  function openAction(type, trigger, name, target, start) {
    var action = {
      kind: 'action', id: nextActionId(), ts: start || now(), type: type, trigger: trigger,
      name: name, target: target, url: pageUrl(), duration_ms: 0,
      pending: 0, requests: 0, end: null, closed: false, firstResponse: null, timer: null
    };
    state.openActions.push(action);
    state.lastAction = action;
    if (trigger !== 'api' && trigger !== 'navigation') {
      action.timer = setTimeout(function () { maybeClose(action); }, XHR_START_WINDOW_MS);
    }
    return action;
  }

  function finishAction(action) {
    if (action.closed) return;
    action.closed = true;
    clearTimeout(action.timer);
    var end = action.end;
    if (action.type === 'xhr' || action.type === 'load' || action.trigger === 'api') {
      end = end || now();
    } else if (action.firstResponse !== null) {
      end = action.firstResponse;
    } else {
      end = action.ts;
    }
    action.duration_ms = Math.max(0, Math.min(MAX_ACTION_MS, Math.round(end - action.ts)));
    state.openActions = state.openActions.filter(function (a) { return a !== action; });
    state.closedActions.push(action);
    if (state.closedActions.length > 20) state.closedActions.shift();
    pushRum({kind: 'action', id: action.id, ts: action.ts, type: action.type, trigger: action.trigger,
             name: action.name, target: action.target, url: action.url, duration_ms: action.duration_ms});
  }

  function maybeClose(action, force) {
    if (action.closed || action.trigger === 'api' || action.trigger === 'navigation') return;
    if (action.pending > 0) return;
    if (action.requests > 0) {
      // Give promise continuations of the last response a moment: an error thrown there
      // still belongs to this action.
      clearTimeout(action.timer);
      action.timer = setTimeout(function () { finishAction(action); }, SETTLE_MS);
      return;
    }
    if (!force && now() - action.ts < XHR_START_WINDOW_MS) return;
    finishAction(action);
  }

  function actionForRequest() {
    // The newest open action that may still start requests.
    var t = now();
    for (var i = state.openActions.length - 1; i >= 0; i--) {
      var a = state.openActions[i];
      if (a.trigger === 'api' || a.trigger === 'navigation' || a.pending > 0 || t - a.ts <= XHR_START_WINDOW_MS) return a;
    }
    return null;
  }

  function actionForError(t) {
    for (var i = state.openActions.length - 1; i >= 0; i--) return state.openActions[i];
    for (var j = state.closedActions.length - 1; j >= 0; j--) {
      var a = state.closedActions[j];
      if (a.ts <= t && t - (a.ts + a.duration_ms) <= SETTLE_MS) return a;
    }
    var last = state.lastAction;
    if (last && last.trigger !== 'navigation' && t - last.ts <= ERROR_ACTION_WINDOW_MS) return last;
    return state.loadAction && !state.loadAction.closed ? state.loadAction : last;
  }

  function startRequest(method, url) {
    if (!state || isSinkUrl(url)) return null;
    var action = actionForRequest();
    var request = {ts: now(), method: String(method || 'GET').toUpperCase(), url: absoluteUrl(url), action: action};
    if (action) {
      action.pending += 1;
      action.requests += 1;
      if (action.type === 'custom' && action.trigger !== 'api') action.type = 'xhr';
    }
    return request;
  }

  function endRequest(request, status) {
    if (!request || !state) return;
    var t = now();
    var action = request.action;
    pushRum({kind: 'request', ts: request.ts, method: request.method, url: request.url,
             status: status, duration_ms: t - request.ts, action_id: action ? action.id : null});
    if (action) {
      action.pending = Math.max(0, action.pending - 1);
      action.end = Math.max(action.end || 0, t);
      if (action.pending === 0) maybeClose(action);
    }
  }

  function isSinkUrl(url) {
    var sink = state && state.options.sink;
    return typeof sink === 'string' && absoluteUrl(url) === absoluteUrl(sink);
  }

  // ---------------------------------------------------------------- fetch and XHR

  function recordedFetch(input, init) {
    if (fetchDepth > 0 || !state) {
      // Re-entered from a page-installed fetch that wraps "the original" (us).
      return nativeFetch.apply(global, arguments);
    }
    var method = (init && init.method) || (input && input.method) || 'GET';
    var url = input && typeof input === 'object' && 'url' in input ? input.url : input;
    var request = startRequest(method, url);
    var promise;
    fetchDepth += 1;
    try {
      promise = fetchInner.apply(global, arguments);
    } catch (err) {
      endRequest(request, 0);
      throw err;
    } finally {
      fetchDepth -= 1;
    }
    if (!request) return promise;
    return Promise.resolve(promise).then(function (response) {
      endRequest(request, response && response.status || 0);
      return response;
    }, function (err) {
      endRequest(request, 0);
      throw err;
    });
  }

  function installFetch() {
    if (typeof nativeFetch !== 'function') return;
    try {
      Object.defineProperty(global, 'fetch', {
        configurable: true,
        enumerable: true,
        get: function () { return recordedFetch; },
        set: function (value) { if (value !== recordedFetch) fetchInner = value; }
      });
    } catch (e) {
      global.fetch = recordedFetch;
    }
  }

  function installXhr() {
    var proto = global.XMLHttpRequest && global.XMLHttpRequest.prototype;
    if (!proto || proto.__replayRecorder) return;
    var open = proto.open;
    var send = proto.send;
    proto.__replayRecorder = true;
    proto.open = function (method, url) {
      this.__recorderRequest = {method: method, url: url};
      return open.apply(this, arguments);
    };
    proto.send = function () {
      var info = this.__recorderRequest;
      var request = info && startRequest(info.method, info.url);
      if (request) {
        var xhr = this;
        xhr.addEventListener('loadend', function () { endRequest(request, xhr.status || 0); });
      }
      return send.apply(this, arguments);
    };
  }

  // ---------------------------------------------------------------- interactions

  function endQuietActions(byClick) {
    // A click or keystroke means the user moved on: an earlier action that started no
    // request ends at its first visible response, or at once if there was none.
    var t = now();
    state.openActions.slice().forEach(function (a) {
      var foldable = byClick && a.trigger === 'click' && t - a.ts < 600;   // may become half of a double click
      if (a.type === 'custom' && a.trigger !== 'api' && a.requests === 0 && a !== state.inputAction && !foldable) finishAction(a);
    });
  }

  function onClick(event) {
    if (!state || !event.isTrusted) return;
    var target = actionTarget(event.target);
    if (!target) return;
    closeInputAction();
    if (event.type === 'dblclick') dropFoldedClicks();
    endQuietActions(true);
    var verb = event.type === 'dblclick' ? 'double click' : 'click';
    openAction('custom', event.type === 'dblclick' ? 'dblclick' : 'click',
               verb + " on '" + elementName(target) + "'", targetSelector(target), now());
  }

  function dropFoldedClicks() {
    // A double click's two clicks are one action, as in app/derive/rum.py.
    var t = now();
    state.openActions.slice().forEach(function (a) {
      if (a.trigger === 'click' && t - a.ts < 600 && a.requests === 0) {
        a.closed = true;
        clearTimeout(a.timer);
        state.openActions = state.openActions.filter(function (b) { return b !== a; });
      }
    });
  }

  function isTextField(el) {
    var tag = el.tagName.toLowerCase();
    if (tag === 'textarea' || el.isContentEditable) return true;
    return tag === 'input' && !!TEXT_INPUT_TYPES[(el.getAttribute('type') || '').toLowerCase()];
  }

  function closeInputAction() {
    if (state.inputAction) {
      clearTimeout(state.inputTimer);
      var action = state.inputAction;
      state.inputAction = null;
      maybeClose(action, true);
    }
  }

  function onInput(event) {
    if (!state || !event.isTrusted) return;
    var el = event.target;
    if (!el || el.nodeType !== 1 || ignoredField(el) || blockedBox(el)) return;
    if (!isTextField(el)) {
      var kind = (el.getAttribute('type') || '').toLowerCase();
      if (event.type !== 'change' || kind === 'checkbox' || kind === 'radio') return;
      closeInputAction();
      endQuietActions();
      openAction('custom', 'input', "change on '" + elementName(el) + "'", selector(el), now());
      return;
    }
    if (event.type !== 'input') return;
    var t = now();
    var current = state.inputAction;
    if (!current || current.fieldElement !== el || t - state.inputLast > INPUT_DEBOUNCE_MS ||
        state.lastAction !== current) {
      closeInputAction();
      endQuietActions();
      current = openAction('custom', 'input', "change on '" + elementName(el) + "'", selector(el), t);
      current.fieldElement = el;
      clearTimeout(current.timer);
      state.inputAction = current;
    }
    state.inputLast = t;
    clearTimeout(state.inputTimer);
    state.inputTimer = setTimeout(closeInputAction, INPUT_DEBOUNCE_MS);
  }

  var RECORDED_KEYS = {Enter: 1, Escape: 1, Tab: 1};

  function onKeyDown(event) {
    // rrweb records no key presses, yet Enter (submitting a field), Escape and Tab change
    // what a page does; a test generated from the recording must press them again. Only
    // these three keys are recorded — never a typed character — with the rrweb id of the
    // element that had focus, so a replay knows where the key went. Held keys repeat:
    // only the first press counts; Enter confirming an IME composition is not a key press.
    if (!state || !state.recording || !event.isTrusted || event.repeat || event.isComposing) return;
    if (!RECORDED_KEYS[event.key]) return;
    var target = event.target;
    var mirror = global.rrweb.record.mirror;
    var id = mirror && target ? mirror.getId(target) : -1;
    global.rrweb.record.addCustomEvent('key', {key: event.key, id: id, shift: !!event.shiftKey});
  }

  function onMutation() {
    if (!state) return;
    var t = now();
    state.openActions.forEach(function (a) {
      if (a.firstResponse === null && t - a.ts <= RESPONSE_WINDOW_MS) a.firstResponse = t;
    });
  }

  // ---------------------------------------------------------------- errors

  function errorRecord(error, fallbackMessage, source, line, col) {
    var message = fallbackMessage;
    var stack = '';
    if (error && typeof error === 'object') {
      message = (error.name ? error.name + ': ' : '') + (error.message || fallbackMessage || '');
      stack = typeof error.stack === 'string' ? error.stack : '';
      if (!source && stack) {
        var frame = /((?:https?|file):\/\/[^\s()]+?):(\d+):(\d+)/.exec(stack);
        if (frame) { source = frame[1]; line = +frame[2]; col = +frame[3]; }
      }
    } else if (error !== undefined && error !== null && !message) {
      message = String(error);
    }
    var t = now();
    var action = actionForError(t);
    return {kind: 'error', ts: t, message: String(message || 'Script error').slice(0, 2000), stack: stack.slice(0, 16000),
            source: source || '', line: line || 0, col: col || 0, url: pageUrl(), action_id: action ? action.id : null};
  }

  function onError(event) {
    if (!state || !(event instanceof ErrorEvent)) return;
    pushRum(errorRecord(event.error, event.message, event.filename, event.lineno, event.colno));
  }

  function onRejection(event) {
    if (!state) return;
    var reason = event.reason;
    var record = errorRecord(reason, reason && reason.message ? '' : 'Unhandled rejection: ' + String(reason));
    record.message = 'Uncaught (in promise) ' + record.message;
    pushRum(record);
  }

  // ---------------------------------------------------------------- page load, SPA routes, goals

  function onLoad() {
    setTimeout(function () {
      if (!state || !state.loadAction) return;
      var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
      var action = state.loadAction;
      action.end = action.ts + Math.round(nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : performance.now());
      finishAction(action);
      if (nav) {
        pushRum({kind: 'vital', ts: action.ts, name: 'TTFB', value: Math.round(nav.responseStart), url: action.url});
      }
    }, 0);
  }

  function onRouteChange() {
    if (!state) return;
    var url = pageUrl();
    if (url === state.currentUrl) return;
    state.currentUrl = url;
    checkGoals(url);
  }

  function matches(value, goalValue, matchType) {
    if (matchType === 'equals') return value === goalValue;
    if (matchType === 'contains') return value.indexOf(goalValue) >= 0;
    return value.indexOf(goalValue) === 0;
  }

  function checkGoals(url) {
    var path = pagePath(url);
    (state.options.goals || []).forEach(function (goal) {
      var target = String(goal.url_or_path || '');
      var value = target.indexOf('://') > 0 ? url : path;
      if (target && matches(value, target, goal.match_type || 'begins')) reportGoal(goal.id);
    });
  }

  function reportGoal(goalId) {
    if (!state || !goalId) return;
    if (state.reachedGoals[goalId]) return;
    state.reachedGoals[goalId] = true;
    pushRum({kind: 'goal', ts: now(), goal: String(goalId), url: pageUrl()});
    scheduleFlush(0);
  }

  function patchHistory() {
    ['pushState', 'replaceState'].forEach(function (name) {
      var original = history[name];
      history[name] = function () {
        var result = original.apply(this, arguments);
        setTimeout(onRouteChange, 0);
        return result;
      };
    });
    global.addEventListener('popstate', onRouteChange);
    global.addEventListener('hashchange', onRouteChange);
  }

  // ---------------------------------------------------------------- web vitals

  function observe(type, callback, extra) {
    try {
      var observer = new PerformanceObserver(function (list) { list.getEntries().forEach(callback); });
      var options = {type: type, buffered: true};
      for (var k in extra || {}) options[k] = extra[k];
      observer.observe(options);
      state.observers.push(observer);
    } catch (e) { /* the engine lacks this entry type */ }
  }

  function startVitals() {
    var v = state.vitals;
    observe('largest-contentful-paint', function (e) { if (!v.lcpFinal) v.lcp = e.renderTime || e.startTime; });
    observe('layout-shift', function (e) {
      if (e.hadRecentInput) return;
      if (v.clsWindow.length && (e.startTime - v.clsLast > 1000 || e.startTime - v.clsWindow[0] > 5000)) {
        v.clsWindow = [];
        v.clsCurrent = 0;
      }
      v.clsWindow.push(e.startTime);
      v.clsLast = e.startTime;
      v.clsCurrent += e.value;
      v.cls = Math.max(v.cls, v.clsCurrent);
    });
    observe('event', function (e) {
      if (!e.interactionId) return;
      var d = v.interactions[e.interactionId] || 0;
      v.interactions[e.interactionId] = Math.max(d, e.duration);
    }, {durationThreshold: 16});
    observe('first-input', function (e) {
      var d = v.interactions[e.interactionId || 'first'] || 0;
      v.interactions[e.interactionId || 'first'] = Math.max(d, e.duration);
    });
    ['keydown', 'pointerdown'].forEach(function (type) {
      global.addEventListener(type, function () { v.lcpFinal = true; }, {capture: true, once: true});
    });
  }

  function reportVitals() {
    var v = state.vitals;
    if (v.reported) return;
    v.reported = true;
    var url = state.loadAction ? state.loadAction.url : pageUrl();
    var t = now();
    if (v.lcp !== null) pushRum({kind: 'vital', ts: t, name: 'LCP', value: Math.round(v.lcp), url: url});
    pushRum({kind: 'vital', ts: t, name: 'CLS', value: Math.round(v.cls * 1000) / 1000, url: url});
    var durations = Object.keys(v.interactions).map(function (k) { return v.interactions[k]; }).sort(function (a, b) { return b - a; });
    if (durations.length) {
      var index = Math.min(durations.length - 1, Math.floor(durations.length / 50));
      pushRum({kind: 'vital', ts: t, name: 'INP', value: Math.round(durations[index]), url: url});
    }
  }

  // ---------------------------------------------------------------- batches and the sink

  function sessionInfo() {
    var s = state.session;
    return {id: s.id, user_id: s.user || null, started_at: s.started, release: state.options.release,
            application: state.options.application, user_agent: navigator.userAgent, language: navigator.language,
            screen: {width: global.screen.width, height: global.screen.height},
            viewport: {width: global.innerWidth, height: global.innerHeight},
            entry_url: s.entry || pageUrl(), recorder: VERSION};
  }

  function scheduleFlush(delay) {
    if (!state || state.flushTimer !== null && delay > 0) return;
    clearTimeout(state.flushTimer);
    state.flushTimer = setTimeout(function () { state && flush(false); }, delay);
  }

  function takeBatches(final, unloading) {
    var events = state.events.splice(0);
    var rum = state.rum.splice(0);
    if (!events.length && !rum.length && !final) return [];
    var batches = [];
    var base = {format: 'webreplay-batch', version: 1, session: sessionInfo(), page: state.pageId, url: pageUrl()};
    var chunk = [];
    var size = 0;
    function emit(last) {
      var batch = {};
      for (var k in base) batch[k] = base[k];
      state.session.seq = (state.session.seq || 0) + 1;
      batch.seq = state.session.seq;
      batch.events = chunk;
      batch.rum = last ? rum : [];
      // page_end: this page sends nothing more (hidden, unloaded or stopped);
      // final: the recorder was stopped — the session is over.
      batch.page_end = !!(final && last);
      batch.final = !!(final && last && !unloading);
      batches.push(batch);
      chunk = [];
      size = 0;
    }
    for (var i = 0; i < events.length; i++) {
      var length = JSON.stringify(events[i]).length;
      if (chunk.length && size + length > BEACON_LIMIT) emit(false);
      chunk.push(events[i]);
      size += length;
    }
    emit(true);
    saveSession();
    return batches;
  }

  function send(batches, unloading) {
    var sink = state.options.sink;
    batches.forEach(function (batch) {
      if (typeof sink === 'function') {
        try { sink(batch); } catch (e) { /* a failing sink must not break the page */ }
        return;
      }
      if (typeof sink !== 'string') return;
      var body = JSON.stringify(batch);
      if (unloading && navigator.sendBeacon && body.length <= BEACON_LIMIT &&
          navigator.sendBeacon(sink, new Blob([body], {type: 'application/json'}))) {
        return;
      }
      post(sink, body, unloading && body.length <= BEACON_LIMIT, 1);
    });
  }

  function post(url, body, keepalive, attempt) {
    // A collector that is busy or briefly unreachable must not cost the session its data:
    // failed POSTs are retried a few times with a growing delay (independent of the
    // recorder's state, so a batch sent by stop() is retried too).
    nativeFetch.call(global, url, {method: 'POST', body: body, keepalive: keepalive,
                                   headers: {'Content-Type': 'application/json'}})
      .then(function (response) { if (!response.ok) throw new Error('HTTP ' + response.status); })
      .catch(function () {
        if (attempt < SEND_ATTEMPTS) {
          setTimeout(function () { post(url, body, false, attempt + 1); }, 400 * attempt);
        }
      });
  }

  function flush(final, unloading) {
    if (!state) return 0;
    clearTimeout(state.flushTimer);
    state.flushTimer = null;
    if (final) {
      state.openActions.slice().forEach(finishAction);
      reportVitals();
    }
    var batches = takeBatches(final, unloading);
    send(batches, unloading);
    if (!final) state.flushTimer = setTimeout(function () { state && flush(false); }, state.options.flushIntervalMs);
    return batches.length;
  }

  function onPageHide() {
    if (state) flush(true, true);
  }

  // ---------------------------------------------------------------- public API

  function start(options) {
    if (state) return state.session.id;
    if (!global.rrweb || !global.rrweb.record) throw new Error('ReplayRecorder: load rrweb before the recorder');
    var opts = {};
    for (var k in DEFAULTS) opts[k] = options && k in options ? options[k] : DEFAULTS[k];
    var session = loadSession(opts);
    session.entry = session.entry || pageUrl();
    var navStart = Math.round(performance.timeOrigin || now());
    state = {
      options: opts, session: session, pageId: session.pages, events: [], rum: [], openActions: [],
      closedActions: [], lastAction: null, loadAction: null, inputAction: null, inputLast: 0, inputTimer: null,
      flushTimer: null, observers: [], reachedGoals: {}, currentUrl: pageUrl(), selectors: maskingSelectors(opts),
      vitals: {lcp: null, lcpFinal: false, cls: 0, clsCurrent: 0, clsWindow: [], clsLast: 0, interactions: {}, reported: false}
    };
    saveSession();
    state.loadAction = openAction('load', 'navigation', 'loading of page ' + pagePath(pageUrl()), pagePath(pageUrl()), navStart);
    if (document.readyState === 'complete') onLoad(); else global.addEventListener('load', onLoad, {once: true});

    var maskInputFn = function (text, element) {
      var type = element && element.getAttribute && (element.getAttribute('type') || '').toLowerCase();
      if (MASKING.inputs.always_masked_types.indexOf(type) < 0 && element && opts.unmaskSelector && element.matches && element.matches(opts.unmaskSelector)) {
        return text;
      }
      return '*'.repeat(text.length);
    };
    state.stopRecording = global.rrweb.record({
      emit: function (event) {
        if (!state) return;
        state.events.push(event);
        if (event.type === 2) {
          state.recording = true;
          if (state.session.user) setTimeout(announceUser, 0);
          scheduleFlush(0);
        }
        else if (state.events.length + state.rum.length >= opts.maxBatchEvents) scheduleFlush(0);
      },
      checkoutEveryNms: opts.checkoutEveryNms,
      maskAllInputs: opts.maskAllInputs,
      maskInputOptions: {password: true},
      maskTextClass: MASKING.mask_text.classes[0],
      blockClass: MASKING.block.classes[0],
      ignoreClass: MASKING.ignore.classes[0],
      maskInputFn: maskInputFn,
      maskTextSelector: state.selectors.maskText,
      blockSelector: state.selectors.block,
      sampling: {mousemove: opts.mousemoveSampleMs, scroll: 150},
      inlineStylesheet: true
    });
    state.mutationObserver = new MutationObserver(onMutation);
    var root = document.documentElement || document;
    state.mutationObserver.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
    listeners().forEach(function (l) { l[0].addEventListener(l[1], l[2], l[3]); });
    startVitals();
    checkGoals(pageUrl());
    state.flushTimer = setTimeout(function () { state && flush(false); }, opts.flushIntervalMs);
    return session.id;
  }

  function listeners() {
    // [target, type, handler, capture]: what start() attaches and stop() detaches.
    return [
      [document, 'click', onClick, true], [document, 'dblclick', onClick, true],
      [document, 'input', onInput, true], [document, 'change', onInput, true],
      [document, 'keydown', onKeyDown, true],
      [global, 'error', onError, true], [global, 'unhandledrejection', onRejection, false],
      [global, 'pagehide', onPageHide, false]
    ];
  }

  function announceUser() {
    // A custom event in the rrweb stream, so a replay shows when the user became known.
    if (state && state.recording && state.announced !== state.session.user) {
      state.announced = state.session.user;
      global.rrweb.record.addCustomEvent('identify', {user_id: state.session.user});
    }
  }

  function identify(userId) {
    if (!state) return;
    state.session.user = userId === null || userId === undefined ? null : String(userId);
    saveSession();
    announceUser();
  }

  function enterAction(name) {
    if (!state) return null;
    closeInputAction();
    return openAction('custom', 'api', String(name), '', now()).id;
  }

  function leaveAction(id) {
    if (!state) return;
    state.openActions.slice().forEach(function (a) {
      if (a.id === id) { a.end = now(); finishAction(a); }
    });
  }

  function reportError(error) {
    if (state) pushRum(errorRecord(error, error && error.message ? '' : String(error)));
  }

  function stop() {
    if (!state) return;
    flush(true, false);
    if (state.stopRecording) state.stopRecording();
    state.mutationObserver.disconnect();
    state.observers.forEach(function (o) { o.disconnect(); });
    listeners().forEach(function (l) { l[0].removeEventListener(l[1], l[2], l[3]); });
    state = null;
  }

  installFetch();
  installXhr();
  patchHistory();

  global.ReplayRecorder = {
    version: VERSION,
    start: start,
    stop: stop,
    flush: function () { return state ? flush(false) : 0; },
    identify: identify,
    enterAction: enterAction,
    leaveAction: leaveAction,
    reportGoal: reportGoal,
    reportError: reportError,
    takeFullSnapshot: function () { if (state) global.rrweb.record.takeFullSnapshot(true); },
    sessionId: function () { return state ? state.session.id : null; },
    elementName: function (el) { return elementName(actionTarget(el)); },
    masking: MASKING
  };
})(window);
