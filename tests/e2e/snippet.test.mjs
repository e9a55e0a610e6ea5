// The inline pre-load snippet: small, identical wherever it is shown (README, the example page),
// and doing what the loader expects of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { root } from './harness.mjs';

const built = readFileSync(join(root, 'dist', 'snippet.min.js'), 'utf8').trim();
const tag = `<script>${built}</script>`;

test('the minified snippet stays under 1 KB', () => {
  assert.ok(built.length > 100, 'the build produced it');
  assert.ok(Buffer.byteLength(tag) < 1024, `snippet tag is ${Buffer.byteLength(tag)} bytes`);
});

test('the README and the script-tag example show exactly the built snippet', () => {
  for (const file of ['README.md', 'www/examples/script-tag.html']) {
    const text = readFileSync(join(root, file), 'utf8');
    const shown = text.match(/<script>\(function\(.*?<\/script>/)?.[0];
    assert.equal(shown, tag, `${file} shows an outdated snippet: copy dist/snippet.min.js into it`);
  }
});

test('the snippet queues calls in order, stubs the getters, and leaves a loaded lpmon alone', async () => {
  const window = {};
  vm.runInNewContext(built, { window, Promise });
  const { lpmon } = window;
  const answer = lpmon.engage({ entryPoints: ['x'] });
  lpmon.push(['report', { engagementAttributes: [] }]);
  lpmon.report({ engagementAttributes: [{ type: 'searchInfo' }] });
  lpmon.setConsent('granted');
  lpmon.reset();
  assert.equal(lpmon.getVid(), undefined);
  assert.equal(lpmon.getSid(), undefined);
  assert.deepEqual(Array.from(lpmon.q, (e) => [e[0], e.length]),
    [['engage', 4], ['report', 2], ['report', 4], ['setConsent', 2], ['reset', 2]]);
  assert.equal(lpmon.q[3][1], 'granted');
  // What the loader does with an entry: settle its promise.
  lpmon.q[0][2]('answered');
  assert.equal(await answer, 'answered');
  lpmon._r(true);
  assert.equal(await lpmon.ready, true);

  // Run again (a second copy, or after lpmon loaded): nothing is replaced.
  const before = { ...lpmon };
  vm.runInNewContext(built, { window, Promise });
  assert.deepEqual({ ...window.lpmon }, before);
});
