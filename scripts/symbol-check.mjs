// The no-formatting, no-panic-message check: builds the shipped wasm (feature `tiny`) with its
// function names and fails when any function of `core::fmt`, a panic with a message, or a panic
// message text is in it. Nothing reachable from JS may panic, and formatting code is the first
// thing that creeps back in with an `unwrap`, a `format!` or an index.
//
// Allowed, by name: the standard library's allocation-failure path (`handle_alloc_error` →
// "memory allocation of N bytes failed", and `capacity_overflow`), which every `Vec` references
// and which stable Rust offers no way to replace in a `no_std` build. lpmon's allocator never
// fails short of the browser refusing memory, when the module is lost anyway.
//
// `node scripts/symbol-check.mjs [file.wasm]`: with a file, checks it instead of building.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './tools.mjs';

/** Function names (from the name section) and the data segments' bytes of a wasm. */
export function functionNames(bytes) {
  let p = 8;
  const u = () => { let r = 0, s = 0, x; do { x = bytes[p++]; r |= (x & 127) << s; s += 7; } while (x & 128); return r >>> 0; };
  const names = [];
  names.data = Buffer.alloc(0);
  while (p < bytes.length) {
    const id = bytes[p++]; const len = u(); const end = p + len;
    if (id === 11) names.data = bytes.subarray(p, end);
    if (id === 0) {
      const nl = u(); const nm = bytes.subarray(p, p + nl).toString(); p += nl;
      if (nm === 'name') {
        while (p < end) {
          const sid = bytes[p++]; const sl = u(); const se = p + sl;
          if (sid === 1) { const n = u(); for (let i = 0; i < n; i++) { u(); const l = u(); names.push(bytes.subarray(p, p + l).toString()); p += l; } }
          p = se;
        }
      }
    }
    p = end;
  }
  return names;
}

// Mangled (v0 and legacy) and demangled spellings.
const FORBIDDEN_FN = /4core3fmt|core::fmt|core\.\.fmt|9panicking|core::panicking|unwrap_failed|expect_failed|panic_bounds_check|slice_index_fail|str_index|already_borrowed|already_mutably_borrowed|async_fn_resumed|assert_failed/;
const ALLOWED_FN = [
  /handle_alloc_error/, /capacity_overflow/,
  // What the allocation-failure message reaches: the panic entry points and the formatting of its
  // one number.
  /9panicking9panic_fmt/, /9panicking18panic_nounwind_fmt/, /9Formatter12pad_integral/, /3imp[a-z]NtB9_7Display3fmt/,
];
const FORBIDDEN_TEXT = [
  'called `Option::unwrap()`', 'called `Result::unwrap()`', 'index out of bounds', 'should be < len',
  'should be <= len', 'already borrowed', 'already mutably borrowed', 'panicked at', 'attempt to',
  'RefCell', 'slice index', 'byte index', 'unwrap_throw', 'expect_throw',
];

export function check(bytes) {
  const names = functionNames(bytes);
  if (names.length === 0) return { ok: false, lines: ['no name section: cannot check'] };
  const bad = names.filter((n) => FORBIDDEN_FN.test(n) && !ALLOWED_FN.some((a) => a.test(n)));
  const text = Buffer.from(names.data).toString('latin1');
  const messages = FORBIDDEN_TEXT.filter((t) => text.includes(t));
  const lines = [
    ...bad.map((n) => `  function: ${n}`),
    ...messages.map((m) => `  panic message: "${m}"`),
  ];
  return { ok: bad.length === 0 && messages.length === 0, functions: names.length, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let file = process.argv[2];
  if (!file) {
    const code = await run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--features', 'tiny', '--lib']);
    if (code !== 0) process.exit(code);
    file = join(root, 'target', 'wasm32-unknown-unknown', 'release', 'lpmon.wasm');
  }
  const { ok, functions, lines } = check(readFileSync(file));
  console.log(`lpmon symbol check (${file}, ${functions ?? 0} functions):`);
  for (const l of lines) console.log(l);
  console.log(ok ? 'ok: no core::fmt and no panic messages beyond the allocation-failure path' : 'FAIL: formatting or panic code in the shipped wasm');
  process.exit(ok ? 0 : 1);
}
