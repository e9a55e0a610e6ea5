// The no-formatting, no-panic-message check: reads the shipped wasms (monitoring and agent) as
// optimized, with their function names (scripts/build.mjs leaves them in
// target/lpmon-shipped-named.wasm and target/lpmon-agent-shipped-named.wasm), and fails when any
// function of `core::fmt`, a panic with a message, or a panic message text is in one.
// Nothing reachable from JS may panic, and formatting code is the first thing that creeps back in
// with an `unwrap`, a `format!` or an index.
//
// No exceptions by name. A function whose whole body is `unreachable` holds no code and passes:
// the allocation-failure path (`handle_alloc_error`, `capacity_overflow`) is made so before
// wasm-opt (scripts/alloc-failure.mjs), and a formatter that only its message referenced stays as
// such a stub, its address being in the function table.
//
// `node scripts/symbol-check.mjs [file.wasm]`: with a file, checks it instead of both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAMED_WASM, NAMED_AGENT_WASM } from './alloc-failure.mjs';

/**
 * Function names (from the name section) and the data segments' bytes of a wasm; `names.traps`
 * holds the names of the functions whose body is nothing but `unreachable`.
 */
export function functionNames(bytes) {
  let p = 8;
  const u = () => { let r = 0, s = 0, x; do { x = bytes[p++]; r |= (x & 127) << s; s += 7; } while (x & 128); return r >>> 0; };
  const names = [];
  const byIndex = new Map();
  const trapBodies = new Set();
  let imported = 0;
  names.data = Buffer.alloc(0);
  while (p < bytes.length) {
    const id = bytes[p++]; const len = u(); const end = p + len;
    if (id === 11) names.data = bytes.subarray(p, end);
    if (id === 2) {
      for (let n = u(); n > 0; n--) {
        const skip = () => { const l = u(); p += l; };
        skip(); skip();
        const kind = bytes[p++];
        if (kind === 0) { imported++; u(); } else if (kind === 1) { p++; const f = u(); u(); if (f & 1) u(); }
        else if (kind === 2) { const f = u(); u(); if (f & 1) u(); } else if (kind === 3) p += 2; else { p++; u(); }
      }
    }
    if (id === 10) {
      for (let i = 0, n = u(); i < n; i++) {
        const size = u();
        // No locals, `unreachable`, `end`.
        if (size === 3 && bytes[p] === 0 && bytes[p + 1] === 0 && bytes[p + 2] === 0x0b) trapBodies.add(imported + i);
        p += size;
      }
    }
    if (id === 0) {
      const nl = u(); const nm = bytes.subarray(p, p + nl).toString(); p += nl;
      if (nm === 'name') {
        while (p < end) {
          const sid = bytes[p++]; const sl = u(); const se = p + sl;
          if (sid === 1) {
            const n = u();
            for (let i = 0; i < n; i++) { const index = u(); const l = u(); const name = bytes.subarray(p, p + l).toString(); names.push(name); byIndex.set(index, name); p += l; }
          }
          p = se;
        }
      }
    }
    p = end;
  }
  names.traps = new Set([...trapBodies].map((i) => byIndex.get(i)).filter((n) => n !== undefined));
  return names;
}

// Mangled (v0 and legacy) and demangled spellings.
// (wasm-bindgen demangles, keeping the crate hash in brackets: `core[0123abcd]::fmt`.)
const FORBIDDEN_FN = /4core3fmt|core(\[[0-9a-f]+\])?::fmt|core\.\.fmt|9panicking|core(\[[0-9a-f]+\])?::panicking|unwrap_failed|expect_failed|panic_bounds_check|slice_index_fail|str_index|already_borrowed|already_mutably_borrowed|async_fn_resumed|assert_failed/;
const FORBIDDEN_TEXT = [
  'called `Option::unwrap()`', 'called `Result::unwrap()`', 'index out of bounds', 'should be < len',
  'should be <= len', 'already borrowed', 'already mutably borrowed', 'panicked at', 'attempt to',
  'RefCell', 'slice index', 'byte index', 'unwrap_throw', 'expect_throw',
];

export function check(bytes) {
  const names = functionNames(bytes);
  if (names.length === 0) return { ok: false, lines: ['no name section: cannot check'] };
  const bad = names.filter((n) => FORBIDDEN_FN.test(n) && !names.traps.has(n));
  const text = Buffer.from(names.data).toString('latin1');
  const messages = FORBIDDEN_TEXT.filter((t) => text.includes(t));
  const lines = [
    ...bad.map((n) => `  function: ${n}`),
    ...messages.map((m) => `  panic message: "${m}"`),
  ];
  return { ok: bad.length === 0 && messages.length === 0, functions: names.length, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv[2] ? [process.argv[2]] : [NAMED_WASM, NAMED_AGENT_WASM];
  let failed = false;
  for (const file of files) {
    let bytes;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      console.error(`symbol check: cannot read ${file} (run node scripts/build.mjs first): ${e.message}`);
      process.exit(1);
    }
    const { ok, functions, lines } = check(bytes);
    console.log(`lpmon symbol check (${file}, ${functions ?? 0} functions):`);
    for (const l of lines) console.log(l);
    console.log(ok ? 'ok: no core::fmt and no panic messages' : 'FAIL: formatting or panic code in the shipped wasm');
    failed ||= !ok;
  }
  process.exit(failed ? 1 : 0);
}
