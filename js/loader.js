// lpmon's script-tag loader (built to dist/lpmon.js as a classic script).
//
// <script async src=".../lpmon.js" data-account-id="…" data-app-installation-id="…" data-domain="…">
// It finds its own URL, loads the ESM glue and the .wasm beside it, creates the default monitor
// and turns `window.lpmon` into the real API. Calls queued before it arrived (by the inline
// snippet of the README) are replayed in order. If wasm cannot run (old browser, CSP without
// 'wasm-unsafe-eval'), nothing throws: an `lpmon` event says why, getters return undefined,
// calls reject with an LpmonError of kind "config", and `lpmon.ready` resolves to false.
(function () {
  var w = window;
  var script = document.currentScript;
  var src = (script && script.src) || '';
  var base = src.slice(0, src.lastIndexOf('/') + 1);
  var data = (script && script.dataset) || {};
  var given = w.lpmonConfig || {};
  var config = {};
  for (var k in given) config[k] = given[k];
  config.accountId = data.accountId || given.accountId;
  config.appInstallationId = data.appInstallationId || given.appInstallationId;
  if (data.domain || given.domain) config.domain = data.domain || given.domain;
  if (data.csds || given.csds) config.csds = data.csds || given.csds;

  // The snippet's stub (or nothing): keep the same object so references held by page code stay valid.
  var api = w.lpmon && typeof w.lpmon === 'object' ? w.lpmon : {};
  var queue = api.q || [];
  var settleReady = api._r;
  var monitor = null;
  var failure = null;

  function lpmonError(message) {
    var e = new Error(message);
    e.name = 'LpmonError';
    e.kind = 'config';
    return e;
  }

  function say(name, detail) {
    try {
      w.dispatchEvent(new CustomEvent('lpmon', { detail: { app: 'lpmon', name: name, data: detail } }));
    } catch (_) { /* an old browser without CustomEvent: nothing to tell */ }
  }

  function call(method, arg) {
    if (monitor) return monitor[method](arg);
    return Promise.reject(lpmonError('lpmon is not available: ' + (failure || 'still loading')));
  }

  api.getVid = function () { return monitor ? monitor.getVid() : undefined; };
  api.getSid = function () { return monitor ? monitor.getSid() : undefined; };
  api.engage = function (req) { return call('engage', req); };
  api.report = function (req) { return call('report', req); };
  api.push = function (entry) { replay(entry); };
  w.lpmon = api;

  var lpTag = (w.lpTag = w.lpTag || {});
  lpTag.taglets = lpTag.taglets || {};
  var sdk = (lpTag.taglets.lp_monitoringSDK = lpTag.taglets.lp_monitoringSDK || {});
  sdk.getVid = api.getVid;
  sdk.getSid = api.getSid;

  // Queue entries: [method, arg] from lpmon.push, or [method, arg, resolve, reject] from the stubs.
  function replay(entry) {
    if (!entry || typeof api[entry[0]] !== 'function' || entry[0] === 'push') return;
    var out;
    try {
      out = api[entry[0]](entry[1]);
    } catch (e) {
      out = Promise.reject(e);
    }
    Promise.resolve(out).then(entry[2], function (e) {
      if (entry[3]) entry[3](e);
    });
  }

  function finish(ok) {
    var pending = queue.splice(0, queue.length);
    for (var i = 0; i < pending.length; i++) replay(pending[i]);
    if (settleReady) settleReady(ok);
    return ok;
  }

  var start = (function () {
    if (typeof WebAssembly !== 'object' || typeof fetch !== 'function') {
      return Promise.reject(new Error('WebAssembly or fetch is not available'));
    }
    return import(base + 'lpmon_glue.js').then(function (glue) {
      return glue.default({ module_or_path: base + 'lpmon_bg.wasm' }).then(function () {
        monitor = glue.createMonitor(config);
      });
    });
  })();

  api.ready = start.then(
    function () { say('READY', {}); return finish(true); },
    function (e) {
      failure = (e && e.message) || String(e);
      say('LOAD_FAILED', { reason: failure });
      return finish(false);
    }
  );
})();
