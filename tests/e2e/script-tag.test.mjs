// The script tag in headless Chromium against the emulator: the pre-load snippet's queue replayed
// in order, streaming compilation of the .wasm, and quiet degradation when a CSP blocks wasm.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, calls, eventually } from './harness.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

let emu, browser, ctl, context;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite()));
after(() => closeSuite(suite));
beforeEach(async () => {
  // Close the previous pages first: calls still in flight must not land in this test's journal.
  await context?.close();
  await ctl.resetWhenQuiet();
  context = await browser.newContext();
});

/** A page that records uncaught errors; lpmon.js arrives `delayMs` late so that early calls queue. */
async function open(path, delayMs = 0) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (delayMs) {
    await page.route('**/dist/lpmon.js', async (route) => {
      await new Promise((r) => setTimeout(r, delayMs));
      await route.continue();
    });
  }
  await page.goto(emu.site + path);
  return { page, errors };
}

const markers = (r) => {
  const sde = r.body?.engagementAttributes?.[0];
  return sde?.keywords?.[0] ?? sde?.lead?.topic ?? (sde?.type === 'cart' ? 'cart' : null) ?? r.body?.entryPoints?.[1] ?? 'start page';
};

test('calls made before lpmon.js arrived are replayed in order, then lpmon.ready resolves', T, async () => {
  const { page, errors } = await open('/examples/script-tag.html', 400);
  await page.waitForFunction(() => window.lpmonLog.length >= 5, null, { timeout: 10000 });
  const log = await page.evaluate(() => window.lpmonLog);
  assert.deepEqual(log[0], ['queued', 4], 'the four calls sat in the snippet queue');
  assert.deepEqual(log[1], ['ready', true]);
  assert.deepEqual(log.slice(2).map((l) => l[0]), ['engage', 'report', 'push'], 'answers come back in order');

  const sent = (await ctl.requests()).filter((r) => /\/(engagement|report)$/.test(r.path));
  // The first queued call is a report without a session: lpmon opens the session first.
  assert.deepEqual(sent.map(markers), ['start page', 'first', 'sec://second', 'third', 'cart']);
  assert.deepEqual(sent.map((r) => r.status), [201, 200, 200, 200, 200]);
  const vid = await page.evaluate(() => lpmon.getVid());
  assert.ok(sent.slice(1).every((r) => r.query.vid === vid), 'later calls carry the new session');
  assert.equal(await page.textContent('#vid'), vid);
  assert.deepEqual(errors, []);
});

test('after loading, lpmon.push runs the call at once and calls its callback', T, async () => {
  const { page } = await open('/examples/script-tag.html');
  await page.evaluate(() => lpmon.ready);
  await page.waitForFunction(() => window.lpmonLog.length >= 5);
  const answer = await page.evaluate(() => new Promise((resolve) => {
    lpmon.push(['report', { engagementAttributes: [{ type: 'searchInfo', keywords: ['late'] }] }, resolve]);
  }));
  assert.equal(answer.visitorId, await page.evaluate(() => lpmon.getVid()));
  const reports = await calls(ctl, 'report');
  assert.equal(reports.at(-1).body.engagementAttributes[0].keywords[0], 'late');
});

test('the .wasm is fetched at once and compiled while it streams (served as application/wasm)', T, async () => {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.wasmCalls = [];
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = function (source, imports) {
      window.wasmCalls.push('instantiateStreaming');
      return streaming.call(this, source, imports);
    };
    const plain = WebAssembly.instantiate;
    WebAssembly.instantiate = function (source, imports) {
      window.wasmCalls.push(source instanceof WebAssembly.Module ? 'instantiate(module)' : 'instantiate(bytes)');
      return plain.call(this, source, imports);
    };
  });
  const requested = [];
  const types = {};
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('response', (r) => { types[new URL(r.url()).pathname] = r.headers()['content-type']; });
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(emu.site + '/examples/script-tag.html');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  assert.deepEqual(await page.evaluate(() => window.wasmCalls), ['instantiateStreaming']);
  assert.equal(types['/dist/lpmon_bg.wasm'], 'application/wasm');
  assert.ok(requested.indexOf('/dist/lpmon_bg.wasm') < requested.indexOf('/dist/lpmon_glue.js'),
    `the .wasm request starts before the glue arrives: ${requested.join(', ')}`);
  assert.deepEqual(warnings.filter((w) => /instantiateStreaming|MIME/.test(w)), []);
});

test('a CSP without wasm-unsafe-eval: lpmon stands aside quietly and says why', T, async () => {
  const { page, errors } = await open('/examples/csp.html?csp=nowasm');
  assert.equal(await page.evaluate(() => lpmon.ready), false);
  const out = await page.evaluate(async () => {
    const e = await lpmon.engage({}).then(() => null, (err) => err);
    const r = await lpmon.report({ engagementAttributes: [] }).then(() => null, (err) => err);
    return {
      events: window.lpmonEvents,
      vid: lpmon.getVid() === undefined,
      sid: lpmon.getSid() === undefined,
      tagVid: lpTag.taglets.lp_monitoringSDK.getVid() === undefined,
      tagSid: lpTag.taglets.lp_monitoringSDK.getSid() === undefined,
      engage: e && { name: e.name, kind: e.kind, message: e.message, isError: e instanceof Error },
      report: r && { name: r.name, kind: r.kind },
    };
  });
  const failed = out.events.filter((e) => e.name === 'LOAD_FAILED');
  assert.equal(failed.length, 1);
  assert.match(failed[0].data.reason, /Content Security Policy|unsafe-eval/);
  assert.deepEqual([out.vid, out.sid, out.tagVid, out.tagSid], [true, true, true, true]);
  assert.deepEqual(out.engage && [out.engage.name, out.engage.kind, out.engage.isError], ['LpmonError', 'config', true]);
  assert.match(out.engage.message, /not available/);
  assert.deepEqual(out.report, { name: 'LpmonError', kind: 'config' });
  await eventually(async () => /lpmon is off/.test(await page.textContent('#status')), 2000, 'the page shows why');
  assert.deepEqual(errors, [], 'no uncaught error in the page');
  assert.equal((await ctl.requests()).length, 0, 'nothing was sent');
});

test('the same page under a strict CSP that allows wasm works', T, async () => {
  const { page, errors } = await open('/examples/csp.html?csp=strict');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  await eventually(async () => /engaged/.test(await page.textContent('#status')), 5000, 'engaged');
  const events = await page.evaluate(() => window.lpmonEvents.map((e) => e.name));
  assert.deepEqual(events.slice(0, 3), ['READY', 'SP_SENT', 'REQUEST_COMPLETE']);
  assert.equal((await calls(ctl, 'engagement')).length, 1);
  assert.deepEqual(errors, []);
});

test('a tag without an account id fails the same quiet way', T, async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/examples/no-account.html', (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><script>addEventListener("lpmon", (e) => { window.failure = e.detail; });</script>' +
      '<script src="/dist/lpmon.js" data-app-installation-id="x"></script>',
  }));
  await page.goto(emu.site + '/examples/no-account.html');
  assert.equal(await page.evaluate(() => lpmon.ready), false);
  const failure = await page.evaluate(() => window.failure);
  assert.equal(failure.name, 'LOAD_FAILED');
  assert.match(failure.data.reason, /accountId/);
  assert.deepEqual(errors, []);
});
