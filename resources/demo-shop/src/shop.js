/*
 * performancewear: the demo shop of Replay Investigator, a small single-page app
 * (catalogue, product pages, search, cart, checkout). Its API is the fake backend in
 * static/backend.js. This file is the source; the demo generator minifies it to
 * static/app.min.js with a source map, so recorded stack traces point into minified code
 * the way they do in production.
 *
 * Release switch: `window.PW_CONFIG.release`. Release 2.5.0 ships a new postal-code
 * formatter whose patterns forget the space that British, Canadian, Dutch and Swedish
 * codes may contain: for such a code it throws a TypeError after the address was
 * validated, and the loading indicator of the order summary never goes away.
 */
(function (global) {
  'use strict';
  var config = global.PW_CONFIG || {};
  var RELEASE = config.release || '2.4.3';
  var CURRENCY = '£';
  var COUNTRIES = [
    ['GB', 'United Kingdom', 'SW1A 1AA'], ['DE', 'Germany', '10115'], ['FR', 'France', '75001'],
    ['NL', 'Netherlands', '1012 AB'], ['PL', 'Poland', '00-950'], ['SE', 'Sweden', '114 55'],
    ['ES', 'Spain', '28001'], ['CA', 'Canada', 'K1A 0B1'], ['US', 'United States', '78701']
  ];
  // 2.5.0: outward/inward groups for the summary line. The space is missing from the
  // patterns of GB, CA, NL and SE, so "SW1A 1AA" does not match (the bug of the demo).
  var POSTAL_PATTERNS = {
    GB: /^(?<outward>[A-Z]{1,2}\d[A-Z\d]?)(?<inward>\d[A-Z]{2})$/,
    CA: /^(?<outward>[A-Z]\d[A-Z])(?<inward>\d[A-Z]\d)$/,
    NL: /^(?<outward>\d{4})(?<inward>[A-Z]{2})$/,
    SE: /^(?<outward>\d{3})(?<inward>\d{2})$/,
    DE: /^(?<outward>\d{5})$/, FR: /^(?<outward>\d{5})$/, ES: /^(?<outward>\d{5})$/,
    PL: /^(?<outward>\d{2}-\d{3})$/, US: /^(?<outward>\d{5})(?:-(?<inward>\d{4}))?$/
  };

  var view = document.getElementById('view');
  var state = {
    cart: loadCart(), user: loadUser(), categories: [], submitting: false, cartId: null
  };

  // ------------------------------------------------------------------ helpers

  function $(selector, root) { return (root || document).querySelector(selector); }

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function money(value) { return CURRENCY + value.toFixed(2); }

  function api(path, options) {
    return fetch(path, options).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    });
  }

  function post(path, body) {
    return api(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  }

  function loadCart() {
    try { return JSON.parse(localStorage.getItem('pw_cart') || '[]'); } catch (e) { return []; }
  }

  function saveCart() {
    localStorage.setItem('pw_cart', JSON.stringify(state.cart));
    renderCartCount();
  }

  function loadUser() {
    try { return JSON.parse(localStorage.getItem('pw_user') || 'null'); } catch (e) { return null; }
  }

  function toast(text) {
    var el = document.getElementById('toast');
    el.textContent = text;
    el.classList.add('show');
    clearTimeout(toast.timer);
    // UI timers run at the fake backend's time scale (see static/backend.js), so a
    // recording that is re-timed afterwards shows the toast about as long as a person would.
    var scale = config.timeScale > 0 && config.timeScale <= 1 ? config.timeScale : 1;
    toast.timer = setTimeout(function () { el.classList.remove('show'); }, 2200 * scale);
  }

  function stars(rating) {
    var full = Math.round(rating);
    return '★★★★★'.slice(0, full) + '☆☆☆☆☆'.slice(0, 5 - full);
  }

  function tint(hex, amount) {
    var n = parseInt(hex.slice(1), 16);
    var r = Math.round(((n >> 16) & 255) + (255 - ((n >> 16) & 255)) * amount);
    var g = Math.round(((n >> 8) & 255) + (255 - ((n >> 8) & 255)) * amount);
    var b = Math.round((n & 255) + (255 - (n & 255)) * amount);
    return 'rgb(' + r + ',' + g + ',' + b + ')';
  }

  var SHAPES = {
    jacket: 'M70 30 L100 22 L130 30 L165 55 L150 85 L138 78 L138 170 L62 170 L62 78 L50 85 L35 55 Z M100 22 L100 170',
    shoe: 'M30 120 C30 95 55 90 70 80 L95 60 C105 55 115 62 118 72 C125 95 150 100 172 108 C182 112 182 132 172 136 L40 136 C33 136 30 130 30 120 Z',
    pants: 'M65 28 L135 28 L142 172 L110 172 L100 70 L90 172 L58 172 Z',
    cap: 'M45 120 C45 75 75 52 105 52 C135 52 158 78 158 112 L182 120 C186 124 182 132 176 132 L45 132 Z',
    gloves: 'M70 170 L70 95 C70 88 80 88 80 95 L80 60 C80 52 92 52 92 60 L92 50 C92 42 104 42 104 50 L104 58 C104 50 116 50 116 58 L116 100 L124 88 C130 80 140 86 136 96 L120 140 L120 170 Z',
    shirt: 'M72 30 L100 40 L128 30 L165 55 L150 82 L135 74 L135 170 L65 170 L65 74 L50 82 L35 55 Z',
    pack: 'M62 55 C62 35 138 35 138 55 L145 165 C145 172 140 176 133 176 L67 176 C60 176 55 172 55 165 Z M78 95 L122 95 L122 135 L78 135 Z'
  };

  function art(product, label) {
    return '<svg viewBox="0 0 200 200" role="img" aria-label="' + esc(label || product.name) + '">' +
      '<ellipse cx="100" cy="182" rx="62" ry="8" fill="rgba(20,33,61,.12)"/>' +
      '<path d="' + SHAPES[product.kind] + '" fill="' + product.color + '" stroke="' + tint(product.color, -0.2) +
      '" stroke-width="3" stroke-linejoin="round" fill-rule="evenodd"/></svg>';
  }

  function artBackground(product) {
    return 'background: radial-gradient(circle at 30% 25%, ' + tint(product.color, 0.88) + ', ' + tint(product.color, 0.7) + ')';
  }

  function card(product) {
    return '<div class="card" id="card_' + product.id + '">' +
      '<a class="art" href="/product/' + product.id + '" data-link aria-label="' + esc(product.name) + '" style="' +
      artBackground(product) + '">' + art(product) + '</a>' +
      '<div class="info"><a class="name" href="/product/' + product.id + '" data-link>' + esc(product.name) + '</a>' +
      '<span class="rating">' + stars(product.rating) + ' <span class="meta">' + product.rating + '</span></span>' +
      '<span class="price">' + money(product.price) + '</span></div></div>';
  }

  function loading() { view.innerHTML = '<div class="empty"><div class="spinner" style="margin:auto"></div></div>'; }

  // ------------------------------------------------------------------ routes

  function renderHome() {
    view.innerHTML =
      '<section class="hero"><div><h1>Built for the long run.</h1>' +
      '<p>Technical clothing and gear tested on trails, roads and commutes. New winter collection out now.</p>' +
      '<a class="btn" href="/catalogue/jackets" data-link id="btn_shop-winter">Shop the winter collection</a> ' +
      '<a class="btn ghost" href="/catalogue/running" data-link>Running</a></div>' +
      '<svg viewBox="0 0 300 200" aria-hidden="true"><path d="M0 170 L70 90 L110 130 L170 40 L240 120 L300 70 L300 200 L0 200 Z" fill="rgba(255,255,255,.18)"/>' +
      '<path d="M0 190 L90 120 L150 160 L220 100 L300 150 L300 200 L0 200 Z" fill="rgba(255,255,255,.28)"/>' +
      '<circle cx="240" cy="45" r="20" fill="#ffd166"/></svg></section>' +
      '<h2>Bestsellers</h2><div class="grid" id="bestsellers"></div>';
    return api('/api/products').then(function (res) {
      $('#bestsellers').innerHTML = res.body.slice(0, 8).map(card).join('');
    });
  }

  function renderCategory(categoryId) {
    var category = state.categories.filter(function (c) { return c.id === categoryId; })[0];
    view.innerHTML = '<div class="crumbs">Home / ' + esc(category ? category.name : categoryId) + '</div>' +
      '<h1>' + esc(category ? category.name : 'Catalogue') + '</h1><p class="sub" id="count"></p><div class="grid" id="products"></div>';
    return api('/api/products?category=' + encodeURIComponent(categoryId)).then(function (res) {
      $('#count').textContent = res.body.length + ' products';
      $('#products').innerHTML = res.body.map(card).join('');
    });
  }

  function renderSearch(query) {
    view.innerHTML = '<h1>Results for “' + esc(query) + '”</h1><p class="sub" id="count">Searching…</p><div class="grid" id="products"></div>';
    return api('/api/search?q=' + encodeURIComponent(query)).then(function (res) {
      $('#count').textContent = res.body.length ? res.body.length + ' products found' : 'Nothing found. Try “jacket” or “merino”.';
      $('#products').innerHTML = res.body.map(card).join('');
    });
  }

  function renderProduct(id) {
    loading();
    return api('/api/products/' + id).then(function (res) {
      if (res.status !== 200) { view.innerHTML = '<div class="empty">This product is no longer available.</div>'; return; }
      var p = res.body;
      var sizes = p.kind === 'pack' ? ['22L'] : p.kind === 'cap' ? ['One size'] : ['S', 'M', 'L', 'XL'];
      view.innerHTML = '<div class="crumbs">Home / ' + esc(p.category) + ' / ' + esc(p.name) + '</div>' +
        '<div class="product"><div class="art" style="' + artBackground(p) + '">' + art(p) + '</div><div>' +
        '<h1>' + esc(p.name) + '</h1><div class="rating">' + stars(p.rating) + ' <span class="meta">' + p.rating + ' · 128 reviews</span></div>' +
        '<p class="price" style="font-size:26px;margin:14px 0">' + money(p.price) + '</p><p>' + esc(p.blurb) + '</p>' +
        '<div class="sizes" role="radiogroup" aria-label="Size">' + sizes.map(function (s, i) {
          return '<button type="button" aria-pressed="' + (i === 1 || sizes.length === 1) + '" data-size="' + s + '">' + s + '</button>';
        }).join('') + '</div>' +
        '<button class="btn" id="btn_add-' + p.id + '" type="button">Add to cart</button> ' +
        '<a class="btn secondary" href="/cart" data-link>View cart</a>' +
        '<ul class="features"><li>Free delivery over £60</li><li>30-day returns</li><li>Ships in 1–2 working days</li></ul>' +
        '</div></div><section class="reco"><h2>You may also like</h2><div class="grid" id="reco"></div></section>';
      view.querySelectorAll('.sizes button').forEach(function (button) {
        button.addEventListener('click', function () {
          view.querySelectorAll('.sizes button').forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
        });
      });
      $('#btn_add-' + p.id).addEventListener('click', function () { addToCart(p); });
      var others = global.PW_BACKEND.products.filter(function (o) { return o.category === p.category && o.id !== p.id; });
      $('#reco').innerHTML = others.slice(0, 4).map(card).join('');
      if (config.flakyRecommendations) renderRecommendationCarousel(others);
    });
  }

  function renderRecommendationCarousel(items) {
    // A long-standing, low-volume bug: the carousel measures a slide that is not there.
    var slides = document.querySelectorAll('#reco .card');
    var widths = items.map(function (item, index) { return slides[index + 1].getBoundingClientRect().width; });
    return widths;
  }

  function addToCart(product) {
    var size = $('.sizes button[aria-pressed="true"]');
    var line = state.cart.filter(function (l) { return l.id === product.id; })[0];
    if (line) line.qty += 1;
    else state.cart.push({id: product.id, qty: 1, size: size ? size.dataset.size : ''});
    saveCart();
    var button = $('#btn_add-' + product.id);
    button.textContent = 'Adding…';
    return post('/api/cart', {cart_id: state.cartId, items: state.cart}).then(function (res) {
      state.cartId = res.body.cart_id;
      button.textContent = 'Add to cart';
      toast(product.name + ' added to your cart');
    });
  }

  function productById(id) {
    return global.PW_BACKEND.products.filter(function (p) { return p.id === id; })[0];
  }

  function cartTotals() {
    var subtotal = state.cart.reduce(function (sum, line) { return sum + productById(line.id).price * line.qty; }, 0);
    var delivery = subtotal >= 60 || subtotal === 0 ? 0 : 4.95;
    return {subtotal: subtotal, delivery: delivery, total: subtotal + delivery};
  }

  function renderCart() {
    if (!state.cart.length) {
      view.innerHTML = '<h1>Your cart</h1><div class="panel empty">Your cart is empty. <a href="/" data-link style="color:#23408e">Continue shopping</a></div>';
      return Promise.resolve();
    }
    var totals = cartTotals();
    view.innerHTML = '<h1>Your cart</h1><p class="sub">' + state.cart.length + ' item(s)</p><div class="checkout"><div class="panel">' +
      state.cart.map(function (line) {
        var p = productById(line.id);
        return '<div class="cart-row"><div class="thumb" style="' + artBackground(p) + '">' + art(p) + '</div>' +
          '<div><div class="name" style="font-weight:650">' + esc(p.name) + '</div><div class="meta">Size ' + esc(line.size) + '</div></div>' +
          '<div class="qty"><button type="button" data-dec="' + p.id + '" aria-label="Fewer">−</button><span>' + line.qty +
          '</span><button type="button" data-inc="' + p.id + '" aria-label="More">+</button></div>' +
          '<div class="line-total price">' + money(p.price * line.qty) + '</div></div>';
      }).join('') + '</div><div class="panel"><div class="totals"><span>Subtotal</span><span>' + money(totals.subtotal) + '</span>' +
      '<span>Delivery</span><span>' + (totals.delivery ? money(totals.delivery) : 'Free') + '</span>' +
      '<span class="grand">Total</span><span class="grand">' + money(totals.total) + '</span></div>' +
      '<a class="btn place-order" style="margin-top:18px" href="/checkout" data-link id="btn_checkout">Go to checkout</a></div></div>';
    view.querySelectorAll('[data-inc],[data-dec]').forEach(function (button) {
      button.addEventListener('click', function () {
        var id = +(button.dataset.inc || button.dataset.dec);
        state.cart.forEach(function (l) { if (l.id === id) l.qty += button.dataset.inc ? 1 : -1; });
        state.cart = state.cart.filter(function (l) { return l.qty > 0; });
        saveCart();
        renderCart();
      });
    });
    return Promise.resolve();
  }

  function field(id, label, type, extra, wide) {
    return '<label class="field' + (wide ? ' wide' : '') + '" id="field_' + id + '">' + label +
      '<input id="' + id + '" name="' + id + '" type="' + type + '" aria-label="' + label + '" ' + (extra || '') + '><span class="error"></span></label>';
  }

  function renderCheckout() {
    if (!state.cart.length) return navigate('/cart', true);
    var totals = cartTotals();
    var email = state.user ? esc(state.user.email) : '';
    view.innerHTML = '<h1>Checkout</h1><p class="sub">Delivery address and payment</p><div class="checkout">' +
      '<form class="panel" id="checkout_form" novalidate><div class="form-grid">' +
      field('name', 'Full name', 'text', 'autocomplete="name"', true) +
      field('email', 'Email', 'email', 'autocomplete="email" value="' + email + '"', true) +
      field('street', 'Street and house number', 'text', 'autocomplete="street-address"', true) +
      field('city', 'City', 'text', 'autocomplete="address-level2"') +
      '<label class="field" id="field_country">Country<select id="country" name="country" aria-label="Country" data-record-unmask>' +
      COUNTRIES.map(function (c) { return '<option value="' + c[0] + '">' + c[1] + '</option>'; }).join('') +
      '</select><span class="error"></span></label>' +
      field('postal_code', 'Postal code', 'text', 'autocomplete="postal-code" data-record-unmask placeholder="SW1A 1AA"') +
      field('card', 'Card number', 'text', 'autocomplete="cc-number" inputmode="numeric" placeholder="1234 5678 9012 3456"') +
      '</div></form><div class="panel summary" id="order_summary"><h2 style="margin-top:0">Order summary</h2>' +
      state.cart.map(function (line) {
        var p = productById(line.id);
        return '<div class="summary-line"><span>' + line.qty + ' × ' + esc(p.name) + '</span><span>' + money(p.price * line.qty) + '</span></div>';
      }).join('') +
      '<div class="summary-line"><span>Delivery</span><span>' + (totals.delivery ? money(totals.delivery) : 'Free') + '</span></div>' +
      '<div class="summary-line grand" style="font-weight:800"><span>Total</span><span>' + money(totals.total) + '</span></div>' +
      '<div class="summary-line" id="ship_to" style="color:#5c6b80"></div>' +
      '<button class="btn place-order" id="btn_sell-421198" type="button"><svg class="lock" viewBox="0 0 24 24" aria-hidden="true">' +
      '<path d="M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z" fill="none" stroke="#fff" stroke-width="2"/></svg></button>' +
      '<div class="secure">Payments are encrypted and processed securely.</div>' +
      '<div class="loading-overlay" id="loading_overlay"><div class="spinner"></div><span>Checking your address…</span></div></div></div>';
    var country = $('#country');
    country.value = state.user && state.user.country || 'GB';
    var updatePlaceholder = function () {
      var c = COUNTRIES.filter(function (x) { return x[0] === country.value; })[0];
      $('#postal_code').setAttribute('placeholder', c ? c[2] : '');
    };
    country.addEventListener('change', updatePlaceholder);
    updatePlaceholder();
    $('#btn_sell-421198').addEventListener('click', placeOrder);
    return Promise.resolve();
  }

  function versionBefore(a, b) {
    var x = a.split('.').map(Number);
    var y = b.split('.').map(Number);
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) < (y[i] || 0);
    }
    return false;
  }

  function normalisePostalCode(country, code) {
    var cleaned = String(code).trim().toUpperCase();
    if (versionBefore(RELEASE, '2.5.0')) return cleaned;
    var parts = cleaned.match(POSTAL_PATTERNS[country]);
    return [parts.groups.outward, parts.groups.inward].filter(Boolean).join(' ');
  }

  function showProblems(problems) {
    document.querySelectorAll('#checkout_form .field').forEach(function (el) {
      var key = el.id.replace('field_', '');
      el.classList.toggle('invalid', !!problems[key]);
      $('.error', el).textContent = problems[key] || '';
    });
  }

  function placeOrder() {
    if (state.submitting) return;               // the button only ever sends one order at a time
    state.submitting = true;
    var form = {};
    ['name', 'email', 'street', 'city', 'country', 'postal_code'].forEach(function (k) { form[k] = $('#' + k).value; });
    var overlay = $('#loading_overlay');
    overlay.classList.add('is-visible');
    return post('/api/checkout/validate', form).then(function (res) {
      if (!res.body.valid) {
        overlay.classList.remove('is-visible');
        state.submitting = false;
        showProblems(res.body.problems);
        return;
      }
      showProblems({});
      $('#ship_to').textContent = 'Ship to ' + form.city + ', ' + normalisePostalCode(form.country, form.postal_code);
      return post('/api/orders', {cart_id: state.cartId, items: state.cart, address: form}).then(function (order) {
        overlay.classList.remove('is-visible');
        state.submitting = false;
        state.cart = [];
        saveCart();
        state.lastOrder = order.body;
        navigate('/checkout/thank-you');
      });
    });
  }

  function renderThanks() {
    var order = state.lastOrder || {order_id: '—', eta_days: 3};
    view.innerHTML = '<div class="thanks panel"><div class="tick">✓</div><h1>Thank you for your order!</h1>' +
      '<p class="sub">Order <strong>' + esc(order.order_id) + '</strong> is confirmed and will arrive in ' + order.eta_days + ' working days.</p>' +
      '<a class="btn" href="/" data-link id="btn_continue">Continue shopping</a></div>';
    return Promise.resolve();
  }

  function renderText(title, text) {
    view.innerHTML = '<h1>' + esc(title) + '</h1><div class="panel"><p>' + esc(text) + '</p></div>';
    return Promise.resolve();
  }

  function render() {
    var path = location.pathname;
    var m;
    document.querySelectorAll('.categories a').forEach(function (a) {
      a.classList.toggle('active', a.getAttribute('href') === path);
    });
    window.scrollTo(0, 0);
    if (path === '/' || path === '/index.html') return renderHome();
    if ((m = /^\/catalogue\/([\w-]+)$/.exec(path))) return renderCategory(m[1]);
    if ((m = /^\/product\/(\d+)$/.exec(path))) return renderProduct(+m[1]);
    if (path === '/search') return renderSearch(new URLSearchParams(location.search).get('q') || '');
    if (path === '/cart') return renderCart();
    if (path === '/checkout') return renderCheckout();
    if (path === '/checkout/thank-you') return renderThanks();
    if (path === '/help') return renderText('Help', 'Our team answers within one working day at help@performancewear.example.');
    if (path === '/returns') return renderText('Returns', 'Return anything unworn within 30 days, free of charge.');
    return renderText('Not found', 'This page does not exist.');
  }

  function navigate(url, replace) {
    history[replace ? 'replaceState' : 'pushState']({}, '', url);
    return render();
  }

  function renderCartCount() {
    // The count is drawn by CSS from data-count, so the link is named after its aria-label ("Cart").
    document.getElementById('cart_count').setAttribute('data-count', state.cart.reduce(function (n, l) { return n + l.qty; }, 0));
  }

  function renderChrome() {
    document.getElementById('release').textContent = 'release ' + RELEASE;
    document.getElementById('account').textContent = state.user ? 'Hi, ' + state.user.first_name : 'Sign in';
    if (state.user && global.ReplayRecorder) global.ReplayRecorder.identify(state.user.email);
    renderCartCount();
    return api('/api/categories').then(function (res) {
      state.categories = res.body;
      document.getElementById('nav_categories').innerHTML = res.body.map(function (c) {
        return '<a href="/catalogue/' + c.id + '" data-link>' + esc(c.name) + '</a>';
      }).join('');
    });
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-link]');
    if (!link || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    if (link.getAttribute('href') !== location.pathname) navigate(link.getAttribute('href'));
  });
  document.getElementById('search_form').addEventListener('submit', function (event) {
    event.preventDefault();
    var q = document.getElementById('search_input').value.trim();
    if (q) navigate('/search?q=' + encodeURIComponent(q));
  });
  global.addEventListener('popstate', render);

  renderChrome().then(render);
})(window);
