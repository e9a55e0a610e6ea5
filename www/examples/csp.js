// Page code for csp.html: listens for lpmon's events before the tag runs, and shows whether lpmon
// could start. When WebAssembly is blocked, lpmon.ready resolves to false and LOAD_FAILED says why.
(function () {
  var events = (window.lpmonEvents = []);
  window.addEventListener('lpmon', function (e) {
    events.push({ name: e.detail.name, data: e.detail.data });
    if (e.detail.name === 'LOAD_FAILED') show('lpmon is off: ' + e.detail.data.reason);
  });
  function show(text) {
    var out = document.getElementById('status');
    if (out) out.textContent = text;
    else document.addEventListener('DOMContentLoaded', function () { show(text); });
  }
  (function whenLoaded() {
    if (!window.lpmon || !window.lpmon.ready) return setTimeout(whenLoaded, 20);
    window.lpmon.ready.then(function (ok) {
      if (!ok) return;
      lpmon.engage({ entryPoints: [location.href] }).then(function (answer) {
        show('engaged, visitor ' + answer.visitorId);
      }, function (error) {
        show('engage failed: ' + error.message);
      });
    });
  })();
})();
