// The script tag in every browser against the emulator: the pre-load snippet's queue replayed in
// order, streaming compilation of the .wasm, and quiet degradation when a CSP blocks wasm.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openBrowserSuite, closeBrowserSuite, freshContext, calls, eventually } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 60000 };

for (const name of BROWSERS) describe(`the script tag in ${name}`, () => {
let emu, browser, ctl, site, context;
let suite;
before(async () => ({ emu, ctl, browser, site } = suite = await openBrowserSuite(name)));
after(async () => {
  await context?.close();
  await closeBrowserSuite(suite);
});
beforeEach(async () => {
  context = await freshContext(suite, context);
});

/** A tab whose uncaught errors are in `errors()`; lpmon.js arrives `delayMs` late so that early calls queue. */
async function open(path, delayMs = 0) {
  const page = await context.newTab();
  if (delayMs) site.route('/dist/lpmon.js', { delayMs });
  await page.goto(site.origin + path);
  return { page, errors: () => [...page.errors, ...site.errors] };
}

const markers = (r) => {
  const sde = r.body?.engagementAttributes?.[0];
  return sde?.keywords?.[0] ?? sde?.lead?.topic ?? (sde?.type === 'cart' ? 'cart' : null) ?? r.body?.entryPoints?.[1] ?? 'start page';
};

test('calls made before lpmon.js arrived are replayed in order, then lpmon.ready resolves', T, async () => {
  const { page, errors } = await open('/examples/script-tag.html', 400);
  await page.waitFor(() => window.lpmonLog.length >= 5, null, { timeout: 10000 });
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
  assert.equal(await page.text('#vid'), vid);
  assert.deepEqual(errors(), []);
});

test('after loading, lpmon.push runs the call at once and calls its callback', T, async () => {
  const { page } = await open('/examples/script-tag.html');
  await page.evaluate(() => lpmon.ready);
  await page.waitFor(() => window.lpmonLog.length >= 5);
  const answer = await page.evaluate(() => new Promise((resolve) => {
    lpmon.push(['report', { engagementAttributes: [{ type: 'searchInfo', keywords: ['late'] }] }, resolve]);
  }));
  assert.equal(answer.visitorId, await page.evaluate(() => lpmon.getVid()));
  const reports = await calls(ctl, 'report');
  assert.equal(reports.at(-1).body.engagementAttributes[0].keywords[0], 'late');
});

/** Records in `window.wasmCalls` how the page instantiates wasm. */
function recordWasmCalls() {
  site.init(() => {
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
}

test('the .wasm is fetched at once and compiled while it streams (served as application/wasm)', T, async () => {
  const page = await context.newTab();
  recordWasmCalls();
  // The glue is held back a moment: the .wasm request must not wait for it.
  site.route('/dist/lpmon_glue.js', { delayMs: 300 });
  // The order the browser issued requests in: Playwright sees it in Chromium. (The order they
  // reach a server over separate connections can differ: WebKit and Firefox sometimes deliver
  // the dynamic import's request before the fetch() made just ahead of it.)
  const issued = [];
  page.page?.on('request', (r) => issued.push(new URL(r.url()).pathname));
  await page.goto(site.origin + '/examples/script-tag.html');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  assert.deepEqual(await page.evaluate(() => window.wasmCalls), ['instantiateStreaming']);
  // The requests in the order they reached the site, and the answers' content types.
  const requested = site.journal.map((r) => r.path);
  const types = Object.fromEntries(site.journal.map((r) => [r.path, r.contentType]));
  assert.equal(types['/dist/lpmon_bg.wasm'], 'application/wasm');
  const wasm = site.journal.find((r) => r.path === '/dist/lpmon_bg.wasm');
  const glue = site.journal.find((r) => r.path === '/dist/lpmon_glue.js');
  assert.ok(wasm.start < glue.end, `the .wasm request starts before the glue arrives: ${requested.join(', ')}`);
  if (page.page) {
    assert.ok(issued.indexOf('/dist/lpmon_bg.wasm') < issued.indexOf('/dist/lpmon_glue.js'),
      `the .wasm request is issued before the glue's: ${issued.join(', ')}`);
  }
  // The browser's own console warnings: readable in Chromium only (null over WebDriver).
  if (page.warnings) assert.deepEqual(page.warnings.filter((w) => /instantiateStreaming|MIME/.test(w)), []);
});

test('a .wasm served with another content type is compiled from its bytes, and lpmon works', T, async () => {
  const page = await context.newTab();
  recordWasmCalls();
  const wasm = readFileSync(new URL('../../dist/lpmon_bg.wasm', import.meta.url));
  site.route('/dist/lpmon_bg.wasm', { fulfill: { contentType: 'application/octet-stream', body: wasm } });
  await page.goto(site.origin + '/examples/script-tag.html');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  // Streaming refuses the type; the same answer's bytes are compiled instead (no second fetch).
  assert.deepEqual(await page.evaluate(() => window.wasmCalls), ['instantiateStreaming', 'instantiate(bytes)']);
  assert.equal(site.journal.filter((r) => r.path === '/dist/lpmon_bg.wasm').length, 1);
  const answer = await page.evaluate(() => lpmon.engage());
  assert.equal(answer.visitorId, await page.evaluate(() => lpmon.getVid()));
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
      engage: e && { name: e.name, kind: e.kind, message: e.message, isError: e instanceof window.Error },
      report: r && { name: r.name, kind: r.kind },
    };
  });
  const failed = out.events.filter((e) => e.name === 'LOAD_FAILED');
  assert.equal(failed.length, 1);
  assert.match(failed[0].data.reason, /Content Security Policy/);
  assert.deepEqual([out.vid, out.sid, out.tagVid, out.tagSid], [true, true, true, true]);
  assert.deepEqual(out.engage && [out.engage.name, out.engage.kind, out.engage.isError], ['LpmonError', 'config', true]);
  assert.match(out.engage.message, /not available/);
  assert.deepEqual(out.report, { name: 'LpmonError', kind: 'config' });
  await eventually(async () => /lpmon is off/.test(await page.text('#status')), 2000, 'the page shows why');
  assert.deepEqual(errors(), [], 'no uncaught error in the page');
  assert.equal((await ctl.requests()).length, 0, 'nothing was sent');
});

test('the same page under a strict CSP that allows wasm works', T, async () => {
  const { page, errors } = await open('/examples/csp.html?csp=strict');
  assert.equal(await page.evaluate(() => lpmon.ready), true);
  await eventually(async () => /engaged/.test(await page.text('#status')), 5000, 'engaged');
  const events = await page.evaluate(() => window.lpmonEvents.map((e) => e.name));
  assert.deepEqual(events.slice(0, 3), ['READY', 'SP_SENT', 'REQUEST_COMPLETE']);
  assert.equal((await calls(ctl, 'engagement')).length, 1);
  assert.deepEqual(errors(), []);
});

test('a tag without an account id fails the same quiet way', T, async () => {
  site.route('/examples/no-account.html', { fulfill: {
    contentType: 'text/html',
    body: '<!doctype html><script>addEventListener("lpmon", (e) => { window.failure = e.detail; });</script>' +
      '<script src="/dist/lpmon.js" data-app-installation-id="x"></script>',
  } });
  const { page, errors } = await open('/examples/no-account.html');
  assert.equal(await page.evaluate(() => lpmon.ready), false);
  const failure = await page.evaluate(() => window.failure);
  assert.equal(failure.name, 'LOAD_FAILED');
  assert.match(failure.data.reason, /accountId/);
  assert.deepEqual(errors(), []);
});
});
