// The published TypeScript types: `tsc --noEmit` (strict) over typed usage files that import
// 'lpmon' and 'lpmon/global' as a consumer would (through package.json exports). Each
// `// @ts-expect-error` line must be rejected, or tsc fails on the unused directive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

test('tsc --noEmit accepts the typed usage and rejects every wrong one', () => {
  const dir = join(root, 'tests', 'types');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  // Synchronous, so out of reach of the test's timeout: it has a limit of its own.
  const run = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', timeout: 180000, killSignal: 'SIGKILL' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const expected = ['usage.ts', 'script-tag-usage.ts']
    .map((f) => readFileSync(join(dir, f), 'utf8').match(/@ts-expect-error/g).length)
    .reduce((a, b) => a + b);
  assert.ok(expected >= 15, `wrong usages checked: ${expected}`);
});

test('the generated .d.ts spells the API out: no any in requests and answers', () => {
  const dts = readFileSync(join(root, 'pkg', 'lpmon.d.ts'), 'utf8');
  const api = dts.slice(0, dts.indexOf('export type InitInput'));
  assert.match(api, /engage\(request\?: EngageRequest\): Promise<EngageResult>;/);
  assert.match(api, /report\(request: ReportRequest\): Promise<ReportResult>;/);
  assert.match(api, /export function createMonitor\(config: MonitorConfig\): Monitor;/);
  assert.match(api, /export type Sde = CartSde \| PurchaseSde/);
  assert.doesNotMatch(api, /:\s*any\b/, 'no any in the public types');
});
