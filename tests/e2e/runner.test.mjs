// The test runner's own guard (scripts/tools.mjs `tee`, which runs every step of `npm test`): a
// step that hangs is stopped at its limit and fails, and what a step leaves running behind it
// neither keeps the step from ending nor outlives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tee } from '../../scripts/tools.mjs';

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
