// The fault matrix, in Chromium, Firefox and WebKit against the emulator on another origin: what lpmon
// does when the server, the network or the storage misbehave.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite, openManualTab, eventually } from './harness.mjs';
import { BROWSERS, openBrowser } from './browsers.mjs';

/** In the page: a monitor `m` whose events are collected in `window.events`. */
const CREATE = async (cfg) => {
  const { lpmon, api, account, app } = window.lpmonTest;
  window.events = [];
  window.m = lpmon.createMonitor({
    accountId: account, appInstallationId: app, domain: api,
    retry: { delaysMs: [100, 100, 100, 100] },
    onEvent: (e) => window.events.push(e.name),
    ...cfg,
  });
  return [window.m.getVid() ?? null, window.m.getSid() ?? null];
};
const ENGAGE = () => window.m.engage({});
const REPORT = (word) => window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: [word] }] });
const EVENTS = () => window.events;

const reportsOf = (log, word) => log.filter((r) => r.path.endsWith('/report') && JSON.stringify(r.body ?? '').includes(word));
/** The journal's reports in short, for a failure's message: their words, answer and time. */
const reportLog = (log) => log.filter((r) => r.path.endsWith('/report')).map((r) => ({
  words: JSON.stringify(r.body ?? '').match(/"keywords":\["[^"]*"/g)?.map((k) => k.slice(13, -1)),
  status: r.status, dropped: r.dropped, fault: r.fault, time: r.time,
}));

for (const name of BROWSERS) {
  describe(`reliability in ${name}`, () => {
    let suite, emu, ctl, browser, tab;
    before(async () => ({ emu, ctl, browser } = suite = await openBrowserSuite(name, [], { proxy: false })));
    after(() => closeBrowserSuite(suite));
    beforeEach(async () => {
      await ctl.reset();
      tab = await openManualTab(browser, emu.site);
    });
    const open = async (query = '') => {
      await tab.goto(emu.site + '/examples/esm.html?manual' + query);
      await tab.waitFor(() => document.body.dataset.ready === 'yes');
    };
    const finish = () => tab.close();
    /** Offline and back. WebKitGTK has no offline switch reachable over WebDriver: there the API
     * drops every connection instead, and the page is told `online` the way the browser tells it. */
    const offline = async (off) => {
      if (browser.canGoOffline) return tab.setOffline(off);
      if (off) return ctl.fault({ drop: true, times: 1000 });
      await ctl.clearFaults();
      await tab.run(() => { dispatchEvent(new Event('online')); return true; });
    };

    test('"Loading account" (500/20) is retried with the vid it names', async () => {
      await ctl.fault({ match: { endpoint: 'engagement' }, status: 500, internalCode: 20 });
      await tab.run(CREATE, {});
      const r = await tab.run(ENGAGE);
      assert.ok(r.ok, JSON.stringify(r.err));
      const log = await ctl.requests();
      assert.equal(log.length, 2);
      const named = log[0].answer.message.match(/vid: ([A-Za-z0-9_-]+)/)[1];
      assert.equal(log[1].query.vid, named, 'the retry carries the vid from the error');
      assert.equal(log[1].query.sid, undefined, 'no sid: the stored one belonged to no one');
      assert.equal(r.ok.visitorId, named);
      await finish();
    });

    test('400/5 is rejected after exactly one request', async () => {
      await tab.run(CREATE, {});
      await tab.run(ENGAGE);
      await ctl.fault({ match: { endpoint: 'report' }, status: 400, internalCode: 5, message: 'bad data' });
      const r = await tab.run(REPORT, 'once');
      assert.deepEqual([r.err.name, r.err.kind, r.err.status, r.err.internalCode], ['LpmonError', 'http', 400, 5]);
      assert.equal(reportsOf(await ctl.requests(), 'once').length, 1);
      await finish();
    });

    test('503 three times, then success', async () => {
      await ctl.fault({ match: { endpoint: 'engagement' }, status: 503, times: 3 });
      await tab.run(CREATE, {});
      const r = await tab.run(ENGAGE);
      assert.ok(r.ok, JSON.stringify(r.err));
      const log = await ctl.requests();
      assert.deepEqual(log.map((x) => x.status), [503, 503, 503, 201]);
      assert.equal((await tab.run(EVENTS)).ok.filter((e) => e === 'RETRY').length, 3);
      await finish();
    });

    test('429 waits for Retry-After', async () => {
      await ctl.fault({ match: { endpoint: 'engagement' }, status: 429, headers: { 'Retry-After': '1' } });
      await tab.run(CREATE, {});
      const r = await tab.run(ENGAGE);
      assert.ok(r.ok, JSON.stringify(r.err));
      const [first, second] = await ctl.requests();
      assert.equal(first.status, 429);
      assert.ok(second.time - first.time >= 1000, `waited ${second.time - first.time} ms`);
      await finish();
    });

    test('404/39 drops the pair, opens a new session and drops the impressions', async () => {
      await tab.run(CREATE, {});
      const first = (await tab.run(ENGAGE)).ok;
      await ctl.fault({ match: { endpoint: 'report' }, status: 404, internalCode: 39 });
      const r = await tab.run((ctx) => window.m.report({ engagementAttributes: [
        { type: 'impDisplay', campaign: 1, engId: 2, revision: 1, eContext: [{ type: 'engagementContext', id: ctx }] },
        { type: 'searchInfo', keywords: ['after-recovery'] },
      ] }), first.engagementDetails[0].contextId);
      assert.ok(r.ok, JSON.stringify(r.err));
      assert.notEqual(r.ok.sessionId, first.sessionId);
      const log = await ctl.requests();
      const last = log[log.length - 1];
      assert.equal(last.status, 200);
      assert.equal(last.query.sid, r.ok.sessionId);
      assert.deepEqual(last.body.engagementAttributes.map((s) => s.type), ['searchInfo']);
      assert.ok((await tab.run(EVENTS)).ok.includes('IMPRESSIONS_DROPPED'));
      await finish();
    });

    test('a malformed 200 body is an http error, not retried', async () => {
      await ctl.fault({ match: { endpoint: 'engagement' }, malformed: true });
      await tab.run(CREATE, {});
      const r = await tab.run(ENGAGE);
      assert.deepEqual([r.err.kind, r.err.status], ['http', 200]);
      assert.equal((await ctl.requests()).length, 1);
      await finish();
    });

    test('20 engages in two tabs create one session', async () => {
      const other = await browser.newTab();
      await other.goto(emu.site + '/examples/esm.html?manual');
      await other.waitFor(() => document.body.dataset.ready === 'yes');
      const START = () => {
        window.all = Promise.all([...Array(10)].map(() => window.m.engage({}).then((a) => a.visitorId, (e) => e.message)));
        return true;
      };
      await tab.run(CREATE, {});
      await other.run(CREATE, {});
      await tab.run(START);
      await other.run(START);
      const a = (await tab.run(() => window.all)).ok;
      const b = (await other.run(() => window.all)).ok;
      assert.equal(new Set([...a, ...b]).size, 1, JSON.stringify([a, b]));
      assert.equal((await ctl.stats()).sessionsCreated, 1);
      await other.close();
      await finish();
    });

    // Firefox terminates the script of a tab that closes while its pagehide handler runs; the
    // page's lpmon must still answer later calls. Chromium terminates a run on demand (CDP).
    if (name === 'chromium') test('a run the browser terminates half-way does not break later calls', async () => {
      await tab.run(CREATE, {});
      await tab.run(ENGAGE);
      // Attached before the page is busy: a busy renderer cannot take a new session.
      const cdp = await tab.page.context().newCDPSession(tab.page);
      await tab.run(() => {
        // The next REQUEST_COMPLETE (dispatched from inside lpmon's answer handling) spins.
        window.spin = true;
        addEventListener('lpmon', (e) => { if (window.spin && e.detail.name === 'REQUEST_COMPLETE') { window.spin = false; for (;;); } });
        window.m.engage({});
        return true;
      });
      await new Promise((r) => setTimeout(r, 1000));
      await cdp.send('Runtime.terminateExecution');
      const r = await tab.run(() => Promise.race([
        window.m.engage({}).then((a) => a.visitorId, (e) => 'rejected: ' + e.message),
        new Promise((resolve) => setTimeout(() => resolve('no answer in 5 s'), 5000)),
      ]));
      assert.match(String(r.ok), /^[\w-]{10,}$/, JSON.stringify(r));
      assert.deepEqual(tab.errors, []);
      await finish();
    });

    test('reports made while offline are delivered when the browser is back online', async () => {
      await tab.run(CREATE, { retry: { delaysMs: [60000] } });
      await tab.run(ENGAGE);
      await offline(true);
      await tab.run((w) => { window.pending = window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: [w] }] }); return true; }, 'while-offline');
      await eventually(async () => (await tab.run(EVENTS)).ok.includes('RETRY'), 5000, 'the first attempt to fail');
      const t0 = Date.now();
      await offline(false);
      const r = await tab.run(() => window.pending);
      assert.ok(r.ok, JSON.stringify(r.err));
      assert.ok(Date.now() - t0 < 10000, 'delivered on "online", not after the 60 s pause');
      const accepted = reportsOf(await ctl.requests(), 'while-offline').filter((x) => x.status === 200);
      assert.equal(accepted.length, 1);
      await finish();
    });

    test('a report waiting for a retry at reload is delivered after the reload, once', async () => {
      await tab.run(CREATE, { retry: { delaysMs: [60000] } });
      await tab.run(ENGAGE);
      await ctl.fault({ match: { endpoint: 'report' }, status: 503 });
      await tab.run((w) => { window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: [w] }] }).catch(() => {}); return true; }, 'across-reload');
      // The page must have heard the 503 (it stores the report then): one still on the wire at
      // page hide is the keepalive request's, and is not sent again by the next page.
      await eventually(async () => (await tab.run(EVENTS)).ok.includes('RETRY'), 5000, 'the 503 to reach the page');
      await tab.reload();
      await tab.waitFor(() => document.body.dataset.ready === 'yes');
      await tab.run(CREATE, {});
      // The new page looks again 2 s and 10 s after start when the old page's lock is still held.
      await eventually(async () => reportsOf(await ctl.requests(), 'across-reload').some((x) => x.status === 200), 15000, 'delivery after reload');
      await new Promise((r) => setTimeout(r, 500));
      const all = reportsOf(await ctl.requests(), 'across-reload');
      assert.deepEqual(all.map((x) => x.status), [503, 200], 'one failure, then exactly one delivery');
      await finish();
    });

    test('reports waiting at page hide leave with keepalive as the page goes, each once', async () => {
      await tab.run(CREATE, {});
      await tab.run(ENGAGE);
      // The first report stays on the wire for 2 s; the next two wait behind it.
      await ctl.fault({ match: { endpoint: 'report' }, delayMs: 2000 });
      const LATER = (words) => {
        for (const w of words) window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: [w] }] }).catch(() => {});
        return true;
      };
      await tab.run(LATER, ['hide-first']);
      await new Promise((r) => setTimeout(r, 300));
      await tab.run(LATER, ['hide-second', 'hide-third']);
      // The next page has no lpmon: only the page going away can send them. Firefox may end the
      // pagehide handler of a page the browser itself navigates away from (URL bar, back;
      // WebDriver's navigation is one): in 3 of 150 such runs of 11 reports, 10, 10 and 1 were
      // not handed over; they stay stored for the next page view (which sent them, where that was
      // checked). In Firefox the page leaves by itself, as a visitor following a link does (0
      // lost in 60 runs).
      if (name === 'firefox') {
        await tab.run(() => { setTimeout(() => { location.href = 'about:blank'; }, 0); return true; });
        await tab.waitFor(() => location.href === 'about:blank');
      } else {
        await tab.goto('about:blank');
      }
      const words = ['hide-first', 'hide-second', 'hide-third'];
      await eventually(async () => {
        const log = await ctl.requests();
        return words.every((w) => reportsOf(log, w).some((x) => x.status === 200));
      }, 10000, 'all three reports delivered after the page went').catch(async (e) => {
        e.message += '; the reports that came: ' + JSON.stringify(reportLog(await ctl.requests()));
        throw e;
      });
      await new Promise((r) => setTimeout(r, 500));
      const log = await ctl.requests();
      for (const w of words) assert.deepEqual(reportsOf(log, w).map((x) => x.status), [200], `${w}: ${JSON.stringify(reportLog(log))}`);
      await finish();
    });

    test('a report on the wire at reload is delivered exactly once', async () => {
      await tab.run(CREATE, {});
      await tab.run(ENGAGE);
      await ctl.fault({ match: { endpoint: 'report' }, delayMs: 1500 });
      await tab.run((w) => { window.m.report({ engagementAttributes: [{ type: 'searchInfo', keywords: [w] }] }).catch(() => {}); return true; }, 'in-flight');
      await eventually(async () => reportsOf(await ctl.requests(), 'in-flight').length >= 0, 200);
      await tab.reload();
      await tab.waitFor(() => document.body.dataset.ready === 'yes');
      await tab.run(CREATE, {});
      await new Promise((r) => setTimeout(r, 2500));
      const all = reportsOf(await ctl.requests(), 'in-flight');
      assert.equal(all.length, 1, JSON.stringify(all.map((x) => x.status)));
      assert.equal(all[0].status, 200);
      await finish();
    });

    for (const [mode, expectEvent] of [['blocked', 'STORAGE_FALLBACK'], ['null', 'STORAGE_FALLBACK'], ['quota', 'STORAGE_FALLBACK'], ['corrupt', 'STORAGE_IGNORED']]) {
      test(`storage ${mode}: lpmon keeps working and says so once`, async () => {
        await open('&storage=' + mode);
        const before = await tab.run(CREATE, {});
        assert.deepEqual(before.ok, [null, null]);
        const r = await tab.run(ENGAGE);
        assert.ok(r.ok, JSON.stringify(r.err));
        const second = await tab.run(ENGAGE);
        assert.equal(second.ok.created, false, 'the pair is kept (in memory) and sent back');
        assert.equal((await tab.run(() => window.m.getVid())).ok, r.ok.visitorId);
        const events = (await tab.run(EVENTS)).ok;
        assert.equal(events.filter((e) => e === expectEvent).length, 1, JSON.stringify(events));
        assert.deepEqual(tab.errors, []);
        await finish();
      });
    }

    test('storage cleared between calls: a new visitor, an event, and the parked report still delivered', async () => {
      await tab.run(CREATE, { retry: { delaysMs: [50] } });
      const first = (await tab.run(ENGAGE)).ok;
      await ctl.fault({ match: { endpoint: 'report' }, status: 503, times: 2 });
      const parked = await tab.run(REPORT, 'held-in-memory');
      assert.deepEqual([parked.err?.kind, parked.err?.status], ['http', 503], 'retries ran out: parked');
      // What "clear site data", private mode's end or Safari's 7-day cap do to lpmon's keys.
      await tab.run(() => { localStorage.clear(); return true; });
      assert.equal((await tab.run(() => window.m.getVid() ?? null)).ok, null);
      const again = await tab.run(ENGAGE);
      assert.ok(again.ok, JSON.stringify(again.err));
      assert.equal(again.ok.created, true);
      assert.notEqual(again.ok.visitorId, first.visitorId, 'a new visitor');
      const engagements = (await ctl.requests()).filter((r) => r.path.endsWith('/engagement'));
      assert.equal(engagements.at(-1).query.vid, undefined, 'nothing stale sent');
      const events = (await tab.run(EVENTS)).ok;
      assert.equal(events.filter((e) => e === 'STORAGE_CLEARED').length, 1, JSON.stringify(events));
      // A report that succeeds clears the way for the parked one, which was only in memory now.
      const r = await tab.run(REPORT, 'after-clear');
      assert.ok(r.ok, JSON.stringify(r.err));
      await eventually(async () => reportsOf(await ctl.requests(), 'held-in-memory').some((x) => x.status === 200), 5000, 'the parked report');
      const held = reportsOf(await ctl.requests(), 'held-in-memory');
      assert.deepEqual(held.map((x) => x.status), [503, 503, 200], 'delivered once');
      assert.equal(held.at(-1).query.vid, again.ok.visitorId);
      assert.deepEqual(tab.errors, []);
      await finish();
    });

    if (name === 'webkit') {
      test('in private browsing (MiniBrowser --private) lpmon keeps the pair for the page and sends it back', async () => {
        const priv = await openBrowser('webkit', { private: true });
        try {
          const p = await priv.newTab();
          await p.goto(emu.site + '/examples/esm.html?manual');
          await p.waitFor(() => document.body.dataset.ready === 'yes');
          await p.run(CREATE, {});
          const first = await p.run(ENGAGE);
          assert.ok(first.ok, JSON.stringify(first.err));
          const second = await p.run(ENGAGE);
          assert.equal(second.ok.created, false, 'the pair is kept and sent back');
          assert.equal(second.ok.visitorId, first.ok.visitorId);
          // A second tab of the private window sees the same visitor.
          const other = await priv.newTab();
          await other.goto(emu.site + '/examples/esm.html?manual');
          await other.waitFor(() => document.body.dataset.ready === 'yes');
          assert.deepEqual((await other.run(CREATE, {})).ok, [first.ok.visitorId, first.ok.sessionId]);
          assert.equal((await ctl.stats()).sessionsCreated, 1);
          const events = (await p.run(EVENTS)).ok;
          assert.deepEqual(events.filter((e) => e.startsWith('STORAGE_')), [], 'storage works in private mode');
        } finally {
          await priv.close();
        }
        await finish();
      });
    }

    test('the demo works under a strict CSP', async () => {
      await tab.goto(emu.site + '/?csp=strict');
      await tab.waitFor(() => {
        const b = document.getElementById('message-us');
        return b && !b.hidden;
      });
      assert.equal((await ctl.stats()).sessionsCreated, 1);
      assert.deepEqual(tab.errors, []);
      await finish();
    });
  });
}
