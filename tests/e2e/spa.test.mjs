// The npm package in a real app: www/spa-example (Vite + React) installs lpmon from the packed
// tarball, is built with `vite build` (once), and is driven in every browser. The emulator's site
// listener serves the built app (through the test's site proxy); its API answers on the other origin.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowserSuite, closeBrowserSuite, calls, eventually, root } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';
import { installPacked, spa } from './packed.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

before(() => {
  installPacked();
  const build = spawnSync(process.execPath, [join(spa, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: spa, encoding: 'utf8', timeout: 180000, killSignal: 'SIGKILL' }); // synchronous: its own limit
  assert.equal(build.status, 0, build.stdout + build.stderr);
});

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

for (const name of BROWSERS) describe(`the Vite app in ${name}`, () => {
let ctl, browser, site, context;
let suite;
before(async () => ({ ctl, browser, site } = suite = await openBrowserSuite(name)));
after(async () => {
  await context?.close();
  await closeBrowserSuite(suite);
});

test('the React app engages on every route change and reports its cart', T, async () => {
  await ctl.reset();
  site.clear();
  context = await browser.newContext();
  const page = await context.newTab();
  const errors = () => [...page.errors, ...site.errors];
  /** Waits until #status says `text`. */
  const status = (text, timeout) => page.waitFor((t) => (document.querySelector('#status')?.textContent ?? '').includes(t), text, { timeout });
  const app = site.origin + '/spa-example/dist/';
  await page.goto(app);
  await status('engaged on home', 10000);
  const wasm = site.journal.filter((r) => r.path.endsWith('.wasm')).map((r) => ({ path: r.path, type: r.contentType, sha: r.sha256 }));

  // The .wasm came with the app's assets, and it is the one this repository just built.
  assert.equal(wasm.length, 1);
  assert.match(wasm[0].path, /^\/spa-example\/dist\/assets\/lpmon_bg-[\w-]+\.wasm$/);
  assert.equal(wasm[0].type, 'application/wasm');
  assert.equal(wasm[0].sha, sha(readFileSync(join(root, 'pkg', 'lpmon_bg.wasm'))));

  const engagements = () => calls(ctl, 'engagement');
  const [home] = await engagements();
  assert.equal(home.status, 201);
  assert.deepEqual(home.body.entryPoints, [app, 'sec://home']);
  assert.deepEqual(home.body.clientProperties, { deviceFamily: 'DESKTOP', os: 'LINUX', osName: 'LINUX' });
  const vid = home.answer.visitorId;
  assert.equal(await page.text('#vid'), vid);
  assert.ok(await page.visible('#message-us'), 'the offer is shown');

  // Route change → a new engage with the new URL and section, in the same session.
  await page.click('a[data-route="/tents"]');
  await status('engaged on tents');
  const tents = (await engagements())[1];
  assert.deepEqual(tents.body.entryPoints, [app + 'tents', 'sec://tents']);
  assert.equal(tents.query.vid, vid);
  assert.equal(tents.status, 200);

  // The cart SDE, reported on each change.
  await page.click('button[data-sku="BC3P"]');
  await status('cart reported (1 lines)');
  await page.click('button[data-sku="BC3P"]');
  const reports = await eventually(async () => {
    const r = await calls(ctl, 'report');
    return r.length === 2 && r;
  }, 5000, 'two cart reports');
  assert.deepEqual(reports[1].body.engagementAttributes, [{
    type: 'cart', currency: 'USD', total: 698, numItems: 2,
    products: [{ product: { name: 'Basecamp 3P', category: 'tents', sku: 'BC3P', price: 349 }, quantity: 2 }],
  }]);
  assert.equal(reports[1].headers['x-http-method-override'], 'PUT');
  assert.equal(reports[1].query.vid, vid);
  assert.equal(reports[1].status, 200);

  // Cart, then the browser's back button: both are route changes.
  await page.click('a[data-route="/cart"]');
  await status('engaged on cart');
  await page.back();
  await status('engaged on tents');
  const all = await engagements();
  assert.deepEqual(all.map((e) => e.body.entryPoints[1]), ['sec://home', 'sec://tents', 'sec://cart', 'sec://tents']);
  assert.ok(all.every((e) => e.status === 201 || e.query.vid === vid));
  assert.equal((await ctl.stats()).sessionsCreated, 1);
  assert.deepEqual(errors(), []);
  await page.close();
});
});
