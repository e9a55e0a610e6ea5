// The post-link step that keeps `core::fmt` out of the shipped wasm. Every `Vec` and `String` can
// reach the standard library's allocation-failure path (`handle_alloc_error`, which formats
// "memory allocation of N bytes failed", and `capacity_overflow`), and stable Rust has no way to
// replace it in a `no_std` build (`#[alloc_error_handler]` is unstable). Both functions diverge and
// lpmon's panic handler traps without a message, so a body of `unreachable` behaves the same: the
// module traps. With their bodies gone, wasm-opt drops the formatting code they alone reached.
//
// Needs the wasm's name section (wasm-bindgen keeps it); build.mjs runs it before wasm-opt.
import { join } from 'node:path';
import { root } from './tools.mjs';
import { reader, sections as sectionsOf } from './wasm-read.mjs';

/** Where build.mjs leaves the optimized monitoring wasm with its names, for symbol-check.mjs. */
export const NAMED_WASM = join(root, 'target', 'lpmon-shipped-named.wasm');
/** The same for the agent wasm (pkg/agent/). */
export const NAMED_AGENT_WASM = join(root, 'target', 'lpmon-agent-shipped-named.wasm');

/** Function names whose bodies become `unreachable`. */
export const STUBBED = [/^alloc(\[[0-9a-f]+\])?::alloc::handle_alloc_error$/, /^alloc(\[[0-9a-f]+\])?::raw_vec::capacity_overflow$/];

function leb(n) {
  const out = [];
  do { let b = n & 127; n = Math.floor(n / 128); if (n) b |= 128; out.push(b); } while (n);
  return out;
}

/** `bytes` with the bodies of the functions named by STUBBED replaced; `stubbed` names them. */
export function stubAllocFailure(bytes) {
  return stubFunctions(bytes, STUBBED);
}

/** `bytes` with the bodies of the functions whose names match one of `patterns` replaced by
 * `unreachable`; `stubbed` names them. */
export function stubFunctions(bytes, patterns) {
  const sections = sectionsOf(bytes);
  // Imported functions come first in the function index space.
  let imported = 0;
  const imports = sections.find((s) => s.id === 2);
  if (imports) {
    const q = reader(bytes, imports.start);
    for (let n = q.u(); n > 0; n--) {
      q.skipName(); q.skipName();
      const kind = bytes[q.p++];
      if (kind === 0) { imported++; q.u(); }
      else if (kind === 1) { q.p++; const f = q.u(); q.u(); if (f & 1) q.u(); }
      else if (kind === 2) { const f = q.u(); q.u(); if (f & 1) q.u(); }
      else if (kind === 3) { q.p += 2; }
      else if (kind === 4) { q.p++; q.u(); }
      else throw new Error(`alloc-failure: unknown import kind ${kind}`);
    }
  }
  const targets = new Map();
  for (const s of sections.filter((x) => x.id === 0)) {
    const q = reader(bytes, s.start);
    const nl = q.u();
    if (Buffer.from(bytes.subarray(q.p, q.p + nl)).toString() !== 'name') continue;
    q.p += nl;
    while (q.p < s.end) {
      const sub = bytes[q.p++];
      const sl = q.u();
      const se = q.p + sl;
      if (sub === 1) {
        for (let n = q.u(); n > 0; n--) {
          const index = q.u();
          const l = q.u();
          const name = Buffer.from(bytes.subarray(q.p, q.p + l)).toString();
          q.p += l;
          if (patterns.some((re) => re.test(name))) targets.set(index - imported, name);
        }
      }
      q.p = se;
    }
  }
  const code = sections.find((s) => s.id === 10);
  if (!code || targets.size === 0) return { bytes, stubbed: [] };
  const q = reader(bytes, code.start);
  const count = q.u();
  const body = [...leb(count)];
  const parts = [];
  for (let i = 0; i < count; i++) {
    const size = q.u();
    const from = q.p;
    q.p += size;
    // No locals; `unreachable`; `end`.
    if (targets.has(i)) parts.push(Uint8Array.from([3, 0, 0, 0x0b]));
    else parts.push(Uint8Array.from([...leb(size), ...bytes.subarray(from, q.p)]));
  }
  const payload = Buffer.concat([Uint8Array.from(body), ...parts]);
  const out = Buffer.concat([
    bytes.subarray(0, code.head),
    Uint8Array.from([10, ...leb(payload.length)]), payload, bytes.subarray(code.end),
  ]);
  return { bytes: out, stubbed: [...targets.values()] };
}
