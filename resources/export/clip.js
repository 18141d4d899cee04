/* Plays each clip of a findings report (rrweb and defuse.js are inlined by the report). */
(function () {
  document.querySelectorAll('.clip').forEach(function (box) {
    var events = JSON.parse(box.querySelector('script[type="application/json"]').textContent);
    events.forEach(window.defuseReplayEvent);  // defuse.js, inlined before this script
    var stage = box.querySelector('.stage');
    var player = new rrweb.Replayer(events, {root: stage, showWarning: false, mouseTail: false,
                                             logger: {log: function () {}, warn: function () {}}});
    // rrweb keeps a document scroll on its virtual DOM for the replayer's life: without
    // this, Play (a seek back to 0 after the pause at the moment) scrolls the page to the
    // moment's scroll (resources/player/exact.js, forgetVirtualScroll, says more)
    player.on('flush', function () { if (player.virtualDom) player.virtualDom.scrollData = null; });
    var wrapper = stage.querySelector('.replayer-wrapper');
    var fit = function () {
      var iframe = stage.querySelector('iframe');
      var w = +iframe.width || 1280, h = +iframe.height || 800;
      var scale = Math.min(stage.clientWidth / w, 400 / h);
      wrapper.style.transform = 'scale(' + scale + ')';
    };
    player.on('resize', fit); fit();
    player.pause(+box.dataset.at);
    box.querySelector('button').addEventListener('click', function () { player.play(0); });
    window.__clips = (window.__clips || []).concat([player]);
  });
})();
