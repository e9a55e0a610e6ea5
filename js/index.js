// lpmon's ESM entry. It wraps the wasm-bindgen glue so that importing lpmon never touches
// `window` (server-side rendering stays safe) and so that using it before `init()` or outside a
// browser fails with an LpmonError of kind "config" instead of a TypeError from the glue.
import initWasm, * as glue from '../pkg/lpmon.js';

let started = null;
let ready = false;

function configError(message) {
  const e = new Error(message);
  e.name = 'LpmonError';
  e.kind = 'config';
  return e;
}

function browserless() {
  return typeof fetch !== 'function' || typeof globalThis.location === 'undefined'
    ? configError('lpmon runs in a browser: fetch or location is missing here (server-side rendering?)')
    : null;
}

function checked() {
  const outside = browserless();
  if (outside) throw outside;
  if (!ready) throw configError('call and await init() before using lpmon');
}

/** Loads and instantiates the WebAssembly module (once; later calls return the same promise). */
export default function init(input) {
  const outside = browserless();
  if (outside) return Promise.reject(outside);
  if (!started) {
    started = initWasm(input === undefined ? undefined : input).then((out) => {
      ready = true;
      return out;
    });
    started.catch(() => { started = null; });
  }
  return started;
}

/** Creates a monitor for one account and app installation (throws LpmonError kind "config"). */
export function createMonitor(config) {
  checked();
  return glue.createMonitor(config);
}
