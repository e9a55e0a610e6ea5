// Functions that are linked into the wasm but never run, made `unreachable` before wasm-opt (as
// scripts/alloc-failure.mjs does for the allocation-failure path), so that wasm-opt drops them
// and the code and data only they use.
//
// `RawVecInner::shrink` (with `shrink_unchecked`, a panic message and its location): its one
// caller is `Vec::into_boxed_slice`, through `shrink_to_fit`, which calls it only when the
// capacity is greater than the length. The one caller of `into_boxed_slice` is wasm-bindgen's
// `Box<[T]>::from_abi` (every string that JS hands to Rust), which builds the Vec with
// `Vec::from_raw_parts(ptr, len, len)`: capacity equal to length, so `shrink` never runs.
// Measured: 241 B gzip off the monitoring wasm.
//
// The chain is checked on every build, from the call instructions of the unoptimized wasm
// (`wasm-dis` text): when any other function calls `shrink` or `into_boxed_slice`, or either is in
// the function table, the build fails here rather than trap at run time.
import { disassemble } from './wasm-read.mjs';
import { stubFunctions } from './alloc-failure.mjs';

const SHRINK = /^alloc(\[[0-9a-f]+\])?::raw_vec::RawVecInner<A>::shrink::h[0-9a-f]+$/;
const BOXED = /^alloc(\[[0-9a-f]+\])?::vec::Vec<T,A>::into_boxed_slice::h[0-9a-f]+$/;
const FROM_ABI = /^wasm_bindgen::convert::slices::<impl wasm_bindgen::convert::traits::FromWasmAbi for alloc::boxed::Box<\[T\]>>::from_abi::h[0-9a-f]+$/;

/** Caller names of every called function, and the names in the function table. */
function callGraph(wasmFile) {
  const text = disassemble(wasmFile, 'never-called');
  const name = (t) => (t.startsWith('"') ? JSON.parse(t) : t);
  const callers = new Map();
  const table = [];
  let current = null;
  for (const line of text.split('\n')) {
    const f = /^ \(func \$("(?:[^"\\]|\\.)*"|\S+)/.exec(line);
    if (f) { current = name(f[1]); continue; }
    if (line.startsWith(' (elem ')) {
      for (const m of line.matchAll(/\$("(?:[^"\\]|\\.)*"|[^\s)]+)/g)) table.push(name(m[1]));
      continue;
    }
    for (const m of line.matchAll(/(?:call|ref\.func) \$("(?:[^"\\]|\\.)*"|[^\s)]+)/g)) {
      const callee = name(m[1]);
      if (!callers.has(callee)) callers.set(callee, new Set());
      callers.get(callee).add(m[0].startsWith('ref.func') ? '(ref.func)' : current);
    }
  }
  return { callers, table };
}

/**
 * `bytes` (the wasm in `wasmFile`, as wasm-bindgen wrote it, names kept) with the never-called
 * functions stubbed; `stubbed` names them. Throws when the call chain is not the one above.
 */
export function stubNeverCalled(bytes, wasmFile) {
  const { callers, table } = callGraph(wasmFile);
  const of = (re) => [...callers].filter(([callee]) => re.test(callee)).flatMap(([, set]) => [...set]);
  const wrong = [
    ...of(SHRINK).filter((c) => !BOXED.test(c) && !FROM_ABI.test(c)),
    ...of(BOXED).filter((c) => !FROM_ABI.test(c)),
    ...table.filter((t) => SHRINK.test(t) || BOXED.test(t)),
  ];
  if (wrong.length) {
    throw new Error(`never-called: RawVecInner::shrink is reachable from ${[...new Set(wrong)].join(', ')}; update scripts/never-called.mjs`);
  }
  return stubFunctions(bytes, [SHRINK]);
}
