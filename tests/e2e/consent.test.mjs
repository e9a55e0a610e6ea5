// Consent, in every browser of browsers.mjs against the emulator: before consent nothing is
// stored (localStorage and sessionStorage stay empty) and nothing reaches the server; after it the
// waiting calls go in call order with one session; after withdrawal nothing is left and nothing
// is sent. Also the script tag's data-consent="pending" with the lpTag layer, GPC, and reset().
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite, openManualTab, eventually } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

/** In the page: monitor `m` with `cfg`; its events go to window.events. */
const CREATE = async (cfg) => {
  const { lpmon, api, account, app } = window.lpmonTest;
  window.events = [];
  window.m = lpmon.createMonitor({
    accountId: account, appInstallationId: app, domain: api,
    retry: { delaysMs: [100] },
    onEvent: (e) => window.events.push(e.name),
    ...cfg,
  });
  return true;
};
/** Starts `calls` ([method, word]) on `m` without waiting; their outcomes land in window.outcomes. */
const START = (calls) => {
  window.outcomes = [];
  window.done = Promise.all(calls.map(([method, word], i) => {
    const req = method === 'engage'
      ? { entryPoints: [location.href, 'sec://' + word] }
      : { engagementAttributes: [{ type: 'searchInfo', keywords: [word] }] };
    return window.m[method](req).then(
      (a) => { window.outcomes[i] = a.sessionId; },
      (e) => { window.outcomes[i] = e.kind; });
  }));
  return true;
};
/** Everything lpmon could have left in the page's storage. */
const STORAGE = () => ({
  local: Object.keys(localStorage),
  session: Object.keys(sessionStorage),
});
/** What each Monitoring request carried: the section or keyword, then the session. */
const wire = (log) => log.filter((r) => /\/(engagement|report)$/.test(r.path)).map((r) => {
  const sde = r.body?.engagementAttributes?.[0];
  const what = sde?.keywords?.[0] ?? r.body?.entryPoints?.[1]?.replace('sec://', '') ?? 'start page';
  return what;
});
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

for (const name of BROWSERS) {
  describe(`consent in ${name}`, () => {
    let suite, emu, ctl, browser, tab;
    before(async () => ({ emu, ctl, browser } = suite = await openBrowserSuite(name, [], { proxy: false })));
    after(() => closeBrowserSuite(suite));
    beforeEach(async () => {
      tab = await openManualTab(browser, emu.site, { session: true });
      await ctl.resetWhenQuiet();
    });

    test('pending: nothing stored, nothing sent; granted: sent in call order, one session', async () => {
      await tab.run(CREATE, { consent: 'pending' });
      await tab.run(START, [['report', 'cart'], ['engage', 'product'], ['report', 'search']]);
      await pause(700);
      assert.deepEqual((await tab.run(STORAGE)).ok, { local: [], session: [] });
      assert.deepEqual(await ctl.requests(), [], 'the server heard nothing');
      assert.equal((await tab.run(() => window.m.getVid() ?? null)).ok, null);
      assert.deepEqual((await tab.run(() => window.outcomes)).ok, [], 'the calls wait');

      await tab.run(() => { window.m.setConsent('granted'); return true; });
      await tab.run(() => window.done);
      const outcomes = (await tab.run(() => window.outcomes)).ok;
      assert.equal(new Set(outcomes).size, 1, `one session for all: ${JSON.stringify(outcomes)}`);
      // The report came first and had no session: its start-page call opened it.
      assert.deepEqual(wire(await ctl.requests()), ['start page', 'cart', 'product', 'search']);
      assert.equal((await ctl.stats()).sessionsCreated, 1);
      const stored = (await tab.run(STORAGE)).ok.local;
      assert.ok(stored.some((k) => k.startsWith('lpmon:')), JSON.stringify(stored));
      await tab.close();
    });

    test('denied, and consent withdrawn: calls reject with kind consent, keys gone, nothing sent', async () => {
      await tab.run(CREATE, {});
      await tab.run(START, [['engage', 'first'], ['report', 'before']]);
      await tab.run(() => window.done);
      assert.ok((await tab.run(STORAGE)).ok.local.length > 0);
      const sent = (await ctl.requests()).length;

      await tab.run(() => { window.m.setConsent('denied'); return true; });
      assert.deepEqual((await tab.run(STORAGE)).ok, { local: [], session: [] });
      assert.deepEqual((await tab.run(() => [window.m.getVid() ?? null, window.m.getSid() ?? null])).ok, [null, null]);
      await tab.run(START, [['engage', 'after'], ['report', 'after']]);
      await tab.run(() => window.done);
      assert.deepEqual((await tab.run(() => window.outcomes)).ok, ['consent', 'consent']);
      await pause(300);
      assert.equal((await ctl.requests()).length, sent, 'nothing after withdrawal');
      assert.deepEqual((await tab.run(STORAGE)).ok.local, []);

      // A monitor created with consent denied never stores or sends.
      await ctl.reset();
      await tab.goto(emu.site + '/examples/esm.html?manual');
      await tab.waitFor(() => document.body.dataset.ready === 'yes');
      await tab.run(CREATE, { consent: 'denied' });
      await tab.run(START, [['engage', 'x']]);
      await tab.run(() => window.done);
      assert.deepEqual((await tab.run(() => window.outcomes)).ok, ['consent']);
      assert.deepEqual(await ctl.requests(), []);
      await tab.close();
    });

    test('respectGlobalPrivacyControl: a browser sending GPC counts as denied', async () => {
      await tab.run(() => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { configurable: true, get: () => true });
        return true;
      });
      await tab.run(CREATE, { respectGlobalPrivacyControl: true });
      await tab.run(START, [['engage', 'gpc']]);
      await tab.run(() => window.done);
      assert.deepEqual((await tab.run(() => window.outcomes)).ok, ['consent']);
      assert.deepEqual(await ctl.requests(), []);
      assert.deepEqual((await tab.run(STORAGE)).ok.local, []);
      await tab.close();
    });

    test('GPC is opt-in: without respectGlobalPrivacyControl the call goes', async () => {
      await tab.run(() => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { configurable: true, get: () => true });
        return true;
      });
      await tab.run(CREATE, {});
      await tab.run(START, [['engage', 'no-gpc']]);
      await tab.run(() => window.done);
      assert.equal(wire(await ctl.requests()).length, 1);
      await tab.close();
    });

    test('reset() forgets the visitor: the next call starts a new one', async () => {
      await tab.run(CREATE, {});
      await tab.run(START, [['engage', 'signed-in']]);
      await tab.run(() => window.done);
      const vid = (await tab.run(() => window.m.getVid())).ok;
      assert.ok(vid);
      await tab.run(() => { window.m.reset(); return true; });
      assert.deepEqual((await tab.run(() => [window.m.getVid() ?? null, window.m.getSid() ?? null])).ok, [null, null]);
      assert.deepEqual((await tab.run(STORAGE)).ok.local, []);
      await tab.run(START, [['engage', 'signed-out']]);
      await tab.run(() => window.done);
      const last = (await ctl.requests()).at(-1);
      assert.equal(last.query.vid, undefined, 'no vid: a new visitor');
      assert.notEqual((await tab.run(() => window.m.getVid())).ok, vid);
      await tab.close();
    });

    test('script tag: data-consent="pending" holds lpmon and the lpTag layer until lpmon.setConsent', async () => {
      await tab.goto(emu.site + '/examples/consent.html');
      await tab.waitFor(() => window.lpmon && typeof window.lpmon.ready.then === 'function');
      assert.equal((await tab.run(() => window.lpmon.ready)).ok, true);
      await pause(700);
      assert.deepEqual((await tab.run(STORAGE)).ok, { local: [], session: [] });
      assert.deepEqual(await ctl.requests(), [], 'not even the start-page call');
      assert.deepEqual((await tab.run(() => window.lpmonLog)).ok, []);

      await tab.run(() => { document.getElementById('accept').click(); return true; });
      await tab.waitFor(() => window.lpmonLog.length === 2);
      assert.deepEqual((await tab.run(() => window.lpmonLog)).ok, ['cart', 'engage']);
      const log = await ctl.requests();
      // The lpTag layer's start page first (as with the web tag), then the page's calls in order.
      assert.deepEqual(log.map((r) => r.path.split('/').pop()), ['engagement', 'report', 'engagement']);
      assert.equal(log[1].body.engagementAttributes[0].type, 'cart');
      assert.equal(log[2].body.entryPoints[1], 'sec://after-cart');
      assert.equal((await ctl.stats()).sessionsCreated, 1);

      // Withdrawn from the page: every key gone, nothing more sent.
      await tab.run(() => { window.lpmon.setConsent('denied'); return true; });
      assert.deepEqual((await tab.run(STORAGE)).ok.local, []);
      const r = await tab.run(() => window.lpmon.engage({}));
      assert.equal(r.err.kind, 'consent');
      assert.equal((await ctl.requests()).length, 3);
      await tab.close();
    });

    test('script tag: consent given before lpmon.js arrived applies when it starts', async () => {
      // The page gives consent before lpmon.js has arrived: the snippet queues it with the calls.
      await tab.goto(emu.site + '/examples/consent.html?early');
      await tab.waitFor(() => window.lpmonLog.length === 2);
      assert.equal((await tab.run(() => window.queuedBeforeLoad)).ok, 3, 'cart, engage and setConsent were queued');
      assert.deepEqual((await tab.run(() => window.lpmonLog)).ok, ['cart', 'engage']);
      await eventually(async () => (await ctl.requests()).length === 3, 5000, 'three requests');
      await tab.close();
    });
  });
}
