// The visitor outlives the session, in every browser of browsers.mjs: past 30 idle minutes and
// past 6 hours the next call sends the vid alone, the emulator answers 201 with a new session for
// the same visitor, and the getters follow. The page's clock is moved by Playwright's clock in
// Chromium, and in Firefox and WebKit (WebDriver has no clock) by an init script of the site proxy
// that shifts Date.now() and new Date() (what lpmon reads: src/platform/js.rs) by an offset kept
// in sessionStorage, so it survives a reload. Moving it does not fire the page's timers.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite, freshContext } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

const T = { timeout: 120000 };

/** Init script (Firefox, WebKit): Date shifted by sessionStorage's offset; window.__lpmonTestAdvance(ms) moves it. */
function shiftedClock() {
  var KEY = '__lpmon_test_clock_offset__';
  var Real = Date;
  var offset = function () { return Number(sessionStorage.getItem(KEY)) || 0; };
  function ShiftedDate() {
    var shifted = new Real(Real.now() + offset());
    if (!new.target) return shifted.toString();
    return arguments.length ? new (Function.prototype.bind.apply(Real, [null].concat([].slice.call(arguments))))() : shifted;
  }
  ShiftedDate.prototype = Real.prototype;
  ShiftedDate.now = function () { return Real.now() + offset(); };
  ShiftedDate.parse = Real.parse;
  ShiftedDate.UTC = Real.UTC;
  window.Date = ShiftedDate;
  window.__lpmonTestAdvance = function (ms) {
    sessionStorage.setItem(KEY, String(offset() + ms));
    return offset();
  };
  // The page's own Date.now() (Firefox's WebDriver scripts have a Date of their own).
  window.__lpmonTestNow = function () { return ShiftedDate.now(); };
}

for (const name of BROWSERS) {
  describe(`visitor and session in ${name}`, () => {
    let suite, ctl, site, browser, context, tab;

    before(async () => {
      ({ ctl, site, browser } = suite = await openBrowserSuite(name));
      if (name !== 'chromium') site.init(shiftedClock);
    });
    after(async () => {
      await context?.close();
      await closeBrowserSuite(suite);
    });
    beforeEach(async () => {
      context = await freshContext(suite, context, { keepSite: true });
      tab = await context.newTab();
      // Fake timers from the first script on; time still flows until a test moves it.
      if (name === 'chromium') await tab.page.clock.install();
      await tab.goto(site.origin + '/examples/esm.html?manual');
      await tab.waitFor(() => document.body.dataset.ready === 'yes');
      if (name !== 'chromium') assert.equal(await tab.evaluate(() => typeof window.__lpmonTestAdvance), 'function');
      await tab.evaluate(() => {
        const { lpmon, api, account, app } = window.lpmonTest;
        window.m = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api });
        return true;
      });
    });

    /** Moves the page's clock `ms` ahead. */
    const forward = async (ms) => {
      if (name === 'chromium') return tab.page.clock.fastForward(ms);
      const before = await tab.evaluate(() => window.__lpmonTestNow());
      await tab.evaluate((n) => window.__lpmonTestAdvance(n), ms);
      assert.ok(await tab.evaluate(() => window.__lpmonTestNow()) >= before + ms, 'the page clock moved');
    };
    const engage = () => tab.evaluate(() => window.m.engage({}).then((a) => ({ vid: a.visitorId, sid: a.sessionId, created: a.created })));
    const getters = () => tab.evaluate(() => [window.m.getVid() ?? null, window.m.getSid() ?? null]);
    const lastEngagement = async () => (await ctl.requests()).filter((r) => r.path.endsWith('/engagement')).at(-1);
    const MIN = 60000;

    test('after 30 idle minutes: getSid() is undefined, getVid() is not, and the vid goes alone', T, async () => {
      const first = await engage();
      assert.equal(first.created, true);
      assert.deepEqual(await getters(), [first.vid, first.sid]);

      await forward(30 * MIN + 1000);
      assert.deepEqual(await getters(), [first.vid, null], 'the session is over, the visitor is not');
      const next = await engage();
      const sent = await lastEngagement();
      assert.equal(sent.query.vid, first.vid);
      assert.equal(sent.query.sid, undefined, 'no sid on the wire');
      assert.equal(sent.status, 201);
      assert.deepEqual([next.vid, next.created], [first.vid, true], 'the same visitor, a new session');
      assert.notEqual(next.sid, first.sid);
      assert.deepEqual(await getters(), [first.vid, next.sid]);
    });

    test('after 6 hours, however active: the vid goes alone', T, async () => {
      const first = await engage();
      // Calls every 20 minutes keep the session alive ...
      for (let i = 0; i < 17; i++) {
        await forward(20 * MIN);
        await ctl.advance(20 * MIN);
        const again = await engage();
        assert.equal(again.sid, first.sid, `still the first session after ${(i + 1) * 20} minutes`);
      }
      // ... until it is 6 hours old (5 h 40 min so far).
      await forward(20 * MIN + 1000);
      await ctl.advance(20 * MIN + 1000);
      assert.deepEqual(await getters(), [first.vid, null]);
      const next = await engage();
      const sent = await lastEngagement();
      assert.deepEqual([sent.query.vid, sent.query.sid, sent.status], [first.vid, undefined, 201]);
      assert.deepEqual([next.vid, next.created], [first.vid, true]);
      assert.notEqual(next.sid, first.sid);
      const sessions = (await ctl.sessions()).filter((s) => s.visitorId === first.vid);
      assert.equal(sessions.length, 2, 'the emulator keeps one visitor with two sessions');
    });

    test('a reload after the session ended keeps the visitor (stored state is read)', T, async () => {
      const first = await engage();
      await forward(45 * MIN);
      await tab.reload();
      await tab.waitFor(() => document.body.dataset.ready === 'yes');
      const ids = await tab.evaluate(() => {
        const { lpmon, api, account, app } = window.lpmonTest;
        window.m = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api });
        return [window.m.getVid() ?? null, window.m.getSid() ?? null];
      });
      assert.deepEqual(ids, [first.vid, null]);
    });
  });
}
