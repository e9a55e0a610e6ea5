// The size gate: what every page view downloads (the .wasm, the JS glue and the script-tag loader,
// gzip -9) must stay within lpmon's budget. Reads dist/sizes.json, written by scripts/build.mjs.
// Exits non-zero when the budget is crossed; the goal is printed for orientation only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './tools.mjs';

export const BUDGET = 40 * 1024;
export const GOAL = 18 * 1024;
const PARTS = ['wasm', 'glue', 'loader'];

/** The report lines and the verdict for `sizes` (the object in dist/sizes.json). */
export function judge(sizes) {
  const missing = PARTS.filter((k) => !Number.isInteger(sizes[k]?.gzip));
  if (missing.length) return { ok: false, lines: [`size gate: dist/sizes.json has no gzip size for ${missing.join(', ')}`] };
  const total = PARTS.reduce((n, k) => n + sizes[k].gzip, 0);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const lines = PARTS.map((k) => `  ${k.padEnd(7)} ${String(sizes[k].gzip).padStart(6)} B gzip`);
  lines.push(`  total   ${String(total).padStart(6)} B gzip (${kb(total)})`);
  const ok = total <= BUDGET;
  const goal = total <= GOAL ? `the ${kb(GOAL)} goal is met` : `${kb(total - GOAL)} above the ${kb(GOAL)} goal`;
  lines.push(ok
    ? `ok: ${BUDGET - total} B under the ${kb(BUDGET)} budget (${BUDGET} B); ${goal}`
    : `FAIL: ${total - BUDGET} B over the ${kb(BUDGET)} budget (${BUDGET} B); ${goal}`);
  return { ok, total, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let sizes;
  try {
    sizes = JSON.parse(readFileSync(join(root, 'dist', 'sizes.json'), 'utf8'));
  } catch (e) {
    console.error(`size gate: cannot read dist/sizes.json (run node scripts/build.mjs first): ${e.message}`);
    process.exit(1);
  }
  const { ok, lines } = judge(sizes);
  console.log('lpmon size gate (gzip -9 of what a page downloads):');
  for (const l of lines) console.log(l);
  process.exit(ok ? 0 : 1);
}
