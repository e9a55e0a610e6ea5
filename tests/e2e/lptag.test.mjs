// The lpTag compatibility layer: page code written for the LivePerson web tag (www/examples/lptag.html)
// running on lpmon in every browser against the emulator.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite, calls, eventually, ACCOUNT, APP } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

// A page that never answers must fail the test, not hang the run.
const T = { timeout: 20000 };

for (const name of BROWSERS) describe(`the lpTag layer in ${name}`, () => {
let emu, browser, ctl, site, context, page, tabs;
let suite;
before(async () => ({ emu, ctl, browser, site } = suite = await openBrowserSuite(name)));
after(async () => {
  await context?.close();
  await closeBrowserSuite(suite);
});
beforeEach(async () => {
  await context?.close();
  await ctl.reset();
  site.clear();
  context = await browser.newContext();
  page = await context.newTab();
  tabs = [page];
});
/** Uncaught errors of every page of the test. */
const errors = () => [...tabs.flatMap((t) => t.errors), ...site.errors];

/** Opens the docs-style page and waits until its start-page call and impDisplay report are done. */
async function openDocsPage() {
  await page.goto(site.origin + '/examples/lptag.html');
  // The page shows its "Message us" button (what Playwright's waitForSelector waits for: visible).
  await page.waitFor(() => {
    const b = document.querySelector('#message-us:not([hidden])');
    return b && b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden';
  }, null, { timeout: 10000 });
  return eventually(async () => {
    const reports = await calls(ctl, 'report');
    return reports.find((r) => r.body.engagementAttributes[0].type === 'impDisplay');
  }, 5000, 'the impDisplay report');
}

const types = (r) => (r.body.engagementAttributes || []).map((s) => s.type);

test('the start-page call carries the URL, lpTag.section, the queued SDEs (after the hook) and the identities', T, async () => {
  const impDisplay = await openDocsPage();
  const [start, ...more] = await calls(ctl, 'engagement');
  assert.equal(more.length, 0, 'one start-page call');
  assert.equal(start.status, 201);
  assert.deepEqual(start.body.entryPoints, [site.origin + '/examples/lptag.html', 'sec://outdoor', 'sec://tents']);
  // The hook removed the contact details and dropped the empty search.
  assert.deepEqual(types(start), ['cart', 'personal']);
  assert.deepEqual(start.body.engagementAttributes[1].personal, { firstname: 'Robin' });
  assert.equal(start.body.engagementAttributes[0].products[0].product.sku, 'BC3P');
  assert.deepEqual(start.body.identities, [{ iss: 'https://brand.example', acr: 'loa1', sub: 'c0ffee-4242' }]);
  assert.equal(start.body.pageId, undefined);

  // The page's OFFER_DISPLAY handler pushed impDisplay: sent right after, on the same page.
  const offer = start.answer.engagementDetails[0];
  assert.equal(impDisplay.body.pageId, start.answer.pageId);
  assert.equal(impDisplay.query.vid, start.answer.visitorId);
  assert.equal(impDisplay.body.engagementAttributes[0].eContext[0].id, offer.contextId);
  assert.equal(impDisplay.status, 200);

  const state = await page.evaluate(() => ({
    seen: window.seenEvents,
    vid: lpTag.taglets.lp_monitoringSDK.getVid(),
    sid: lpTag.taglets.lp_monitoringSDK.getSid(),
    spSent: lpTag.events.hasFired('lp_monitoringSDK', 'SP_SENT'),
    complete: lpTag.events.hasFired('lp_monitoringSDK', 'REQUEST_COMPLETE'),
    offers: lpTag.events.hasFired('LP_OFFERS', 'OFFER_DISPLAY'),
    store: lpTag.sdes.get().map((s) => s.type),
    carts: lpTag.sdes.get('cart').length,
  }));
  // Binds queued in _defB before lpmon arrived saw the early SDEs, the start page and the offer.
  assert.deepEqual(state.seen, ['VAR_ADDED:cart', 'VAR_ADDED:personal', 'VAR_ADDED:searchInfo', 'lp_monitoringSDK/SP_SENT',
    `OFFER_DISPLAY:${offer.engagementId}`, 'VAR_ADDED:impDisplay']);
  assert.equal(state.vid, start.answer.visitorId);
  assert.equal(state.sid, start.answer.sessionId);
  assert.deepEqual(state.spSent, [{ appName: 'lp_monitoringSDK', eventName: 'SP_SENT', data: {} }]);
  assert.deepEqual(state.complete[0].data, { method: 'engagement', status: 201, created: true });
  assert.equal(state.offers.length, 1);
  assert.equal(state.offers[0].data.contextId, offer.contextId);
  assert.equal(state.offers[0].data.pageId, start.answer.pageId);
  assert.deepEqual(state.store, ['cart', 'personal', 'searchInfo', 'impDisplay']);
  assert.equal(state.carts, 1);
  assert.deepEqual(errors(), []);
});

test('sdes.push after load goes with the next call; sdes.send sends now and calls back', T, async () => {
  await openDocsPage();
  const before = (await calls(ctl, 'report')).length;
  await page.evaluate(() => {
    lpTag.sdes.push({ type: 'searchInfo', keywords: ['tent'] });
    lpTag.sdes.push([{ type: 'lead', lead: { topic: 'group trip' } }]);
  });
  const pushed = await eventually(async () => (await calls(ctl, 'report'))[before], 5000, 'the pushed SDEs');
  assert.deepEqual(types(pushed), ['searchInfo', 'lead'], 'pushes of one tick travel together');

  const sent = await page.evaluate(() => new Promise((resolve) => {
    lpTag.sdes.send({ type: 'service', service: { topic: 'returns', status: 1 } }, (error, answer) => resolve({ error, answer }));
  }));
  assert.equal(sent.error, null);
  const reports = await calls(ctl, 'report');
  const last = reports.at(-1);
  assert.deepEqual(types(last), ['service']);
  assert.equal(sent.answer.pageId, last.answer.pageId);
  assert.equal(last.body.pageId, (await calls(ctl, 'engagement'))[0].answer.pageId, 'reports stay on the page');
  assert.deepEqual(await page.evaluate(() => lpTag.sdes.get('service').length), 1);
  assert.deepEqual(errors(), []);
});

test('a reported impAccept fires LP_OFFERS/OFFER_CLICK', T, async () => {
  await openDocsPage();
  await page.click('#message-us');
  await page.waitFor(() => document.getElementById('status').textContent === 'connecting…');
  const accept = (await calls(ctl, 'report')).find((r) => types(r)[0] === 'impAccept');
  assert.equal(accept.status, 200);
  const clicks = await page.evaluate(() => lpTag.events.hasFired('LP_OFFERS', 'OFFER_CLICK'));
  const offer = (await calls(ctl, 'engagement'))[0].answer.engagementDetails[0];
  assert.equal(clicks.length, 1);
  assert.deepEqual(clicks[0].data, {
    campaignId: offer.campaignId, engagementId: offer.engagementId, engagementRevision: offer.engagementRevision,
    contextId: offer.contextId, pageId: accept.answer.pageId,
  });
  assert.ok((await page.evaluate(() => window.seenEvents)).includes(`OFFER_CLICK:${offer.engagementId}`));
});

test('lpTag.newPage makes a new page: a start-page call with its URL, sections and SDEs, and a new pageId', T, async () => {
  await openDocsPage();
  await page.click('#tents');
  const [first, second] = await eventually(async () => {
    const e = await calls(ctl, 'engagement');
    return e.length === 2 && e;
  }, 5000, 'the second start-page call');
  assert.deepEqual(second.body.entryPoints, [site.origin + '/examples/lptag.html#tents', 'sec://outdoor', 'sec://tents', 'sec://catalog']);
  assert.deepEqual(types(second), ['prodView']);
  assert.equal(second.body.pageId, undefined);
  assert.equal(second.status, 200);
  assert.equal(second.query.vid, first.answer.visitorId, 'same session');
  assert.notEqual(second.answer.pageId, first.answer.pageId, 'new page id');
  // The new page's own impDisplay goes with its page id; the store now holds the new page only.
  const display = await eventually(async () => (await calls(ctl, 'report')).filter((r) => types(r)[0] === 'impDisplay')[1], 5000, 'impDisplay');
  assert.equal(display.body.pageId, second.answer.pageId);
  const store = await page.evaluate(() => ({ section: lpTag.section, all: lpTag.sdes.get().map((s) => s.type) }));
  assert.deepEqual(store, { section: ['outdoor', 'tents', 'catalog'], all: ['prodView', 'impDisplay'] });
  assert.deepEqual(errors(), []);
});

test('lpTag.events: both bind styles, unbind by handle, triggerOnce, context, async, wildcard app, hasFired', T, async () => {
  await openDocsPage();
  const out = await page.evaluate(async () => {
    const got = [];
    const ctx = { name: 'ctx' };
    const h1 = lpTag.events.bind('brand', 'PING', (data, info) => got.push(['h1', data.n, info.appName, info.eventName]));
    const h2 = lpTag.events.bind({ appName: 'brand', eventName: 'PING', triggerOnce: true, context: ctx, func(data) { got.push(['once', data.n, this.name]); } });
    lpTag.events.bind({ eventName: 'PING', func: (data, info) => got.push(['any app', info.appName]) });
    lpTag.events.bind({ appName: 'brand', eventName: 'PING', async: true, func: (data) => got.push(['async', data.n]) });
    lpTag.events.trigger('brand', 'PING', { n: 1 });
    got.push(['after first trigger']);
    const removed = lpTag.events.unbind(h1);
    lpTag.events.trigger({ appName: 'brand', eventName: 'PING', data: { n: 2 } });
    lpTag.events.trigger({ appName: 'other', eventName: 'PING', data: { n: 3 } });
    await new Promise((r) => setTimeout(r, 10));
    return {
      got, removed, distinct: h1 !== h2,
      fired: lpTag.events.hasFired('brand', 'PING'),
      firedAny: lpTag.events.hasFired('*', 'PING').length,
      again: lpTag.events.unbind(h1),
    };
  });
  assert.deepEqual(out.got, [
    ['h1', 1, 'brand', 'PING'], ['once', 1, 'ctx'], ['any app', 'brand'], ['after first trigger'],
    ['any app', 'brand'], ['any app', 'other'], ['async', 1], ['async', 2],
  ]);
  assert.equal(out.removed, true);
  assert.equal(out.again, false);
  assert.equal(out.distinct, true);
  assert.deepEqual(out.fired, [{ appName: 'brand', eventName: 'PING', data: { n: 1 } }, { appName: 'brand', eventName: 'PING', data: { n: 2 } }]);
  assert.equal(out.firedAny, 3);
});

test('a BEFORE_SUBMIT_SDE hook can cancel a send: nothing goes out, the callback still hears back', T, async () => {
  await openDocsPage();
  const before = (await calls(ctl, 'report')).length;
  const result = await page.evaluate(() => new Promise((resolve) => {
    // A hook may answer with a new options object instead of changing the one it got.
    lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE', callback: (options) => ({ data: { sdes: options.data.sdes.filter((s) => s.type !== 'error') } }) });
    lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE', callback: () => 'not an object: ignored' });
    lpTag.sdes.send({ type: 'error', error: { message: 'oops' } }, (error, answer) => resolve([error, answer === undefined]));
  }));
  assert.deepEqual(result, [null, true]);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await calls(ctl, 'report')).length, before);
});

test('an lpTag object already on the page turns the layer on without data-lptag; without one it stays off', T, async () => {
  // csds.html has a plain tag (no data-lptag); the init scripts play the part of earlier page code.
  const open = async (init) => {
    const p = await context.newTab();
    tabs.push(p);
    site.clearInits();
    if (init) site.init(init);
    await p.goto(site.origin + '/examples/csds.html');
    assert.equal(await p.evaluate(() => lpmon.ready), true);
    return p;
  };
  const p1 = await open(() => { window.lpTag = { section: ['home'], sdes: [{ type: 'searchInfo', keywords: ['boots'] }] }; });
  const start = await eventually(async () => (await calls(ctl, 'engagement'))[0], 5000, 'the start-page call');
  assert.deepEqual(start.body.entryPoints, [site.origin + '/examples/csds.html', 'sec://home']);
  assert.deepEqual(types(start), ['searchInfo']);
  assert.equal(await p1.evaluate(() => typeof lpTag.events.bind), 'function');

  const cases = {
    'no lpTag': null,
    'lpmonConfig.lptag false': () => { window.lpTag = {}; window.lpmonConfig = { lptag: false }; },
  };
  for (const [name, init] of Object.entries(cases)) {
    await ctl.reset();
    const p = await open(init);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await ctl.requests()).length, 0, `${name}: no start-page call`);
    assert.equal(await p.evaluate(() => typeof (lpTag.events && lpTag.events.bind)), 'undefined', name);
    assert.equal(await p.evaluate(() => typeof lpTag.taglets.lp_monitoringSDK.getVid), 'function', name);
  }
  assert.deepEqual(errors(), []);
});

test('when wasm is blocked the lpTag layer still answers: sends call back with the config error', T, async () => {
  site.route('/examples/pages/blocked.html', { fulfill: {
    contentType: 'text/html',
    headers: { 'Content-Security-Policy': "script-src 'self' 'unsafe-inline'" },
    body: `<!doctype html><script src="/dist/lpmon.js" data-lptag data-account-id="${ACCOUNT}" data-app-installation-id="${APP}" data-domain="${emu.api}"></script>`,
  } });
  await page.goto(site.origin + '/examples/pages/blocked.html');
  assert.equal(await page.evaluate(() => lpmon.ready), false);
  const out = await page.evaluate(() => new Promise((resolve) => {
    lpTag.sdes.push({ type: 'searchInfo', keywords: ['x'] });
    lpTag.sdes.send((error) => resolve({
      kind: error && error.kind, failed: lpTag.events.hasFired('lp_monitoringSDK', 'LOAD_FAILED').length,
      lost: lpTag.events.hasFired('lp_monitoringSDK', 'SP_FAILED').map((e) => e.data.kind),
    }));
  }));
  // The page view that could not be recorded is told too.
  assert.deepEqual(out, { kind: 'config', failed: 1, lost: ['config'] });
  assert.equal((await ctl.requests()).length, 0);
  assert.deepEqual(errors(), []);
});
});
