// The glues' `init` (default export of src/bindings/glue.js and agent/glue.js), in place of
// wasm-bindgen's: it takes the same `{module_or_path}` (a URL, a Request, a Response, bytes or a
// compiled Module, or a promise of one; a bare value works too) and starts once (a failed start
// may be tried again), without wasm-bindgen's warnings and messages: its init code was the
// largest part of the glue. `initSync` is not offered: lpmon never instantiates synchronously.

/** `init` for a wasm-bindgen module: `imports()` and `finish(instance, module)` are its
 * `__wbg_get_imports` and `__wbg_finalize_init` (exported by scripts/build.mjs); `url()` is the
 * .wasm beside the glue, the default. */
export function initWith(imports, finish, url) {
  let started;
  return (input) => {
    if (!started) {
      started = load(imports(), finish, input, url);
      started.catch(() => { started = undefined; });
    }
    return started;
  };
}

async function load(imports, finish, input, url) {
  let src = input !== undefined && Object.getPrototypeOf(input) === Object.prototype ? input.module_or_path : input;
  src = await (src === undefined ? url() : src);
  if (typeof src === 'string' || src instanceof URL || (typeof Request === 'function' && src instanceof Request)) src = await fetch(src);
  let out;
  if (typeof Response === 'function' && src instanceof Response) {
    if (!src.ok) throw new Error(`the .wasm could not be fetched: ${src.status} ${src.url}`);
    try {
      // Compiled while it downloads.
      out = await WebAssembly.instantiateStreaming(src, imports);
    } catch (e) {
      // Without instantiateStreaming (before Safari 15), or served without the application/wasm
      // type: compiled from its bytes instead. Any other failure is the module's own.
      if (WebAssembly.instantiateStreaming && src.headers.get('Content-Type') === 'application/wasm') throw e;
      out = await WebAssembly.instantiate(await src.arrayBuffer(), imports);
    }
  } else {
    out = await WebAssembly.instantiate(src, imports);
  }
  // A Module gives an Instance; bytes and a Response give {instance, module}.
  return out instanceof WebAssembly.Instance ? finish(out, src) : finish(out.instance, out.module);
}
