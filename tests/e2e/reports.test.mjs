// What a report's promise means, in every browser of browsers.mjs against the emulator's faults:
// any 2xx answer delivered it (an empty body, 204 or {} keep the pair); a report lpmon keeps
// rejects with `queued: true` and is delivered later, once, with an event; a rejection without
// `queued` is final.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite, openManualTab, eventually } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

const CREATE = async () => {
  const { lpmon, api, account, app } = window.lpmonTest;
  window.events = [];
  window.m = lpmon.createMonitor({
    accountId: account, appInstallationId: app, domain: api,
    retry: { delaysMs: [50] },
    onEvent: (e) => window.events.push(e.name),
  });
  const a = await window.m.engage({});
  return [a.visitorId, a.sessionId];
};
/** A report of `word`: its result, or the error's kind, queued flag and status. */
const REPORT = (word) => window.m.report({ pageId: 'p-' + word, engagementAttributes: [{ type: 'searchInfo', keywords: [word] }] })
  .then((ok) => ({ ok }), (e) => ({ kind: e.kind, queued: e.queued ?? null, status: e.status ?? null }));
const IDS = () => [window.m.getVid() ?? null, window.m.getSid() ?? null];
const reportsOf = (log, word) => log.filter((r) => r.path.endsWith('/report') && JSON.stringify(r.body ?? '').includes(word));

for (const name of BROWSERS) {
  describe(`report outcomes in ${name}`, () => {
    let suite, emu, ctl, browser, tab;
    before(async () => ({ emu, ctl, browser } = suite = await openBrowserSuite(name, [], { proxy: false })));
    after(() => closeBrowserSuite(suite));
    beforeEach(async () => {
      tab = await openManualTab(browser, emu.site);
      await ctl.resetWhenQuiet();
    });

    for (const [status, body] of [[200, ''], [204, ''], [200, '{}']]) {
      test(`a ${status} with body ${JSON.stringify(body)} delivers the report and keeps the pair`, async () => {
        const ids = (await tab.run(CREATE)).ok;
        await ctl.fault({ match: { endpoint: 'report' }, status, body });
        const r = (await tab.run(REPORT, 'odd')).ok;
        assert.deepEqual(r.ok, { visitorId: ids[0], sessionId: ids[1], pageId: 'p-odd' });
        assert.deepEqual((await tab.run(IDS)).ok, ids);
        const sent = reportsOf(await ctl.requests(), 'odd');
        assert.deepEqual(sent.map((x) => x.status), [status], 'delivered once, not retried');
        await tab.close();
      });
    }

    test('a report lpmon keeps rejects with queued: true and is delivered later, once', async () => {
      await tab.run(CREATE);
      // Two 503s: the attempt and its one retry (the server in trouble: the report is kept).
      await ctl.fault({ match: { endpoint: 'report' }, status: 503, times: 2 });
      const first = (await tab.run(REPORT, 'kept')).ok;
      assert.deepEqual(first, { kind: 'http', queued: true, status: 503 });
      // The next report that goes through clears the way for the kept one.
      const next = (await tab.run(REPORT, 'next')).ok;
      assert.ok(next.ok, JSON.stringify(next));
      await eventually(async () => (await tab.run(() => window.events)).ok.includes('QUEUE_DELIVERED'), 5000, 'QUEUE_DELIVERED');
      const kept = reportsOf(await ctl.requests(), 'kept');
      assert.deepEqual(kept.map((x) => x.status), [503, 503, 200], 'two failed attempts, then delivered exactly once');

      // A refusal is final: no queued flag, and nothing is kept.
      await ctl.fault({ match: { endpoint: 'report' }, status: 400, internalCode: 5 });
      const refused = (await tab.run(REPORT, 'refused')).ok;
      assert.deepEqual(refused, { kind: 'http', queued: null, status: 400 });
      assert.deepEqual((await tab.run(() => Object.keys(localStorage).filter((k) => k.includes(':q:')))).ok, []);
      await tab.close();
    });
  });
}
