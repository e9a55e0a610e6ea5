// Domain discovery in the browser: a script tag with data-csds and no data-domain asks CSDS once
// per account, keeps the answer (memory + localStorage, 24 h) and falls back to it when CSDS fails.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, calls, ACCOUNT } from './harness.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

const KEY = `lpmon:csds:${ACCOUNT}`;
const DAY = 24 * 60 * 60 * 1000;
let emu, browser, ctl, context;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite()));
after(() => closeSuite(suite));
beforeEach(async () => {
  await context?.close();
  await ctl.reset();
  await ctl.clearFaults();
  context = await browser.newContext();
});

async function open() {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.lpmonEvents = [];
    addEventListener('lpmon', (e) => window.lpmonEvents.push(e.detail.name));
  });
  await page.goto(emu.site + '/examples/csds.html');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  return { page, errors };
}

/** engage + report from the page; errors come back as {kind, message}. */
const activity = (page) => page.evaluate(async () => {
  try {
    const a = await lpmon.engage({ entryPoints: [location.href] });
    await lpmon.report({ engagementAttributes: [{ type: 'searchInfo', keywords: ['csds'] }] });
    return { vid: a.visitorId };
  } catch (e) {
    return { error: { name: e.name, kind: e.kind, status: e.status } };
  }
});

const csdsCalls = (ctl) => calls(ctl, 'baseURI.json');

test('with no domain lpmon asks CSDS once for smt and sends the calls to the host it names', T, async () => {
  const { page, errors } = await open();
  const [a, b] = [await activity(page), await activity(page)];
  assert.ok(a.vid && b.vid, JSON.stringify([a, b]));
  const asked = await csdsCalls(ctl);
  assert.equal(asked.length, 1, 'one look-up for four calls');
  assert.equal(asked[0].path, `/api/account/${ACCOUNT}/service/smt/baseURI.json`);
  assert.equal(asked[0].query.version, '1.0');
  assert.equal(asked[0].status, 200);
  assert.equal((await calls(ctl, 'engagement')).length, 2);
  assert.equal((await calls(ctl, 'report')).length, 2);
  const stored = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY));
  assert.equal(stored.origin, emu.api);
  assert.ok(Math.abs(stored.at - Date.now()) < 60000);

  // A reload (a new page of the same browser profile) uses the stored answer.
  await page.reload();
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  assert.ok((await activity(page)).vid);
  assert.equal((await csdsCalls(ctl)).length, 1, 'no second look-up within the day');
  assert.deepEqual(errors, []);
});

test('a stored answer older than a day is asked again; when CSDS then fails the old answer is used', T, async () => {
  const { page } = await open();
  await activity(page);
  const age = (ms) => page.evaluate(([k, ms]) => {
    const v = JSON.parse(localStorage.getItem(k));
    v.at = Date.now() - ms;
    localStorage.setItem(k, JSON.stringify(v));
  }, [KEY, ms]);

  // Stale and CSDS down: the calls still go out, to the stored host, and lpmon says so.
  await age(DAY + 60000);
  await ctl.fault({ match: { endpoint: 'csds' }, status: 503 });
  await page.reload();
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  const during = await activity(page);
  assert.ok(during.vid, JSON.stringify(during));
  const asked = await csdsCalls(ctl);
  assert.equal(asked.length, 2);
  assert.equal(asked[1].status, 503);
  assert.ok((await page.evaluate(() => window.lpmonEvents)).includes('CSDS_FALLBACK'));

  // Stale and CSDS back: asked again, and the fresh answer is stored.
  await ctl.clearFaults();
  await age(DAY + 60000);
  await page.reload();
  await page.evaluate(() => lpmon.ready);
  assert.ok((await activity(page)).vid);
  assert.equal((await csdsCalls(ctl)).length, 3);
  const stored = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), KEY));
  assert.ok(Date.now() - stored.at < 60000, 'the entry was refreshed');
  assert.ok(!(await page.evaluate(() => window.lpmonEvents)).includes('CSDS_FALLBACK'));
});

test('with nothing stored and CSDS failing the calls reject and nothing reaches the Monitoring API', T, async () => {
  await ctl.fault({ match: { endpoint: 'csds' }, status: 500, times: 10 });
  const { page, errors } = await open();
  const out = await activity(page);
  assert.equal(out.error?.name, 'LpmonError');
  assert.equal(out.error.kind, 'http');
  assert.equal(out.error.status, 500);
  assert.equal((await calls(ctl, 'engagement')).length, 0);
  assert.deepEqual(errors, []);
});

test('window.lpmonConfig fills in what the tag leaves out (here the domain: no CSDS look-up)', T, async () => {
  const page = await context.newPage();
  await page.addInitScript((api) => { window.lpmonConfig = { domain: api, retry: { delaysMs: [10] } }; }, emu.api);
  await page.goto(emu.site + '/examples/csds.html');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  assert.ok((await activity(page)).vid);
  assert.equal((await csdsCalls(ctl)).length, 0);
  assert.equal((await calls(ctl, 'engagement')).length, 1);
});
