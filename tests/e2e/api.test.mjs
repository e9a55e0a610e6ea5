// The ES module API in a real browser against the emulator: result shapes, errors, sessions. The
// same tests in every browser of BROWSERS.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, control, calls } from './harness.mjs';
import { BROWSERS, openBrowser } from './browsers.mjs';

// What lpmon's clientProperties say about each browser (WebKitGTK's MiniBrowser says Safari).
const BROWSER_NAME = { chromium: 'CHROME', firefox: 'FIREFOX', webkit: 'SAFARI' };
// The clientProperties fields the engagement method documents.
const DOCUMENTED = ['appVersion', 'deviceFamily', 'ipAddress', 'os', 'osName', 'osVersion'];

for (const name of BROWSERS) describe(`the JS contract in ${name}`, () => {
let emu, browser, ctl, context, page;
before(async () => {
  emu = await startEmulator();
  ctl = control(emu.api);
  browser = await openBrowser(name);
});
after(async () => {
  await context?.close();
  await browser?.close();
  await emu?.stop();
});
beforeEach(async () => {
  await ctl.reset();
  // A fresh context per test: no stored session carries over.
  await context?.close();
  context = await browser.newContext();
  page = await context.newTab();
  await page.goto(emu.site + '/examples/esm.html?manual');
  await page.waitFor(() => document.body.dataset.ready === 'yes');
});

/** Runs `fn(lpmon, config)` in the page; errors come back as plain objects. */
function inPage(fn, extra = {}) {
  // WebDriver's JSON drops undefined members: the keys set to undefined travel by name.
  const unset = Object.keys(extra).filter((k) => extra[k] === undefined);
  return page.evaluate(async ([src, extra, unset]) => {
    const { lpmon, api, account, app } = window.lpmonTest;
    const config = { accountId: account, appInstallationId: app, domain: api, retry: { delaysMs: [50, 50] }, ...extra };
    for (const k of unset) config[k] = undefined;
    const f = new Function('lpmon', 'config', `return (${src})(lpmon, config)`);
    try {
      return { ok: await f(lpmon, config) };
    } catch (e) {
      // window.Error: the page's own (Firefox runs WebDriver scripts in a realm of their own).
      return { err: { name: e.name, kind: e.kind, status: e.status, internalCode: e.internalCode, message: e.message, isError: e instanceof window.Error } };
    }
  }, [fn.toString(), extra, unset]);
}

test('engage answers the documented shape; created only on 201', async () => {
  const r = await inPage(async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    // Compared in the page: WebDriver would carry undefined back as null.
    const before = [m.getVid() === undefined, m.getSid() === undefined];
    const first = await m.engage({ entryPoints: ['https://shop.example/'] });
    const second = await m.engage();
    return { before, first, second, vid: m.getVid(), sid: m.getSid() };
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  const { before, first, second, vid, sid } = r.ok;
  assert.deepEqual(before, [true, true], 'getVid/getSid are undefined before the first call');
  assert.deepEqual(Object.keys(first).sort(), ['created', 'engagementDetails', 'pageId', 'sessionId', 'visitorId']);
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(first.visitorId, vid);
  assert.equal(first.sessionId, sid);
  assert.equal(typeof first.engagementDetails[0].campaignId, 'number', 'ids stay JS numbers');
  assert.equal(first.engagementDetails[0].campaignId, 2739012212);
  // The engagement body carries the documented client properties only (headless Chromium on
  // Linux); the wider set is clientPropertiesHeader's (tests/e2e/agent.test.mjs).
  const sent = await calls(ctl, 'engagement');
  const props = sent[0].body.clientProperties;
  if (name === 'chromium') assert.deepEqual(props, { deviceFamily: 'DESKTOP', os: 'LINUX', osName: 'LINUX' });
  assert.equal(props.deviceFamily, 'DESKTOP');
  assert.deepEqual(Object.keys(props).filter((k) => !DOCUMENTED.includes(k)), [], 'documented fields only');
  assert.deepEqual(sent[1].body.clientProperties, props);
});

test('engage: documented client properties from the caller go in; any other field is refused before sending', async () => {
  const r = await inPage(async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    await m.engage({ clientProperties: { appVersion: '4.2.0', ipAddress: '192.0.2.7', osVersion: '6.8', osName: null } });
    const refused = [];
    for (const clientProperties of [{ appId: 'shop' }, { integration: 'WEB_SDK' }, { appVersion: 4 }]) {
      try {
        await m.engage({ clientProperties });
        refused.push(null);
      } catch (e) {
        refused.push({ name: e.name, kind: e.kind, message: e.message });
      }
    }
    const header = JSON.parse(lpmon.clientPropertiesHeader({ appId: 'shop' }));
    // The keys' order read here: WebDriver's JSON may reorder an object's members on the way back.
    return { refused, header, keys: Object.keys(header) };
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  const sent = await calls(ctl, 'engagement');
  assert.equal(sent.length, 1, 'the refused calls sent nothing');
  assert.deepEqual(sent[0].body.clientProperties, {
    deviceFamily: 'DESKTOP', os: 'LINUX', osVersion: '6.8', appVersion: '4.2.0', ipAddress: '192.0.2.7',
  });
  assert.deepEqual(r.ok.refused.map((e) => e && `${e.name}/${e.kind}`), Array(3).fill('LpmonError/validation'));
  assert.match(r.ok.refused[0].message, /^clientProperties\.appId is not an engagement field$/);
  assert.match(r.ok.refused[2].message, /clientProperties\.appVersion must be a string/);
  // The header keeps the wider set, the caller's appId added.
  const { header, keys } = r.ok;
  assert.deepEqual(keys, [
    'deviceFamily', 'os', 'osName', 'browser', 'browserVersion', 'timeZone', 'integration', 'integrationVersion', 'appId',
  ]);
  assert.equal(header.integration, 'WEB_SDK');
  assert.equal(header.browser, BROWSER_NAME[name]);
  assert.match(header.integrationVersion, /^\d+\.\d+\.\d+$/);
});

test('getVid/getSid return undefined (not null, not "") without a session', async () => {
  const r = await inPage(async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    return [m.getVid() === undefined, m.getSid() === undefined];
  });
  assert.deepEqual(r.ok, [true, true]);
});

test('config errors throw synchronously as LpmonError kind "config"', async () => {
  for (const bad of [{ accountId: undefined }, { appInstallationId: '' }, { domain: 'http://example.com' }, { domain: 'not a host' }]) {
    const r = await inPage((lpmon, config) => lpmon.createMonitor(config), bad);
    assert.equal(r.err?.name, 'LpmonError', JSON.stringify(bad));
    assert.equal(r.err.kind, 'config');
    assert.equal(r.err.isError, true);
  }
});

test('validation errors reject before anything is sent', async () => {
  const r = await inPage(async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    const kinds = [];
    for (const req of [
      { engagementAttributes: [{ type: 'nope' }] },
      { engagementAttributes: [{ type: 'cart', total: '12', numItems: 1 }] },
      { engagementAttributes: [{ type: 'impDisplay', campaign: 1, engId: 2 }] },
    ]) {
      try { await m.engage(req); kinds.push('resolved'); } catch (e) { kinds.push(e.name + '/' + e.kind + ': ' + e.message); }
    }
    try { await m.report({ engagementAttributes: [{ type: 'impAccept', campaign: 1, engId: 2 }] }); } catch (e) { kinds.push(e.kind); }
    return kinds;
  });
  assert.equal(r.ok[0], "LpmonError/validation: engagementAttributes[0]: unknown SDE type 'nope'");
  assert.equal(r.ok[1], 'LpmonError/validation: engagementAttributes[0].total must be a number');
  assert.match(r.ok[2], /^LpmonError\/validation: .*impression event 'impDisplay' can only be sent with report/);
  assert.equal(r.ok[3], 'validation', 'impressions without a session');
  assert.equal((await ctl.requests()).length, 0);
});

test('an http error carries status and internalCode and is not retried', async () => {
  await ctl.fault({ match: { endpoint: 'engagement' }, status: 400, internalCode: 5, message: 'bad data' });
  const r = await inPage(async (lpmon, config) => lpmon.createMonitor(config).engage());
  assert.deepEqual(
    { name: r.err.name, kind: r.err.kind, status: r.err.status, internalCode: r.err.internalCode },
    { name: 'LpmonError', kind: 'http', status: 400, internalCode: 5 },
  );
  assert.equal((await calls(ctl, 'engagement')).length, 1);
});

test('report with no session first makes the start-page engage call, then reports with the new ids', async () => {
  const r = await inPage(async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    return m.report({ entryPoints: ['https://shop.example/cart'], engagementAttributes: [{ type: 'cart', total: 250, numItems: 2 }] });
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  const log = await ctl.requests();
  assert.deepEqual(log.map((x) => x.path.split('/').pop()), ['engagement', 'report']);
  assert.equal(log[1].query.vid, r.ok.visitorId);
  assert.equal(log[1].headers['x-http-method-override'], 'PUT');
  assert.deepEqual(Object.keys(r.ok).sort(), ['pageId', 'sessionId', 'visitorId']);
});

test('concurrent first calls create exactly one session', async () => {
  const r = await inPage(async (lpmon, config) => {
    const m = lpmon.createMonitor(config);
    const other = lpmon.createMonitor(config); // same account + app: same state
    const all = await Promise.all([...Array(10)].map((_, i) => (i % 2 ? m : other).engage()));
    return all.map((a) => [a.created, a.visitorId]);
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.equal(r.ok.filter(([created]) => created).length, 1);
  assert.equal(new Set(r.ok.map(([, vid]) => vid)).size, 1);
  assert.equal((await ctl.stats()).sessionsCreated, 1);
});

test('no answer at all is a network error after the configured retries', async () => {
  const r = await inPage(async (lpmon, config) => lpmon.createMonitor(config).engage(), { domain: 'http://127.0.0.1:9', retry: { delaysMs: [10] } });
  assert.equal(r.err.name, 'LpmonError');
  assert.equal(r.err.kind, 'network');
});
});
