// The back/forward cache: a page using lpmon stays eligible for it (no `unload` listener, no Web
// Lock held while the page has no report in storage: Firefox caches no page holding one), and once
// restored its monitor answers calls as before. In Chromium the cache is switched back on
// (playwright-core switches it off) and CDP says why a page was not restored; Firefox and WebKit
// go through WebDriver. The pages come from a small server of the test's own: the emulator's site
// answers `Cache-Control: no-store`, which alone keeps a page out of the cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, extname, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { root, startEmulator, control, within, ACCOUNT, APP } from './harness.mjs';
import { BROWSERS, openBrowser } from './browsers.mjs';

const T = { timeout: 60000 };
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

/** The page: lpmon from /pkg/index.js (the npm entry), `go(calls)` makes a monitor and, with
 * `calls`, an engage and a report; `pageshow` events are kept with their `persisted` flag. */
const page = (api) => `<!doctype html><meta charset="utf-8"><title>bfcache</title>
<script type="module">
import init, { createMonitor } from '/pkg/index.js';
window.shows = [];
addEventListener('pageshow', (e) => window.shows.push(e.persisted));
window.go = async (calls) => {
  await init();
  window.m = createMonitor({ accountId: '${ACCOUNT}', appInstallationId: '${APP}', domain: '${api}' });
  if (calls) {
    await window.m.engage({});
    await window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: ['before-bfcache'] }] });
  }
  return window.m.getVid() ?? null;
};
window.ready = true;
</script>`;

let emu, ctl, server, site, browser;
before(async () => {
  emu = await startEmulator();
  ctl = control(emu.api);
  server = createServer((req, res) => {
    const path = normalize(new URL(req.url, 'http://x').pathname);
    if (path === '/page.html' || path === '/other.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(path === '/page.html' ? page(emu.api) : '<!doctype html><p>another page</p>');
    }
    const file = join(root, path);
    if (!/^\/(js|pkg)\//.test(path) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  site = `http://127.0.0.1:${server.address().port}`;
  if (BROWSERS.includes('chromium')) {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  }
});
after(async () => {
  await within(browser?.close(), 15000, 'closing the browser');
  server?.close();
  await emu?.stop();
});

/** Opens the page, runs `go(calls)` (unless `calls` is null), leaves for another page and comes
 * back: whether the page was restored from the cache, and why not if it was not. */
async function roundTrip(calls) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(site + '/page.html');
  await tab.waitForFunction(() => window.ready);
  const vid = calls === null ? null : await tab.evaluate((c) => window.go(c), calls);
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Page.enable');
  const reasons = [];
  cdp.on('Page.backForwardCacheNotUsed', (e) => reasons.push(...e.notRestoredExplanations.map((x) => x.reason)));
  await tab.goto(site + '/other.html');
  // A restored page fires pageshow, not load.
  await tab.goBack({ waitUntil: 'commit' });
  // Restored: a second pageshow, persisted. Not restored: a fresh page, loaded, with one.
  await tab.waitForFunction(() => window.shows && (window.shows.at(-1) === true
    || (document.readyState === 'complete' && window.shows.length === 1)), null, { timeout: 10000 });
  return { context, tab, vid, reasons, shows: await tab.evaluate(() => window.shows) };
}

/** In the page after a restore: an engage and a report, and the visitor ids it sees. */
const AFTER = async () => {
  const [engaged] = await Promise.race([
    Promise.all([window.m.engage({}), window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: ['after-bfcache'] }] })]),
    new Promise((resolve) => setTimeout(() => resolve(['no answer in 5 s']), 5000)),
  ]);
  return { vid: engaged.visitorId ?? engaged, current: window.m.getVid() };
};
const afterReports = async () => (await ctl.requests()).filter((r) => r.path.endsWith('/report') && JSON.stringify(r.body).includes('after-bfcache'));

if (BROWSERS.includes('chromium')) test('the page without lpmon is restored from the back/forward cache (the check itself works)', T, async () => {
  const { context, shows, reasons } = await roundTrip(null);
  assert.deepEqual(shows, [false, true], `not restored: ${reasons.join(', ')}`);
  await context.close();
});

if (BROWSERS.includes('chromium')) test('a page whose monitor has engaged and reported is restored from the back/forward cache, and its monitor still answers', T, async () => {
  await ctl.reset();
  const { context, tab, vid, shows, reasons } = await roundTrip(true);
  assert.deepEqual(shows, [false, true], `not restored: ${reasons.join(', ')}`);
  const after = await tab.evaluate(AFTER);
  assert.equal(after.vid, vid);
  assert.equal(after.current, vid);
  assert.deepEqual((await afterReports()).map((r) => r.status), [200]);
  await context.close();
});

for (const name of BROWSERS.filter((b) => b !== 'chromium')) {
  test(`in ${name}: a page whose monitor has engaged and reported is restored from the back/forward cache, and its monitor still answers`, T, async () => {
    await ctl.reset();
    const wd = await openBrowser(name);
    try {
      const tab = await wd.newTab();
      await tab.goto(site + '/page.html');
      await tab.waitFor(() => window.ready);
      const vid = await tab.evaluate((c) => window.go(c), true);
      await tab.goto(site + '/other.html');
      await tab.back();
      // Restored: a second pageshow, persisted. Not restored: a fresh page with one.
      await tab.waitFor(() => window.shows && (window.shows.at(-1) === true
        || (document.readyState === 'complete' && window.shows.length === 1)));
      assert.deepEqual(await tab.evaluate(() => window.shows), [false, true], 'restored from the back/forward cache');
      const after = await tab.evaluate(AFTER);
      assert.equal(after.vid, vid);
      assert.equal(after.current, vid);
      assert.deepEqual((await afterReports()).map((r) => r.status), [200]);
      await tab.close();
    } finally {
      await within(wd.close(), 15000, 'closing the browser');
    }
  });
}
