// lpmon's script-tag loader (built to dist/lpmon.js as a classic script, with lptag.js bundled in).
//
// <script async src=".../lpmon.js" data-account-id="…" data-app-installation-id="…" data-domain="…">
// It finds its own URL, loads the ESM glue and the .wasm beside it (the .wasm fetch starts at
// once, in parallel with the glue, and is compiled while it streams in), creates the default
// monitor and turns `window.lpmon` into the real API. Calls queued before it arrived (by the
// inline snippet of the README, or `lpmon.push`) are replayed in order. If wasm cannot run (old
// browser, CSP without 'wasm-unsafe-eval'), nothing throws: an `lpmon` event LOAD_FAILED says
// why, getters return undefined, calls reject with an LpmonError of kind "config", and
// `lpmon.ready` resolves to false. (ES2017 syntax: a browser that cannot parse it has no use for
// the dynamic import() below either.)
import { installLpTag } from './lptag.js';
import { withTrack } from './track.js';

const w = window;
const script = document.currentScript;
const src = (script && script.src) || '';
const base = src.slice(0, src.lastIndexOf('/') + 1);
const data = (script && script.dataset) || {};
const given = w.lpmonConfig || {};
const config = Object.assign({}, given, {
  accountId: data.accountId || given.accountId,
  appInstallationId: data.appInstallationId || given.appInstallationId,
});
delete config.lptag;
if (data.domain) config.domain = data.domain;
if (data.csds) config.csds = data.csds;
// data-consent="pending": nothing is stored or sent until lpmon.setConsent('granted').
if (data.consent) config.consent = data.consent;
// The lpTag layer: asked for with data-lptag (any value but "false"), or implied by a page that
// already has an lpTag object (its snippet ran first).
const lptag = data.lptag !== undefined ? data.lptag !== 'false' : given.lptag !== undefined ? !!given.lptag : !!w.lpTag;

// The snippet's stub (or nothing): keep the same object so references held by page code stay
// valid. A page may also have queued `[method, arg]` entries into a plain array.
const api = w.lpmon && typeof w.lpmon === 'object' ? w.lpmon : {};
const early = (Array.isArray(api) ? api.splice(0) : []).concat(api.q || []);
const settleReady = api._r;
delete api.q;
delete api._r;
let monitor = null;
let failure = null;
let forget = false;
const APP = 'lp_monitoringSDK';

const say = (name, detail) => {
  try {
    w.dispatchEvent(new CustomEvent('lpmon', { detail: { app: APP, name, data: detail } }));
  } catch (_) { /* an old browser without CustomEvent: nothing to tell */ }
};

const call = (method, arg) => {
  if (monitor) return monitor[method](arg);
  const e = new Error('lpmon is not available: ' + (failure || 'still loading'));
  e.name = 'LpmonError';
  e.kind = 'config';
  return Promise.reject(e);
};

api.getVid = () => (monitor ? monitor.getVid() : undefined);
api.getSid = () => (monitor ? monitor.getSid() : undefined);
api.engage = (req) => call('engage', req);
api.report = (req) => call('report', req);
api.push = (entry) => { replay(entry); };
api.track = (el, detail, options) => (monitor ? monitor.track(el, detail, options) : { close() {} });
// Before the monitor exists, consent goes into its config and a reset waits for it.
// Anything but 'granted' denies, as on the monitor.
api.setConsent = (c) => (monitor ? monitor.setConsent(c) : (config.consent = c === 'granted' ? c : 'denied'));
api.reset = () => (monitor ? monitor.reset() : (forget = true));
// Debug mode (?lpmon_debug=1, data-debug, lpmon.debug(true)): its audit and panel are a file of
// their own that only debug mode downloads; it resolves to a function that watches the monitor.
let debugging = false;
let panel;
api.debug = (on) => {
  if (on === undefined) return debugging;
  debugging = !!on;
  panel = panel || (on && import(base + 'lpmon-debug.js').then((p) => {
    const watch = p.open(api, config);
    if (monitor) watch(monitor);
    return watch;
  }, () => { panel = 0; }));
};
w.lpmon = api;
if ('debug' in data || /[?&]lpmon_debug=1/.test(w.location.search)) api.debug(true);
// Consent given before lpmon arrived applies at once, not in turn behind calls waiting for it.
const queue = early.filter((e) => !(e && e[0] === 'setConsent' && (replay(e), 1)));

const tag = (w.lpTag = w.lpTag || {});
tag.taglets = tag.taglets || {};
const sdk = (tag.taglets.lp_monitoringSDK = tag.taglets.lp_monitoringSDK || {});
sdk.getVid = api.getVid;
sdk.getSid = api.getSid;
sdk.track = api.track;
const layer = lptag ? installLpTag(w, tag, api, say) : null;

// Queue entries: [method, arg] from lpmon.push (a function as third item is called with the
// answer), or [method, arg, resolve, reject] from the snippet's stubs.
function replay(entry) {
  if (!entry || typeof api[entry[0]] !== 'function' || entry[0] === 'push') return;
  let out;
  try {
    out = api[entry[0]](entry[1]);
  } catch (e) {
    out = Promise.reject(e);
  }
  return Promise.resolve(out).then(entry[2], (e) => { if (entry[3]) entry[3](e); });
}

// With the lpTag layer the start-page call goes first, as with the original tag. Queued calls
// then go one after another, so the server sees them in the order they were made (a cart SDE
// reported before an engage is there when the engage is answered).
const finish = (ok) => Promise.resolve(layer ? layer.start(ok) : 0).then(() => {
  if (settleReady) settleReady(ok);
  queue.reduce((previous, entry) => {
    const next = () => replay(entry);
    return previous.then(next, next);
  }, Promise.resolve());
  return ok;
});

const start = new Promise((resolve) => {
  if (typeof WebAssembly !== 'object' || typeof fetch !== 'function') {
    throw new Error('WebAssembly or fetch is not available');
  }
  // Started before the glue arrives; a failure is handled where the glue awaits it.
  const wasm = fetch(base + 'lpmon_bg.wasm');
  wasm.catch(() => {});
  // In debug mode from the start, the panel's file comes first: it sees every call.
  resolve(Promise.all([import(base + 'lpmon_glue.js'), panel]).then(([glue, watch]) =>
    glue.default({ module_or_path: wasm }).then(() => {
      monitor = withTrack(glue.createMonitor(config), (a) => JSON.parse(glue.conversationHelper(0, JSON.stringify(a), 'null')), config.onEvent);
      if (forget) monitor.reset();
      if (watch) watch(monitor);
    })));
});

api.ready = start.then(
  () => { say('READY', {}); return finish(true); },
  (e) => {
    failure = (e && e.message) || String(e);
    // Each browser words a CSP block its own way (Firefox: "… blocked by CSP"): say it one way.
    if (/CSP|Security Policy|unsafe-eval/.test(failure)) failure = "Content Security Policy without 'wasm-unsafe-eval': " + failure;
    say('LOAD_FAILED', { reason: failure });
    return finish(false);
  });
