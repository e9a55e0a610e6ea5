// The glue's public face (the build bundles this file into pkg/lpmon.js): wasm-bindgen's module,
// except that `createMonitor` returns the monitor object. The wasm's monitor is a number: a Rust
// struct behind a wasm-bindgen class cost 719 B gzipped (its borrow guards in the wasm, the class
// and its finalizer in the glue). Its methods are made here, one arrow each.
import * as wasm from '../../pkg/lpmon_raw.js';
// The same module instance as the wasm's imports (scripts/build.mjs points lpmon_raw.js here).
import { bind } from '../platform/primitives.js';

export { default, initSync, conversationHelper } from '../../pkg/lpmon_raw.js';

// Answers, timers, locks and page events come back through the wasm's `wake` export: a plain
// function instead of a wasm-bindgen closure. It is called only once requests and timers exist,
// that is after the wasm was instantiated.
bind(wasm.wake);

/** Creates a monitor; throws an LpmonError of kind "config" when the config is unusable. */
export function createMonitor(config) {
  const h = wasm.createMonitor(config);
  return {
    getVid: () => wasm.getVid(h),
    getSid: () => wasm.getSid(h),
    engage: (request) => wasm.engage(h, request),
    report: (request) => wasm.report(h, request),
    setConsent: (consent) => wasm.setConsent(h, consent),
    reset: () => wasm.reset(h),
  };
}
