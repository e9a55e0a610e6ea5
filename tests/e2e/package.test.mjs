// The published package: what `npm pack` puts in it, how Node resolves it, and server-side
// rendering: importing lpmon where there is no browser must not touch `window`, and using it
// there fails with an LpmonError of kind "config".
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './harness.mjs';
import { installPacked, spa } from './packed.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

let packed;
before(() => {
  packed = installPacked();
});

test('npm pack ships the ESM entry, its types, the wasm and the script-tag files, and nothing else', T, () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md', 'dist/lpmon-debug.js', 'dist/lpmon.js', 'dist/lpmon_bg.wasm', 'dist/lpmon_glue.js', 'dist/snippet.min.js',
    'js/audit.js', 'js/global.d.ts', 'js/index.d.ts', 'js/index.js', 'js/track.js', 'package.json',
    'pkg/agent/lpmon_agent.d.ts', 'pkg/agent/lpmon_agent.js', 'pkg/agent/lpmon_agent_bg.wasm',
    'pkg/lpmon.d.ts', 'pkg/lpmon.js', 'pkg/lpmon_bg.wasm',
  ]);
  const meta = JSON.parse(readFileSync(join(spa, 'node_modules', 'lpmon', 'package.json'), 'utf8'));
  assert.equal(meta.type, 'module');
  assert.equal(meta.sideEffects, false);
  assert.match(meta.engines.node, /^>=\d+/);
  assert.deepEqual(meta.exports['.'], { types: './js/index.d.ts', default: './js/index.js' });
  assert.deepEqual(meta.exports['./global'], { types: './js/global.d.ts' });
  // Every file the exports and the entry's imports name is in the package.
  for (const target of ['js/index.js', 'js/track.js', 'js/audit.js', 'js/index.d.ts', 'js/global.d.ts', 'pkg/lpmon.js', 'pkg/lpmon.d.ts', 'pkg/lpmon_bg.wasm', 'pkg/agent/lpmon_agent.js']) {
    assert.ok(files.includes(target), target);
  }
  // Most of it is the agent wasm, which only agent tools ever fetch.
  assert.ok(packed.size < 400 * 1024, `tarball size ${packed.size}`);
});

/** Runs an ES module snippet in a fresh Node with `window`, `document`, `self` and storage trapped. */
function inNode(cwd, body) {
  const script = `
    for (const name of ['window', 'document', 'self', 'localStorage', 'sessionStorage', 'navigator']) {
      Object.defineProperty(globalThis, name, { configurable: true, get() { throw new Error(name + ' was touched'); } });
    }
    const out = {};
    const failure = (e) => ({ name: e.name, kind: e.kind, message: e.message });
    ${body}
    console.log(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

const USE_LPMON = `
    out.exports = Object.keys(lpmon).sort();
    try { lpmon.createMonitor({ accountId: '12345678', appInstallationId: 'x' }); out.create = 'created'; } catch (e) { out.create = failure(e); }
    try { lpmon.createAgentClient({ accountId: '12345678', auth: { bearer: 't' } }); out.agent = 'created'; } catch (e) { out.agent = failure(e); }
    try { lpmon.conversationContext({}); out.helper = 'answered'; } catch (e) { out.helper = failure(e); }
    out.init = await lpmon.default().then(() => 'resolved', failure);`;

test('importing the installed package in Node touches no browser global; its functions fail with a config error', T, () => {
  const out = inNode(spa, `const lpmon = await import('lpmon');${USE_LPMON}`);
  assert.deepEqual(out.exports, ['clientPropertiesHeader', 'conversationContext', 'createAgentClient', 'createMonitor', 'debug', 'default']);
  for (const call of [out.create, out.init, out.agent, out.helper]) {
    assert.equal(call.name, 'LpmonError');
    assert.equal(call.kind, 'config');
    assert.match(call.message, /runs in a browser/);
  }
});

test('the repository entry (js/index.js) behaves the same', T, () => {
  const entry = pathToFileURL(join(root, 'js', 'index.js')).href;
  const out = inNode(root, `const lpmon = await import(${JSON.stringify(entry)});${USE_LPMON}`);
  assert.equal(out.create.kind, 'config');
  assert.equal(out.init.kind, 'config');
});

test('server-side rendering a React component of the example app that uses lpmon works', T, () => {
  const monitor = pathToFileURL(join(spa, 'src', 'monitor.js')).href;
  const out = inNode(spa, `
    const React = await import('react');
    const { renderToString } = await import('react-dom/server');
    const { monitor } = await import(${JSON.stringify(monitor)});
    function Page() {
      // Effects do not run on the server: the monitor is only asked for in the browser.
      React.useEffect(() => { monitor(); }, []);
      return React.createElement('p', null, 'rendered on the server');
    }
    out.html = renderToString(React.createElement(Page));`);
  assert.equal(out.html, '<p>rendered on the server</p>');
});
