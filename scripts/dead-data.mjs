// The data that outlives the code it belonged to. Once scripts/alloc-failure.mjs has stubbed the
// allocation-failure path and wasm-opt has dropped the formatting code only that path reached,
// their constants are still in the data section (wasm-opt never removes active data): the
// two-digit table of integer formatting, the "memory allocation of … bytes failed" and "capacity
// overflow" texts, and panic locations (a 16-byte record pointing to a `/rustc/…/*.rs` path); and
// the message of `RawVecInner::shrink`, stubbed by scripts/never-called.mjs. This step zeroes those
// of them that nothing refers to any more (zeros compress to almost nothing), measured: 253 B gzip
// off the monitoring wasm, and 23 B more for the shrink message.
//
// A candidate is kept when an address inside it (or up to 8 bytes before it) appears anywhere in
// the code (an `i32.const` or a load/store offset, read from `wasm-dis` text), or as a 32-bit word
// of data that is not itself zeroed. Only known kinds of leftovers are candidates, so a live
// object of another kind is never touched.
import { disassemble, reader, sections } from './wasm-read.mjs';

/** The active data segments: `{ addr, at, len }`, `at` being the file offset of the bytes. */
function segments(bytes) {
  const out = [];
  for (const sec of sections(bytes).filter((x) => x.id === 11)) {
    const r = reader(bytes, sec.start);
    for (let n = r.u(); n > 0; n--) {
      const flags = r.u();
      if (flags === 1) { const l = r.u(); r.p += l; continue; }
      if (flags === 2) r.u();
      if (bytes[r.p++] !== 0x41) throw new Error('dead-data: a data segment offset that is not i32.const');
      const addr = r.s();
      if (bytes[r.p++] !== 0x0b) throw new Error('dead-data: a data segment offset expression longer than i32.const');
      const l = r.u();
      out.push({ addr, at: r.p, len: l });
      r.p += l;
    }
  }
  return out;
}

/** Every address the code names: i32 constants and memory offsets outside the data segments. */
function codeRefs(wasmFile) {
  const refs = [];
  for (const line of disassemble(wasmFile, 'dead-data').split('\n')) {
    if (line.startsWith(' (data ')) continue;
    for (const m of line.matchAll(/i32\.const (-?\d+)|offset=(\d+)/g)) refs.push(Number(m[1] ?? m[2]));
  }
  return refs;
}

const PATH = /\/rustc\/[0-9a-f]{40}\/library\/[\w/]+\.rs/g;
const TEXTS = ['memory allocation of ', ' bytes failed', 'capacity overflow', 'Tried to shrink to a larger capacity'];
const DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join('');

/**
 * Zeroes, in `bytes` (the wasm in `wasmFile`, optimized, names kept or not), the leftovers that
 * nothing refers to; returns `{ bytes, zeroed }` (`zeroed`: how many bytes).
 */
export function zeroDeadData(bytes, wasmFile) {
  bytes = Buffer.from(bytes);
  const segs = segments(bytes);
  const word = (a) => bytes.readUInt32LE(a);
  const candidates = [];
  for (const s of segs) {
    const text = bytes.subarray(s.at, s.at + s.len).toString('latin1');
    const add = (i, len) => candidates.push({ addr: s.addr + i, at: s.at + i, len });
    for (const t of [...TEXTS, DIGITS]) {
      for (let i = text.indexOf(t); i >= 0; i = text.indexOf(t, i + 1)) add(i, t.length);
    }
    for (const m of text.matchAll(PATH)) add(m.index, m[0].length);
  }
  // Panic locations: {file pointer, file length, line, column} pointing at one of the paths.
  const paths = candidates.filter((c) => bytes.subarray(c.at, c.at + 7).toString() === '/rustc/');
  for (const s of segs) {
    for (let i = (4 - (s.addr % 4)) % 4; i + 16 <= s.len; i += 4) {
      const p = paths.find((c) => c.addr === word(s.at + i) && c.len === word(s.at + i + 4));
      if (p) candidates.push({ addr: s.addr + i, at: s.at + i, len: 16 });
    }
  }
  const code = codeRefs(wasmFile);
  let dead = candidates.filter((c) => !code.some((r) => r >= c.addr - 8 && r < c.addr + c.len));
  // Words of data that stays: a candidate they point into stays too (until nothing changes).
  for (let changed = true; changed;) {
    changed = false;
    const inDead = (a) => dead.some((c) => a >= c.at && a < c.at + c.len);
    const pointed = new Set();
    for (const s of segs) {
      for (let i = 0; i + 4 <= s.len; i++) {
        if (!inDead(s.at + i) && !inDead(s.at + i + 3)) pointed.add(word(s.at + i));
      }
    }
    const kept = dead.filter((c) => ![...pointed].some((a) => a >= c.addr && a < c.addr + c.len));
    changed = kept.length !== dead.length;
    dead = kept;
  }
  let zeroed = 0;
  for (const c of dead) { bytes.fill(0, c.at, c.at + c.len); zeroed += c.len; }
  return { bytes, zeroed };
}
