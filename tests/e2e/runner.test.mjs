// The test runner's own guard (scripts/tools.mjs `tee`, which runs every step of `npm test`): a
// step that hangs is stopped at its limit and fails, and what a step leaves running behind it
// neither keeps the step from ending nor outlives it; and a failed test's error reaches the
// summary at the end of the run (scripts/tap-failures.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tee } from '../../scripts/tools.mjs';
import { tapFailures } from '../../scripts/tap-failures.mjs';

/** Whether `pid` still runs (a zombie does not: once killed, it waits only for its reaper). */
const alive = (pid) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('a step past its limit is stopped with everything it started, and fails', { timeout: 30000 }, async () => {
  const t = Date.now();
  // The step prints the PID of a child it started, then both wait far beyond the limit.
  const { code, out } = await tee('bash', ['-c', 'sleep 300 & echo "child $!"; wait'], { limitMs: 1500 });
  const seconds = (Date.now() - t) / 1000;
  assert.notEqual(code, 0);
  assert.match(out, /ran past its limit of 0\.025 min and was stopped/);
  assert.ok(seconds < 10, `ended after ${seconds} s`);
  const child = Number(out.match(/child (\d+)/)[1]);
  assert.equal(alive(child), false, 'the step\'s child was stopped too');
});

test('a step that exits leaving a process behind ends at once, and the process is stopped', { timeout: 30000 }, async () => {
  const t = Date.now();
  // The leftover keeps the step's output pipes open: waiting for them would wait 300 s.
  const { code, out } = await tee('bash', ['-c', 'sleep 300 & echo "left $!"; exit 3'], {});
  const seconds = (Date.now() - t) / 1000;
  assert.equal(code, 3);
  assert.ok(seconds < 10, `ended after ${seconds} s`);
  const left = Number(out.match(/left (\d+)/)[1]);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(alive(left), false, 'the process left behind was stopped');
});

test('the summary names each failed test by its suite, file and line, with its error', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lpmon-tap-'));
  try {
    writeFileSync(join(dir, 'a.test.mjs'), [
      "import { describe, test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "describe('delivery in firefox', () => {",
      "  test('passes', () => {});",
      "  test('counts', () => assert.deepEqual([200, 200], [200], 'hide-first'));",
      "  test(\"it's late\", () => { throw new Error('timed out waiting for all three: [503]'); });",
      '});',
    ].join('\n'));
    const tap = join(dir, 'out.tap');
    // Without NODE_TEST_CONTEXT the child is a run of its own, as a step of `npm test` is.
    const { NODE_TEST_CONTEXT, ...env } = process.env;
    const { code } = await tee('node', ['--test', '--test-reporter=tap', '--test-reporter-destination=' + tap, join(dir, 'a.test.mjs')], { env });
    assert.notEqual(code, 0);
    const found = tapFailures(tap, { root: dir });
    assert.equal(found.length, 2, JSON.stringify(found));
    assert.equal(found[0][0], '✖ delivery in firefox › counts (a.test.mjs:5:3)');
    assert.equal(found[0][1].trim(), 'hide-first');
    assert.ok(found[0].some((l) => l.trim() === '+   200,'), JSON.stringify(found[0]));
    assert.deepEqual(found[1], ["✖ delivery in firefox › it's late (a.test.mjs:6:3)", '    timed out waiting for all three: [503]']);
    const one = tapFailures(tap, { root: dir, max: 1 });
    assert.deepEqual(one.map((f) => f[0]), [found[0][0], '… and 1 more failed (test-output/*.tap has them all)']);
    assert.deepEqual(tapFailures(join(dir, 'missing.tap')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
