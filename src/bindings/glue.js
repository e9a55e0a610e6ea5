// The glue's public face (the build bundles this file into pkg/lpmon.js): wasm-bindgen's module,
// except that `createMonitor` returns the monitor object and `init` is lpmon's (init.js). The
// wasm's monitor is a number: a Rust struct behind a wasm-bindgen class cost 719 B gzipped (its
// borrow guards in the wasm, the class and its finalizer in the glue). Its methods are made here,
// one arrow each. Named imports only: a namespace object would keep all of wasm-bindgen's module.
import {
  __wbg_get_imports, __wbg_finalize_init, wake,
  createMonitor as create, getVid, getSid, engage, report, setConsent, reset,
} from '../../pkg/lpmon_raw.js';
// The same module instance as the wasm's imports (scripts/build.mjs points lpmon_raw.js here).
import { bind } from '../platform/primitives.js';
import { initWith } from './init.js';

export { conversationHelper } from '../../pkg/lpmon_raw.js';

/** Loads and instantiates the wasm (see init.js); by default the .wasm beside this file. */
export default initWith(__wbg_get_imports, __wbg_finalize_init, () => new URL('lpmon_bg.wasm', import.meta.url));

// Answers, timers, locks and page events come back through the wasm's `wake` export: a plain
// function instead of a wasm-bindgen closure. It is called only once requests and timers exist,
// that is after the wasm was instantiated.
bind(wake);

/** Creates a monitor; throws an LpmonError of kind "config" when the config is unusable. */
export function createMonitor(config) {
  const h = create(config);
  return {
    getVid: () => getVid(h),
    getSid: () => getSid(h),
    engage: (request) => engage(h, request),
    report: (request) => report(h, request),
    setConsent: (consent) => setConsent(h, consent),
    reset: () => reset(h),
  };
}
