// The inline pre-load snippet (the README shows its minified form, built to dist/snippet.min.js).
// It makes `window.lpmon` usable before dist/lpmon.js has arrived: `engage`/`report` return
// promises, `lpmon.push([method, arg])` queues a call, `lpmon.setConsent(consent)` the
// visitor's answer (applied first when lpmon arrives) and `lpmon.reset()` a logout (in turn
// with the calls around it); the loader replays the queue in order
// and settles `lpmon.ready`. It does nothing when lpmon (or the snippet) is already there.
(function (w) {
  var l = (w.lpmon = w.lpmon || {});
  if (l.ready) return;
  var q = (l.q = l.q || []);
  function stub(method) {
    return function (arg) {
      return new Promise(function (resolve, reject) {
        q.push([method, arg, resolve, reject]);
      });
    };
  }
  l.engage = stub('engage');
  l.report = stub('report');
  function later(method) {
    return function (arg) {
      q.push([method, arg]);
    };
  }
  l.push = function (entry) {
    q.push(entry);
  };
  l.setConsent = later('setConsent');
  l.reset = later('reset');
  l.getVid = l.getSid = function () {};
  l.ready = new Promise(function (resolve) {
    l._r = resolve;
  });
})(window);
