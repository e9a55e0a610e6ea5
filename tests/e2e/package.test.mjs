// The published package: what `npm pack` puts in it, how Node resolves it, server-side
// rendering (importing lpmon where there is no browser must not touch `window`, and using it there
// fails with an LpmonError of kind "config"), and the tarball installed into an empty folder and
// used in headless Chromium against the emulator: the monitor, the agent client and the helpers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { root, startEmulator, launchBrowser, control, within, ACCOUNT, APP } from './harness.mjs';
import { installPacked, installClean, spa } from './packed.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

// What a plain `wasm-pack build` writes into its output folders; npm would honour it and leave
// pkg/agent/ out of the tarball. Packing must not depend on what pkg/ held before.
const STRAY = [join(root, 'pkg', '.gitignore'), join(root, 'pkg', 'agent', '.gitignore')];

let packed;
before(() => {
  for (const path of STRAY) writeFileSync(path, '*\n');
  packed = installPacked();
});

test('npm pack ships the ESM entry, its types, the wasm and the script-tag files, and nothing else', T, () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md', 'dist/lpmon-debug.js', 'dist/lpmon.js', 'dist/lpmon_bg.wasm', 'dist/lpmon_glue.js', 'dist/snippet.min.js',
    'js/global.d.ts', 'js/index.d.ts', 'package.json',
    'pkg/agent/lpmon_agent.d.ts', 'pkg/agent/lpmon_agent.js', 'pkg/agent/lpmon_agent_bg.wasm',
    'pkg/index.js', 'pkg/lpmon.d.ts', 'pkg/lpmon_bg.wasm',
  ]);
  const meta = JSON.parse(readFileSync(join(spa, 'node_modules', 'lpmon', 'package.json'), 'utf8'));
  assert.equal(meta.type, 'module');
  assert.equal(meta.sideEffects, false);
  assert.match(meta.engines.node, /^>=\d+/);
  assert.deepEqual(meta.exports['.'], { types: './js/index.d.ts', default: './pkg/index.js' });
  assert.deepEqual(meta.exports['./global'], { types: './js/global.d.ts' });
  // Every file the exports and the entry's imports name is in the package. The entry is one
  // bundled module (js/index.js with the glue, track.js and audit.js): one module request, not four.
  for (const target of ['pkg/index.js', 'js/index.d.ts', 'js/global.d.ts', 'pkg/lpmon.d.ts', 'pkg/lpmon_bg.wasm', 'pkg/agent/lpmon_agent.js']) {
    assert.ok(files.includes(target), target);
  }
  // Most of it is the agent wasm, which only agent tools ever fetch.
  assert.ok(packed.size < 400 * 1024, `tarball size ${packed.size}`);
  // Exactly what package.json `files` names (npm adds the manifest and the README), although
  // stray ignore files were planted in pkg/ before packing; packing removed them.
  const { files: named } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(files, [...named, 'README.md', 'package.json'].sort());
  for (const path of STRAY) assert.equal(existsSync(path), false, `${relative(root, path)} is gone`);
  // Nothing is empty (a file the build failed to write would still be listed if it existed).
  for (const f of packed.files) assert.ok(f.size > 0, `${f.path} is empty`);
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
  // Synchronous, so out of reach of the test's timeout: it has a limit of its own.
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', timeout: 120000, killSignal: 'SIGKILL' });
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

// ---- the tarball in an empty folder, used in a browser -----------------------------------------

const BEARER = 'emulator-agent-token';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('the tarball installed into an empty folder runs in Chromium: createMonitor, createAgentClient().visitInfo(), conversationContext', T, async (t) => {
  const { dir, entry } = installClean(packed.tarball);
  // Node resolved 'lpmon' through the installed package's exports; the page imports it by that path.
  const entryPath = relative(dir, fileURLToPath(entry));
  assert.equal(entryPath, join('node_modules', 'lpmon', 'pkg', 'index.js'));
  writeFileSync(join(dir, 'index.html'), `<!doctype html>
<meta charset="utf-8">
<title>lpmon from its tarball</title>
<script type="importmap">${JSON.stringify({ imports: { lpmon: './' + entryPath } })}</script>
<script type="module">
  import init, * as lpmon from 'lpmon';
  window.packed = { init, lpmon };
  document.body.dataset.ready = 'yes';
</script>
<body></body>
`);

  // The folder is served by a static server of its own on loopback (a page from loopback may call
  // the emulator; the API stays on another origin, so CORS is real). Every file it serves is
  // recorded; nothing else serves the page, so the repository's own pkg/ and js/ cannot stand in.
  const served = [];
  const files = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(dir + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    const body = readFileSync(path);
    served.push({ path: relative(dir, path), sha: sha(body) });
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise((ok) => files.listen(0, '127.0.0.1', ok));
  // Hooks run in the order given, so the browser is still open here: its keep-alive sockets go too.
  t.after(() => new Promise((ok) => { files.close(() => ok()); files.closeAllConnections(); }));
  const emu = await startEmulator();
  t.after(() => emu.stop());
  const browser = await launchBrowser();
  t.after(() => within(browser.close(), 15000, 'closing the browser'));
  const ctl = control(emu.api);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${files.address().port}/index.html`);
  await page.waitForSelector('body[data-ready=yes]', { state: 'attached' });

  const r = await page.evaluate(async ([api, account, app, bearer]) => {
    const { init, lpmon } = window.packed;
    try {
      await init();
      const monitor = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api });
      const engaged = await monitor.engage({ entryPoints: [location.href, 'sec://packed'] });
      const start = lpmon.conversationContext(engaged, { lang: 'en-US' });
      const agent = lpmon.createAgentClient({ accountId: account, domain: api, auth: { bearer } });
      const visit = await agent.visitInfo({ visitorId: monitor.getVid(), sessionId: monitor.getSid() });
      return { ok: { vid: monitor.getVid(), sid: monitor.getSid(), engaged, start, visit } };
    } catch (e) {
      return { err: { name: e.name, kind: e.kind, status: e.status, message: e.message } };
    }
  }, [emu.api, ACCOUNT, APP, BEARER]);
  assert.ok(r.ok, JSON.stringify(r.err));
  const { vid, sid, engaged, start, visit } = r.ok;

  // The monitor: a new session, and an engagement to show.
  assert.equal(engaged.created, true);
  assert.equal(engaged.visitorId, vid);
  assert.equal(engaged.sessionId, sid);
  const offer = engaged.engagementDetails.find((d) => d.status === 'expose');
  assert.ok(offer, JSON.stringify(engaged));
  // The conversation helper: the ids of that engagement and session.
  assert.deepEqual(start, {
    campaignInfo: { campaignId: offer.campaignId, engagementId: offer.engagementId },
    conversationContext: { type: 'SharkContext', visitorId: vid, sessionId: sid, interactionContextId: offer.contextId, lang: 'en-US' },
  });
  // The agent client (its own wasm, fetched on first use): the session just made.
  assert.equal(visit.id, sid);
  assert.equal(visit.appSessions[0].pages[0].pageBasic.sections[0], 'packed');

  const log = await ctl.requests();
  assert.deepEqual(log.map((x) => [x.endpoint, x.status]), [['engagement', 201], ['visit', 200]]);
  assert.deepEqual(log[1].query, { v: '1', sid, filter: 'agent' });
  assert.deepEqual(log[0].body.clientProperties, { deviceFamily: 'DESKTOP', os: 'LINUX', osName: 'LINUX' });

  // Everything came from the installed package, and it is what this repository built.
  // The monitor came from one module, the bundled entry; the agent client from its own, on first use.
  const js = served.filter((f) => f.path.endsWith('.js'));
  assert.deepEqual(js.map((f) => f.path), [
    join('node_modules', 'lpmon', 'pkg', 'index.js'),
    join('node_modules', 'lpmon', 'pkg', 'agent', 'lpmon_agent.js'),
  ]);
  assert.equal(js[0].sha, sha(readFileSync(join(root, 'pkg', 'index.js'))));
  const wasm = served.filter((f) => f.path.endsWith('.wasm'));
  assert.deepEqual(wasm.map((f) => f.path), [
    join('node_modules', 'lpmon', 'pkg', 'lpmon_bg.wasm'),
    join('node_modules', 'lpmon', 'pkg', 'agent', 'lpmon_agent_bg.wasm'),
  ]);
  assert.equal(wasm[0].sha, sha(readFileSync(join(root, 'pkg', 'lpmon_bg.wasm'))));
  assert.equal(wasm[1].sha, sha(readFileSync(join(root, 'pkg', 'agent', 'lpmon_agent_bg.wasm'))));
  assert.ok(served.every((f) => f.path === 'index.html' || f.path.startsWith(join('node_modules', 'lpmon') + '/')), JSON.stringify(served));
  assert.deepEqual(errors, []);
});
