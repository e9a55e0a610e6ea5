// The emulator as a product, end to end in headless Chromium: campaigns and targeting rules of
// the example campaign file, driven through lpmon itself (the built package in a page on the
// site origin) and through the demo page's buttons; the funnel, capping and session expiry.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSuite, closeSuite, startEmulator, control, calls, output, EXAMPLE_CAMPAIGNS } from './harness.mjs';

// Engagement ids of the example campaign file.
const A = 3100000011; // Welcome: everyone
const D = 3100000021; // Big baskets: cart.total > 100
const B = 3100000031; // VIP care: ctmrinfo.info.ctype == "vip"
const C = 3100000041; // Sport season: sec://Sport
const E = 3100000051; // Video advice: top priority, agents offline

let emu, browser, ctl;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite(['--campaigns', EXAMPLE_CAMPAIGNS])));
after(() => closeSuite(suite));
beforeEach(async () => {
  await ctl.reset();
});

/** A fresh browser context on the ES module example page, with lpmon initialised. */
async function lpmonPage(site = emu.site) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site + '/examples/esm.html?manual');
  await page.waitForSelector('body[data-ready=yes]');
  return page;
}

/** Runs `fn(lpmon, config)` in the page; errors come back as plain objects. */
function inPage(page, fn, arg) {
  return page.evaluate(async ([src, arg]) => {
    const { lpmon, api, account, app } = window.lpmonTest;
    const config = { accountId: account, appInstallationId: app, domain: api, retry: { delaysMs: [30, 30] } };
    const f = new Function('lpmon', 'config', 'arg', `return (${src})(lpmon, config, arg)`);
    try {
      return { ok: await f(lpmon, config, arg) };
    } catch (e) {
      return { err: { name: e.name, kind: e.kind, status: e.status, message: e.message } };
    }
  }, [fn.toString(), arg]);
}

const ids = (answer) => (answer.engagementDetails || []).map((d) => d.engagementId);

test('a plain visitor sees A; the same visitor after a VIP ctmrinfo report sees B', async () => {
  const page = await lpmonPage();
  const r = await inPage(page, async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    const plain = await m.engage({ entryPoints: [location.href] });
    const reported = await m.report({ engagementAttributes: [{ type: 'ctmrinfo', info: { ctype: 'vip' } }] });
    const vip = await m.engage({ entryPoints: [location.href] });
    return { plain, reported, vip };
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  const { plain, reported, vip } = r.ok;
  assert.deepEqual(ids(plain), [A]);
  assert.equal(plain.engagementDetails[0].status, 'expose');
  assert.equal(plain.engagementDetails[0].campaignId, 3100000010);
  assert.equal(reported.visitorId, plain.visitorId);
  assert.deepEqual(ids(vip), [B]);
  assert.equal(vip.created, false, 'the same session');
  assert.equal(vip.visitorId, plain.visitorId);
  assert.equal(vip.sessionId, plain.sessionId);
  assert.notEqual(vip.engagementDetails[0].contextId, plain.engagementDetails[0].contextId);
  // The trace names the rule that matched.
  const trace = await ctl.trace(plain.visitorId);
  assert.equal(trace.length, 2);
  assert.deepEqual(trace[1].chosen.because, ['ctmrinfo.info.ctype == "vip" (got "vip")', 'agents are online (file)']);
  await page.context().close();
});

test('the sec://Sport entry point selects C, only on the page in that section', async () => {
  const page = await lpmonPage();
  const r = await inPage(page, async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    const sport = await m.engage({ entryPoints: ['https://shop.example/running', 'sec://Sport'] });
    const home = await m.engage({ entryPoints: ['https://shop.example/'] });
    return { sport, home };
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.deepEqual(ids(r.ok.sport), [C]);
  assert.equal(r.ok.sport.engagementDetails[0].campaignId, 3100000040);
  assert.deepEqual(ids(r.ok.home), [A]);
  await page.context().close();
});

/** Engages once as a new visitor (a fresh browser context); resolves to the answer or error. */
async function newVisitor(site, request) {
  const page = await lpmonPage(site);
  try {
    return await inPage(page, async (lpmon, config, request) => lpmon.createMonitor(config).engage(request), request);
  } finally {
    await page.context().close();
  }
}

test('the offline engagement is never returned, though it would win once agents are online', async () => {
  const visits = [
    {},
    { engagementAttributes: [{ type: 'cart', total: 900, numItems: 3 }] },
    { engagementAttributes: [{ type: 'ctmrinfo', info: { ctype: 'vip' } }] },
    { entryPoints: ['sec://Sport'] },
    { entryPoints: ['https://shop.example/help'], engagementAttributes: [{ type: 'mrktInfo', info: { channel: '1' } }] },
    { identities: [{ iss: 'https://brand.example', acr: 'loa1', sub: 'member-1' }] },
  ];
  const run = async () => {
    const seen = [];
    for (const visit of visits) {
      const r = await newVisitor(emu.site, visit);
      assert.ok(r.ok, JSON.stringify(r.err));
      seen.push(ids(r.ok));
    }
    return seen;
  };
  const before = await run();
  for (const offered of before) {
    assert.equal(offered.length, 1, 'every visit gets some engagement');
    assert.notEqual(offered[0], E);
  }
  assert.deepEqual(before.slice(0, 5).map((o) => o[0]), [A, D, B, C, 3100000071]);
  const video = (await ctl.availability()).find((s) => s.engagementId === E);
  assert.deepEqual([video.state, video.shown], ['offline', false]);
  const refused = (await ctl.trace()).at(-1).candidates.find((c) => c.engagementId === E);
  assert.equal(refused.why, 'shown when online: agents are offline (file)');

  // The same visits with its agents online: the top-priority campaign takes every one.
  await ctl.availability({ engagementId: E, state: 'online' });
  assert.deepEqual(await run(), visits.map(() => [E]));
});

test('the demo page tells the story: A, then D, B and C as the buttons say, with the rule explained', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(emu.site + '/');
  const shows = async (id) => {
    await page.waitForSelector(`#message-us:not([hidden])[data-engagement-id="${id}"]`, { timeout: 10000 });
  };
  const click = async (selector, steps) => {
    await page.click(selector);
    await page.waitForSelector(`body[data-steps="${steps}"]`, { timeout: 10000 });
  };
  await shows(A);
  await page.waitForFunction(() => document.getElementById('why').textContent.startsWith('A · Message us'));
  assert.match(await page.textContent('#engagement'), /^A · Message us \(3100000011\)$/);

  await click('#add-to-cart', 1);
  await shows(D);
  assert.match(await page.textContent('#why'), /^D · Checkout help \(campaign "Big baskets", priority 20\): cart\.total > 100 \(got 250\)/);

  await click('#become-vip', 2);
  await shows(B);
  assert.match(await page.textContent('#why'), /^B · VIP concierge .*ctmrinfo\.info\.ctype == "vip" \(got "vip"\)/);

  await click('#section-sport', 3);
  await shows(C);
  assert.match(await page.textContent('#why'), /^C · Ask a coach \(campaign "Sport season", priority 40\): sec:\/\/Sport/);
  assert.equal(await page.getAttribute('#section-sport', 'aria-pressed'), 'true');
  const rules = await page.$$eval('#rules li', (items) => items.map((li) => [li.className, li.textContent]));
  assert.equal(rules.length, 7);
  assert.deepEqual(rules[0], ['refused', '✗ E · Video call with an expert (priority 100): shown when online: agents are offline (file)']);
  assert.equal(rules.find(([cls]) => cls === 'chosen')[1], '✓ C · Ask a coach (priority 40): eligible, highest priority');
  assert.ok(rules.some(([cls, text]) => cls === 'eligible' && text.startsWith('○ B · VIP concierge')), JSON.stringify(rules));
  await page.screenshot({ path: join(output, 'targeting-demo.png'), fullPage: true });

  // Leaving the section falls back to the VIP engagement: SDEs stay with the session.
  await click('#section-sport', 4);
  await shows(B);

  // What the page sent: the SDEs as reports with the session's pair, the section as sec://Sport.
  const reports = (await calls(ctl, 'report')).map((r) => r.body.engagementAttributes[0].type);
  assert.deepEqual(reports.filter((t) => !t.startsWith('imp')), ['cart', 'ctmrinfo']);
  const engaged = await calls(ctl, 'engagement');
  assert.equal(engaged.length, 5);
  assert.deepEqual(engaged[3].body.entryPoints.slice(1), ['sec://Sport']);
  assert.equal(engaged[4].body.entryPoints.length, 1);
  assert.ok(engaged.slice(1).every((e) => e.status === 200));
  assert.deepEqual(errors, []);
  await context.close();
});

test('the funnel counts match the clicks, and the dashboard draws them', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(emu.site + '/');
  await page.waitForSelector(`#message-us:not([hidden])[data-engagement-id="${A}"]`, { timeout: 10000 });
  await page.click('#add-to-cart');
  await page.waitForSelector(`#message-us:not([hidden])[data-engagement-id="${D}"]`, { timeout: 10000 });
  await page.click('#become-vip');
  await page.waitForSelector(`#message-us:not([hidden])[data-engagement-id="${B}"]`, { timeout: 10000 });
  await page.waitForSelector('body[data-steps="2"]');
  await page.click('#message-us');
  await page.waitForSelector('#conversation:not([hidden])', { timeout: 10000 });

  const funnel = await ctl.funnel();
  const counts = (id) => funnel.campaigns.flatMap((c) => c.engagements).find((e) => e.engagementId === id).counts;
  assert.deepEqual(counts(A), { exposed: 1, displayed: 1, accepted: 0, conversations: 0 });
  assert.deepEqual(counts(D), { exposed: 1, displayed: 1, accepted: 0, conversations: 0 });
  assert.deepEqual(counts(B), { exposed: 1, displayed: 1, accepted: 1, conversations: 1 });
  assert.deepEqual(counts(C), { exposed: 0, displayed: 0, accepted: 0, conversations: 0 });
  assert.deepEqual(funnel.totals.counts, { exposed: 3, displayed: 3, accepted: 1, conversations: 1 });
  assert.equal(funnel.totals.conversion.accepted, 1 / 3);

  // The dashboard's funnel chart shows the same numbers.
  const dash = await context.newPage();
  await dash.goto(emu.site + '/dashboard.html');
  await dash.waitForSelector('#funnel[data-renders] svg[data-funnel="total"]', { timeout: 10000 });
  const drawn = (selector) => dash.$$eval(`${selector} text[data-step]`, (texts) => texts.map((t) => [t.dataset.step, Number(t.textContent)]));
  assert.deepEqual(Object.fromEntries(await drawn(`svg[data-engagement-id="${B}"]`)), counts(B));
  assert.deepEqual(Object.fromEntries(await drawn(`svg[data-engagement-id="${A}"]`)), counts(A));
  assert.deepEqual(Object.fromEntries(await drawn('svg[data-funnel="total"]')), funnel.totals.counts);
  assert.equal(await dash.textContent(`svg[data-funnel="total"] text[data-rate="accepted"]`), '↓ 33%');
  assert.equal(await dash.$$eval('#funnel article[data-campaign-id]', (a) => a.length), 7);
  assert.match(await dash.getAttribute(`svg[data-engagement-id="${B}"]`, 'aria-label'), /^B · VIP concierge: exposed 1, displayed 1 \(100%\), accepted 1 \(100%\), conversations 1 \(100%\)$/);
  await dash.screenshot({ path: join(output, 'funnel.png'), fullPage: true });

  // A new click shows up on the next refresh.
  await page.click('#end-conversation');
  await page.waitForSelector(`#message-us:not([hidden])[data-engagement-id="${B}"]`, { timeout: 10000 });
  await dash.evaluate(() => window.lpmonDashboard.funnel.refresh());
  await dash.waitForFunction((id) => document.querySelector(`svg[data-engagement-id="${id}"] text[data-step="exposed"]`)?.textContent === '2', B);
  await context.close();
});

test('session expiry on the emulator clock: 201 with a new session after 30 idle minutes or 6 hours', async () => {
  const page = await lpmonPage();
  const engage = () => inPage(page, async (lpmon, config) => {
    window.monitor ||= lpmon.createMonitor(config);
    const a = await window.monitor.engage({});
    return { created: a.created, vid: a.visitorId, sid: a.sessionId, engaged: a.engagementDetails.map((d) => d.engagementId) };
  });
  const first = (await engage()).ok;
  assert.equal(first.created, true);
  await ctl.advance(29 * 60000);
  const kept = (await engage()).ok;
  assert.deepEqual([kept.created, kept.sid], [false, first.sid]);

  await ctl.advance(31 * 60000);
  const idle = (await engage()).ok;
  assert.equal(idle.created, true, 'a new session after 31 idle minutes');
  assert.equal(idle.vid, first.vid, 'the visitor stays');
  assert.notEqual(idle.sid, first.sid);
  assert.deepEqual(idle.engaged, [A]);
  const sent = await calls(ctl, 'engagement');
  assert.equal(sent.at(-1).query.sid, first.sid, 'lpmon sent the old pair; the emulator answered 201');
  assert.equal(sent.at(-1).status, 201);

  // Active every 20 minutes, the session still ends 6 hours after it began.
  for (let minutes = 20; minutes <= 340; minutes += 20) {
    await ctl.advance(20 * 60000);
    const same = (await engage()).ok;
    assert.deepEqual([same.created, same.sid], [false, idle.sid], `still the same session after ${minutes} min`);
  }
  await ctl.advance(21 * 60000);
  const old = (await engage()).ok;
  assert.equal(old.created, true, 'a new session past 6 hours');
  assert.equal(old.vid, first.vid);
  assert.notEqual(old.sid, idle.sid);
  assert.equal((await ctl.stats()).sessionsCreated, 3);
  await page.context().close();
});

test('capping: session creation beyond the configured number answers 5xx', async () => {
  const capped = await startEmulator(['--campaigns', EXAMPLE_CAMPAIGNS, '--cap-sessions-per-account', '3', '--cap-sessions-per-visitor', '2', '--cap-window-minutes', '1440']);
  try {
    const capCtl = control(capped.api);
    // A client that never sends back the pair opens a session per call: here, new visitors.
    const results = [];
    for (let i = 0; i < 4; i++) {
      const r = await newVisitor(capped.site, {});
      results.push(r.ok ? { status: r.ok.created ? 201 : 200 } : { kind: r.err.kind, status: r.err.status });
    }
    assert.deepEqual(results, [{ status: 201 }, { status: 201 }, { status: 201 }, { kind: 'http', status: 503 }]);
    const statuses = (await calls(capCtl, 'engagement')).map((c) => c.status);
    // lpmon retried the capped call (retry.delaysMs has two delays), every attempt capped.
    assert.deepEqual(statuses, [201, 201, 201, 503, 503, 503]);
    assert.equal((await capCtl.stats()).sessionsCapped, 3);
    const [capped503] = (await calls(capCtl, 'engagement')).slice(-1);
    assert.match(capped503.answer.message, /session creation capped: account 12345678 already opened 3 sessions in 1440 min/);

    // Per visitor: a page that keeps its pair is capped only when its sessions expire too often.
    await capCtl.reset();
    const page = await lpmonPage(capped.site);
    const visitor = await inPage(page, async (lpmon, config) => {
      window.kept = lpmon.createMonitor({ ...config, storage: 'memory' });
      return (await window.kept.engage({})).created;
    });
    assert.equal(visitor.ok, true);
    await capCtl.advance(31 * 60000);
    const second = await inPage(page, async () => (await window.kept.engage({})).created);
    assert.equal(second.ok, true, 'the second session of the visitor');
    await capCtl.advance(31 * 60000);
    const third = await inPage(page, async () => window.kept.engage({}));
    assert.deepEqual([third.err?.kind, third.err?.status], ['http', 503], JSON.stringify(third));
    await page.context().close();
  } finally {
    await capped.stop();
  }
});
