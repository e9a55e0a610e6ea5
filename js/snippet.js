// The inline pre-load snippet (the README shows its minified form, built to dist/snippet.min.js).
// It makes `window.lpmon` usable before dist/lpmon.js has arrived: `engage`/`report` return
// promises, `lpmon.push([method, arg])` queues a call and `lpmon.setConsent(consent)` the
// visitor's answer (applied first when lpmon arrives); the loader replays the queue in order
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
  l.push = function (entry) {
    q.push(entry);
  };
  l.setConsent = function (consent) {
    q.push(['setConsent', consent]);
  };
  l.getVid = l.getSid = function () {};
  l.ready = new Promise(function (resolve) {
    l._r = resolve;
  });
})(window);
