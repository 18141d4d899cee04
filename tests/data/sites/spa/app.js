// A single-page app: History API routes, every view rendered here.
(function () {
  var TRAILS = [
    {id: 'ridge', name: 'Ridge Walk', km: 12, level: 'moderate',
     text: 'Along the ridge with views over both valleys.'},
    {id: 'lake', name: 'Lake Loop', km: 6, level: 'easy', text: 'A flat loop around the lake.'},
    {id: 'summit', name: 'Summit Scramble', km: 9, level: 'hard',
     text: 'Steep and rocky; hands needed near the top.'}
  ];
  var app = document.getElementById('app');

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text, attrs) {
    var a = el('a', attrs || {}, text);
    a.href = href;
    a.setAttribute('data-route', '');
    return a;
  }

  function renderList() {
    app.replaceChildren(el('h1', {}, 'Trails'));
    var list = el('ul', {'class': 'trails'});
    TRAILS.forEach(function (t) {
      var li = el('li');
      li.appendChild(link('/trail/' + t.id, t.name));
      li.appendChild(el('span', {'class': 'difficulty'}, ' · ' + t.km + ' km, ' + t.level));
      list.appendChild(li);
    });
    app.appendChild(list);
  }

  function renderTrail(id) {
    var t = TRAILS.filter(function (x) { return x.id === id; })[0];
    if (!t) { app.replaceChildren(el('h1', {}, 'Not found')); return; }
    app.replaceChildren(el('h1', {}, t.name), el('p', {}, t.text),
                        el('p', {'data-testid': 'distance'}, t.km + ' km'));
    var fav = el('button', {'aria-pressed': 'false', 'data-testid': 'favourite'}, 'Save trail');
    fav.addEventListener('click', function () {
      fav.setAttribute('aria-pressed', 'true');
      fav.textContent = 'Saved';
    });
    app.appendChild(fav);
    var back = el('button', {'class': 'back'}, 'Back to the list');
    back.addEventListener('click', function () { history.back(); });
    app.appendChild(back);
  }

  function render() {
    var path = location.pathname;
    if (path.indexOf('/trail/') === 0) renderTrail(path.slice(7));
    else if (path === '/about') app.replaceChildren(el('h1', {}, 'About'), el('p', {}, 'Trails near you.'));
    else renderList();
  }

  document.addEventListener('click', function (e) {
    var a = e.target.closest('a[data-route]');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey) return;
    e.preventDefault();
    history.pushState({}, '', a.getAttribute('href'));
    render();
  });
  window.addEventListener('popstate', render);
  render();
})();
