// A to-do list: Enter in the field adds an item (there is no Add button).
(function () {
  var field = document.getElementById('new-item');
  var list = document.getElementById('items');
  var left = document.getElementById('left');

  function count() {
    left.textContent = String(list.querySelectorAll('li:not(.done)').length);
  }

  function add(text) {
    var li = document.createElement('li');
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.setAttribute('aria-label', 'Done: ' + text);
    box.addEventListener('change', function () {
      li.classList.toggle('done', box.checked);
      count();
    });
    var label = document.createElement('span');
    label.className = 'text';
    label.textContent = text;
    var remove = document.createElement('button');
    remove.textContent = 'Delete';
    remove.title = 'Delete ' + text;
    remove.addEventListener('click', function () {
      li.remove();
      count();
    });
    li.append(box, label, remove);
    list.appendChild(li);
    count();
  }

  field.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    var text = field.value.trim();
    if (!text) return;
    add(text);
    field.value = '';
  });
})();
