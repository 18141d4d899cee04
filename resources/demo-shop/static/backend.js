/*
 * The shop's fake API, served by the page itself: `fetch('/api/…')` is answered here after
 * a realistic latency, every other request goes to the network. It lets the demo shop run
 * from static files anywhere (a browser, the demo generator) while the recorder still sees
 * real fetch calls with real timing.
 *
 * `window.PW_CONFIG` (optional) tunes it: `seed` makes latencies reproducible, `timeScale`
 * (0 < s <= 1) waits only that fraction of each latency and logs the rest in
 * `window.__pwTimeWarp` as [epoch ms, ms not waited], so a generator that records faster
 * than real time can re-time the recording afterwards (see app/demo/retime.py).
 */
(function (global) {
  'use strict';
  var config = global.PW_CONFIG || {};
  var next = global.fetch;
  var seed = (config.seed >>> 0) || 20261120;
  try {
    // A different, still reproducible, latency sequence for each page load of a visit.
    var loads = +(sessionStorage.getItem('__pwLoads') || 0) + 1;
    sessionStorage.setItem('__pwLoads', String(loads));
    seed = (seed + 7919 * loads) >>> 0;
  } catch (e) { /* storage unavailable: one sequence */ }
  var scale = config.timeScale > 0 && config.timeScale <= 1 ? config.timeScale : 1;
  global.__pwTimeWarp = [];
  global.__pwPending = 0;
  global.__pwLastAnswer = 0;     // Date.now() of the last answer, for "is the page idle" probes

  function random() {
    // mulberry32: small, seedable, good enough for latencies
    seed = (seed + 0x6D2B79F5) >>> 0;
    var t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  var PRODUCTS = [
    {id: 421101, name: 'Stormline Trail Jacket', category: 'jackets', kind: 'jacket', price: 149, color: '#2f6f9f', rating: 4.7,
     blurb: 'Three-layer waterproof shell that breathes on the climb and stays dry on the ridge.'},
    {id: 421102, name: 'Featherlite Wind Shell', category: 'jackets', kind: 'jacket', price: 89, color: '#e2a33b', rating: 4.5,
     blurb: 'Packs into its own pocket; blocks the wind on exposed morning runs.'},
    {id: 421103, name: 'Thermal Down Parka', category: 'jackets', kind: 'jacket', price: 229, color: '#3d3f58', rating: 4.8,
     blurb: '700-fill responsibly sourced down for the coldest commutes.'},
    {id: 421110, name: 'Velocity Road Runner', category: 'running', kind: 'shoe', price: 119, color: '#ff6b35', rating: 4.6,
     blurb: 'Nitrogen-infused foam and a carbon plate for race-day tempo.'},
    {id: 421111, name: 'Ridge Trail Shoe', category: 'running', kind: 'shoe', price: 129, color: '#4f8a4b', rating: 4.4,
     blurb: 'Grippy lugs and a rock plate for technical descents.'},
    {id: 421112, name: 'Pace Running Tights', category: 'running', kind: 'pants', price: 59, color: '#22314f', rating: 4.3,
     blurb: 'Compressive fit with a phone pocket that does not bounce.'},
    {id: 421120, name: 'Aero Cycling Cap', category: 'cycling', kind: 'cap', price: 24, color: '#c8313e', rating: 4.2,
     blurb: 'Classic four-panel cap that fits under any helmet.'},
    {id: 421121, name: 'Climber Bib Shorts', category: 'cycling', kind: 'pants', price: 139, color: '#1d1f2b', rating: 4.7,
     blurb: 'Italian chamois and laser-cut legs for long days in the saddle.'},
    {id: 421122, name: 'Merino Cycling Gloves', category: 'cycling', kind: 'gloves', price: 35, color: '#6a4c93', rating: 4.1,
     blurb: 'Warm when wet, touchscreen fingertips.'},
    {id: 421130, name: 'Merino Base Layer', category: 'base-layers', kind: 'shirt', price: 75, color: '#7a8b99', rating: 4.6,
     blurb: '200 g merino that regulates temperature and never smells.'},
    {id: 421131, name: 'Seamless Sports Tee', category: 'base-layers', kind: 'shirt', price: 39, color: '#2a9d8f', rating: 4.4,
     blurb: 'Knitted without side seams for zero chafing.'},
    {id: 421140, name: 'Summit Daypack 22L', category: 'accessories', kind: 'pack', price: 99, color: '#e76f51', rating: 4.5,
     blurb: 'Ventilated back panel, hydration sleeve and a rain cover.'}
  ];
  var CATEGORIES = [
    {id: 'jackets', name: 'Jackets'}, {id: 'running', name: 'Running'}, {id: 'cycling', name: 'Cycling'},
    {id: 'base-layers', name: 'Base layers'}, {id: 'accessories', name: 'Accessories'}
  ];
  var POSTAL_FORMATS = {
    GB: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, CA: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, NL: /^\d{4} ?[A-Z]{2}$/i,
    SE: /^\d{3} ?\d{2}$/, DE: /^\d{5}$/, FR: /^\d{5}$/, ES: /^\d{5}$/, PL: /^\d{2}-\d{3}$/, US: /^\d{5}(-\d{4})?$/
  };
  var LATENCY = {                 // nominal ms: [typical low, typical high]
    catalogue: [160, 420], product: [120, 320], search: [240, 680], cart: [140, 380],
    validate: [320, 900], order: [700, 2200]
  };
  var carts = {};

  function latency(kind) {
    var range = LATENCY[kind];
    var ms = range[0] + random() * (range[1] - range[0]);
    if (random() < 0.04) ms = 3200 + random() * 6000;          // an occasional slow backend
    return Math.round(ms);
  }

  function json(status, body) {
    return new Response(JSON.stringify(body), {status: status, headers: {'Content-Type': 'application/json'}});
  }

  function route(method, path, query, body) {
    var m;
    if (method === 'GET' && path === '/api/categories') return ['catalogue', 200, CATEGORIES];
    if (method === 'GET' && path === '/api/products') {
      var category = query.get('category');
      return ['catalogue', 200, PRODUCTS.filter(function (p) { return !category || p.category === category; })];
    }
    if (method === 'GET' && (m = /^\/api\/products\/(\d+)$/.exec(path))) {
      var product = PRODUCTS.filter(function (p) { return p.id === +m[1]; })[0];
      return product ? ['product', 200, product] : ['product', 404, {error: 'not found'}];
    }
    if (method === 'GET' && path === '/api/search') {
      var words = (query.get('q') || '').toLowerCase().split(/\s+/).filter(Boolean);
      return ['search', 200, PRODUCTS.filter(function (p) {
        var text = (p.name + ' ' + p.category + ' ' + p.kind + ' ' + p.blurb).toLowerCase();
        return words.length && words.every(function (w) { return text.indexOf(w.replace(/s$/, '')) >= 0; });
      })];
    }
    if (method === 'POST' && path === '/api/cart') {
      var cartId = body.cart_id || 'c' + Math.floor(random() * 1e9);
      carts[cartId] = body.items || [];
      return ['cart', 200, {cart_id: cartId, items: carts[cartId].length}];
    }
    if (method === 'POST' && path === '/api/checkout/validate') {
      var problems = {};
      ['name', 'email', 'street', 'city', 'country', 'postal_code'].forEach(function (k) {
        if (!String(body[k] || '').trim()) problems[k] = 'Required';
      });
      if (body.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) problems.email = 'Enter a valid email address';
      var format = POSTAL_FORMATS[body.country];
      if (body.postal_code && format && !format.test(String(body.postal_code).trim())) {
        problems.postal_code = 'This postal code does not look right for the selected country';
      }
      return ['validate', Object.keys(problems).length ? 422 : 200, {valid: !Object.keys(problems).length, problems: problems}];
    }
    if (method === 'POST' && path === '/api/orders') {
      return ['order', 201, {order_id: 'PW-' + (100000 + Math.floor(random() * 899999)), eta_days: 2 + Math.floor(random() * 3)}];
    }
    return ['product', 404, {error: 'no such endpoint'}];
  }

  function fakeFetch(input, init) {
    var url = typeof input === 'string' ? input : input && input.url;
    var parsed;
    try { parsed = new URL(String(url), global.location.href); } catch (e) { parsed = null; }
    if (!parsed || parsed.origin !== global.location.origin || parsed.pathname.indexOf('/api/') !== 0) {
      return next.apply(global, arguments);
    }
    var method = String((init && init.method) || 'GET').toUpperCase();
    var body = {};
    try { body = init && init.body ? JSON.parse(init.body) : {}; } catch (e) { body = {}; }
    var answer = route(method, parsed.pathname, parsed.searchParams, body);
    var nominal = latency(answer[0]);
    var wait = Math.max(5, Math.round(nominal * scale));
    var nav = performance.getEntriesByType && performance.getEntriesByType('navigation')[0];
    if (!nav || !(nav.loadEventEnd > 0)) {
      // While the page is still loading its load event must not be re-timed past these
      // answers, so they are waited for in full (and never take the slow path).
      nominal = Math.min(nominal, LATENCY[answer[0]][1]);
      wait = nominal;
    }
    if (nominal > wait) global.__pwTimeWarp.push([Date.now(), nominal - wait]);
    global.__pwPending += 1;
    return new Promise(function (resolve) {
      setTimeout(function () {
        global.__pwPending -= 1;
        global.__pwLastAnswer = Date.now();
        resolve(json(answer[1], answer[2]));
      }, wait);
    });
  }

  global.fetch = fakeFetch;
  global.PW_BACKEND = {products: PRODUCTS, categories: CATEGORIES};
})(window);
