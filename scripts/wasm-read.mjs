// Reading a wasm file, for the post-link steps of scripts/build.mjs (alloc-failure.mjs,
// never-called.mjs, dead-data.mjs): a LEB128 cursor, the section list, and the text form.
import { spawnSync } from 'node:child_process';
import { env, root } from './tools.mjs';

/** A cursor at `p` in `bytes`: `u()` unsigned and `s()` signed LEB128, `skipName()`. */
export function reader(bytes, p) {
  const r = {
    p,
    u() { let v = 0, s = 0, x; do { x = bytes[r.p++]; v += (x & 127) * 2 ** s; s += 7; } while (x & 128); return v; },
    s() { let v = 0, s = 0, x; do { x = bytes[r.p++]; v += (x & 127) * 2 ** s; s += 7; } while (x & 128); return (x & 64) ? v - 2 ** s : v; },
    skipName() { const n = r.u(); r.p += n; },
  };
  return r;
}

/** The sections of `bytes`: `{ id, head, start, end }` (`head`: the id byte; `start`: the content). */
export function sections(bytes) {
  const out = [];
  const r = reader(bytes, 8);
  while (r.p < bytes.length) {
    const head = r.p;
    const id = bytes[r.p++];
    const len = r.u();
    out.push({ id, head, start: r.p, end: r.p + len });
    r.p += len;
  }
  return out;
}

/** The text form of `wasmFile` (binaryen's wasm-dis); `who` names the step in a failure. */
export function disassemble(wasmFile, who) {
  const dis = spawnSync('wasm-dis', [wasmFile], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (dis.status !== 0) throw new Error(`${who}: wasm-dis failed (exit ${dis.status})`);
  return dis.stdout;
}
