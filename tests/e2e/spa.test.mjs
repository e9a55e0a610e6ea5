// The npm package in a real app: www/spa-example (Vite + React) installs lpmon from the packed
// tarball, is built with `vite build`, and is driven in headless Chromium. The emulator's site
// listener serves the built app; its API answers on the other origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, launchBrowser, control, calls, eventually, root } from './harness.mjs';
import { installPacked, spa } from './packed.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

let emu, browser, ctl;
before(async () => {
  installPacked();
  const build = spawnSync(process.execPath, [join(spa, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: spa, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stdout + build.stderr);
  emu = await startEmulator();
  ctl = control(emu.api);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await emu?.stop();
});

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

test('the React app engages on every route change and reports its cart', T, async () => {
  await ctl.reset();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wasm = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('.wasm')) wasm.push({ path: new URL(r.url()).pathname, type: r.headers()['content-type'], sha: sha(await r.body()) });
  });
  const app = emu.site + '/spa-example/dist/';
  await page.goto(app);
  await page.waitForSelector('#status:text("engaged on home")', { timeout: 10000 });

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
  assert.equal(await page.textContent('#vid'), vid);
  assert.ok(await page.isVisible('#message-us'), 'the offer is shown');

  // Route change → a new engage with the new URL and section, in the same session.
  await page.click('a[data-route="/tents"]');
  await page.waitForSelector('#status:text("engaged on tents")');
  const tents = (await engagements())[1];
  assert.deepEqual(tents.body.entryPoints, [app + 'tents', 'sec://tents']);
  assert.equal(tents.query.vid, vid);
  assert.equal(tents.status, 200);

  // The cart SDE, reported on each change.
  await page.click('button[data-sku="BC3P"]');
  await page.waitForSelector('#status:text("cart reported (1 lines)")');
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
  await page.waitForSelector('#status:text("engaged on cart")');
  await page.goBack();
  await page.waitForSelector('#status:text("engaged on tents")');
  const all = await engagements();
  assert.deepEqual(all.map((e) => e.body.entryPoints[1]), ['sec://home', 'sec://tents', 'sec://cart', 'sec://tents']);
  assert.ok(all.every((e) => e.status === 201 || e.query.vid === vid));
  assert.equal((await ctl.stats()).sessionsCreated, 1);
  assert.deepEqual(errors, []);
  await page.close();
});
