// lpmon.track(): impressions that count themselves, in every browser of browsers.mjs against the
// emulator, checked on the wire (the emulator's journal). The page (www/examples/track.html) has
// its engagement button below the fold. Also debug mode's IMPRESSION_MISSING audit (its console
// warning is read in Chromium only: WebDriver classic cannot read a page's console).
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite, freshContext, calls, eventually, EXAMPLE_CAMPAIGNS, ACCOUNT, APP } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

const T = { timeout: 60000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (const name of BROWSERS) {
  describe(`track() in ${name}`, () => {
    let suite, ctl, site, browser, context;
    before(async () => ({ ctl, site, browser } = suite = await openBrowserSuite(name, ['--campaigns', EXAMPLE_CAMPAIGNS])));
    after(async () => {
      await context?.close();
      await closeBrowserSuite(suite);
    });
    beforeEach(async () => {
      context = await freshContext(suite, context);
    });

    /** The impression events that reached the emulator, in order: [{type, ...sde, query}]. */
    async function impressions() {
      return (await calls(ctl, 'report')).flatMap((r) => (r.body?.engagementAttributes || [])
        .filter((s) => s.type.startsWith('imp')).map((s) => ({ ...s, sid: r.query.sid, status: r.status })));
    }
    const count = async (type) => (await impressions()).filter((s) => s.type === type).length;

    /** Opens the track page, engages, and starts tracking #offer; resolves to {page, offer, answer, errors}. */
    async function open(query = '', { trackNow = true, ctx = context } = {}) {
      const page = await ctx.newTab();
      await page.goto(site.origin + '/examples/track.html' + query);
      const answer = await page.evaluate(async () => {
        await lpmon.ready;
        window.accepts = [];
        window.events = [];
        addEventListener('lpmon', (e) => events.push(e.detail));
        const a = await lpmon.engage({ entryPoints: [location.href] });
        window.offer = a.engagementDetails.find((d) => d.status === 'expose');
        return a;
      });
      const offer = answer.engagementDetails.find((d) => d.status === 'expose');
      assert.ok(offer, 'the example campaigns expose an engagement on a plain page');
      if (trackNow) await page.evaluate(() => { window.tracked = lpmon.track(document.getElementById('offer'), offer, { onAccept: (c) => accepts.push(c) }); return true; });
      // Uncaught errors of the page: the site proxy hears them in every browser (Chromium's tab too).
      const errors = () => [...site.errors, ...page.errors];
      return { page, offer, answer, errors };
    }

    const scrollTo = (page, selector) => page.evaluate((s) => { document.querySelector(s).scrollIntoView({ block: 'center' }); return true; }, selector);
    const scrollTop = (page) => page.evaluate(() => { window.scrollTo(0, 0); return true; });
    /** Emulates the page going to the background ('hidden') or the front ('visible'). */
    const visibility = (page, state) => page.evaluate((s) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
      return performance.now();
    }, state);

    /** When the first report request at or after `t` left the page, on its clock (resource
     * timing), or null. Timing a second from this side instead would start at the reply to a
     * command, which under WebKit's driver can come long after the page acted on it. The entry
     * appears only once the answer has been read, which can trail the emulator's journal, so the
     * page waits up to 3 s for it. */
    const sentAfter = (page, t) => page.evaluate(async (after) => {
      for (const end = performance.now() + 3000; ;) {
        const sent = performance.getEntriesByType('resource').find((e) => /\/report\b/.test(e.name) && e.startTime >= after);
        if (sent) return sent.startTime;
        if (performance.now() > end) return null;
        await new Promise((r) => setTimeout(r, 50));
      }
    }, t);
    const since = (sentAt, t) => (sentAt === null ? 'never' : `${Math.round(sentAt - t)} ms`);

    test('below the fold nothing is reported; in view for 1 s, one impDisplay with its eContext; out and back, still one', T, async () => {
      const { page, offer, answer, errors } = await open();
      assert.equal(await page.evaluate(() => lpTag.taglets.lp_monitoringSDK.track === lpmon.track), true, 'also where lpTag page code looks');
      await sleep(2000);
      assert.equal(await count('impDisplay'), 0, 'below the fold: nothing');

      // Both ends on the page's own clock: the scroll, and the report request leaving.
      const scrolledAt = await page.evaluate(() => { document.querySelector('#offer').scrollIntoView({ block: 'center' }); return performance.now(); });
      const [display] = await eventually(async () => {
        const d = (await impressions()).filter((s) => s.type === 'impDisplay');
        return d.length ? d : null;
      }, 5000, 'impDisplay');
      const sentAt = await sentAfter(page, scrolledAt);
      assert.ok(sentAt !== null && sentAt - scrolledAt >= 1000, `not before one second in view (sent ${since(sentAt, scrolledAt)} after the scroll)`);
      assert.deepEqual({ ...display, sid: undefined, status: undefined }, {
        type: 'impDisplay', campaign: offer.campaignId, engId: offer.engagementId, revision: offer.engagementRevision,
        eContext: [{ type: 'engagementContext', id: offer.contextId }], sid: undefined, status: undefined,
      });
      assert.equal(display.sid, answer.sessionId);
      assert.equal(display.status, 200);

      await scrollTop(page);
      await sleep(300);
      await page.evaluate(() => { window.scrollBy(0, 700); return true; });
      await scrollTo(page, '#offer');
      await sleep(1800);
      assert.equal(await count('impDisplay'), 1, 'scrolled out and back: still one');
      assert.deepEqual(errors(), []);
    });

    test('in view for less than a second, nothing; a page in a background tab reports nothing until it is in front', T, async () => {
      const { page } = await open();
      // Half a second in view, then out: not viewable. Timed in the page: two commands half a
      // second apart could be further apart there.
      await page.evaluate(async () => {
        document.querySelector('#offer').scrollIntoView({ block: 'center' });
        await new Promise((r) => setTimeout(r, 500));
        window.scrollTo(0, 0);
        return true;
      });
      await sleep(1500);
      assert.equal(await count('impDisplay'), 0, 'half a second is not a display');

      // A background tab: a headless browser keeps its page visible (and over WebDriver the tab
      // in front is the one the driver talks to), so the page's visibility is emulated the way
      // the browser reports it.
      await visibility(page, 'hidden');
      await scrollTo(page, '#offer');
      await sleep(2000);
      assert.equal(await count('impDisplay'), 0, 'hidden page: nothing');

      // Both ends on the page's own clock: the page coming to the front, and the report leaving.
      const frontAt = await visibility(page, 'visible');
      await eventually(async () => (await count('impDisplay')) === 1, 5000, 'impDisplay once visible');
      const sentAt = await sentAfter(page, frontAt);
      assert.ok(sentAt !== null && sentAt - frontAt >= 1000, `a second after the page came to the front (sent ${since(sentAt, frontAt)} after)`);
    });

    test('one click: one impAccept and one onAccept with the right engagement; a second click adds nothing', T, async () => {
      const { page, offer, answer } = await open();
      await scrollTo(page, '#offer');
      await page.click('#offer');
      await eventually(async () => (await count('impAccept')) === 1, 5000, 'impAccept');
      await page.click('#offer');
      await sleep(1500);
      const all = await impressions();
      const accepts = all.filter((s) => s.type === 'impAccept');
      assert.equal(accepts.length, 1);
      assert.deepEqual(accepts[0].eContext, [{ type: 'engagementContext', id: offer.contextId }]);
      assert.equal(accepts[0].campaign, offer.campaignId);
      assert.equal(accepts[0].engId, offer.engagementId);
      // A click means it was seen: the display is there too, once, before the accept.
      assert.deepEqual(all.map((s) => s.type), ['impDisplay', 'impAccept']);
      const calledWith = await page.evaluate(() => window.accepts);
      assert.equal(calledWith.length, 1, 'onAccept once');
      assert.deepEqual(calledWith[0].campaignInfo, { campaignId: offer.campaignId, engagementId: offer.engagementId });
      assert.equal(calledWith[0].conversationContext.interactionContextId, offer.contextId);
      assert.equal(calledWith[0].conversationContext.visitorId, answer.visitorId);
      assert.equal(calledWith[0].conversationContext.sessionId, answer.sessionId);
    });

    test('keyboard activation of a button (Enter) is an accept', T, async () => {
      const { page } = await open();
      await scrollTo(page, '#offer');
      await page.evaluate(() => { document.getElementById('offer').focus(); return document.activeElement.id; });
      assert.equal(await page.evaluate(() => document.activeElement.id), 'offer');
      await page.press('Enter');
      await eventually(async () => (await count('impAccept')) === 1, 5000, 'impAccept from Enter');
      await page.press(' ');
      await sleep(1000);
      assert.equal(await count('impAccept'), 1);
      assert.equal(await page.evaluate(() => window.accepts.length), 1);
    });

    test('close() reports impClose for a displayed engagement, and nothing for one never displayed', T, async () => {
      const { page, offer } = await open();
      await page.evaluate(() => { window.tracked.close(); return true; });
      await sleep(1000);
      assert.equal((await impressions()).length, 0, 'never displayed: close reports nothing');

      await page.evaluate(() => { window.tracked = lpmon.track(document.getElementById('offer'), offer); return true; });
      await scrollTo(page, '#offer');
      await eventually(async () => (await count('impDisplay')) === 1, 5000, 'impDisplay');
      await page.evaluate(() => { window.tracked.close(); return true; });
      const close = await eventually(async () => (await impressions()).find((s) => s.type === 'impClose'), 5000, 'impClose');
      assert.deepEqual({ ...close, sid: undefined, status: undefined }, {
        type: 'impClose', campaign: offer.campaignId, engId: offer.engagementId, revision: offer.engagementRevision, sid: undefined, status: undefined,
      });
      // Closed: a click is no longer tracked.
      await page.click('#offer');
      await sleep(1000);
      assert.equal(await count('impAccept'), 0);
    });

    test('a removed element stops being tracked; a re-render that tracks a new element for the same context does not report twice', T, async () => {
      const { page } = await open('', { trackNow: false });
      // Rendered in view, removed before a second has passed: nothing.
      await page.evaluate(() => {
        const b = document.createElement('button');
        b.id = 'first';
        b.textContent = 'Message us';
        document.body.prepend(b);
        lpmon.track(b, offer);
        setTimeout(() => b.remove(), 300);
        return true;
      });
      await sleep(2000);
      assert.equal(await count('impDisplay'), 0, 'removed before it was viewable');

      // A render that stays: one display. Then a re-render (new element, a copy of the same entry).
      await page.evaluate(() => {
        const b = document.createElement('button');
        b.id = 'second';
        b.textContent = 'Message us';
        document.body.prepend(b);
        lpmon.track(b, offer);
        return true;
      });
      await eventually(async () => (await count('impDisplay')) === 1, 5000, 'impDisplay');
      await page.evaluate(() => {
        document.getElementById('second').remove();
        const b = document.createElement('button');
        b.id = 'third';
        b.textContent = 'Message us';
        document.body.prepend(b);
        window.tracked = lpmon.track(b, JSON.parse(JSON.stringify(offer)), { onAccept: (c) => accepts.push(c) });
        return true;
      });
      await sleep(2000);
      assert.equal(await count('impDisplay'), 1, 'one display per engagement context and page view');
      // The new element still takes the accept.
      await page.click('#third');
      await eventually(async () => (await count('impAccept')) === 1, 5000, 'impAccept');
    });

    test('impressions keep their session: after a session change they are dropped with IMPRESSIONS_DROPPED', T, async () => {
      const { page } = await open();
      // Another tab opened a new session (the stored pair now has another sid).
      const newSid = await page.evaluate((key) => {
        const s = JSON.parse(localStorage.getItem(key));
        s.sid = 'Z'.repeat(22);
        localStorage.setItem(key, JSON.stringify(s));
        return lpmon.getSid();
      }, `lpmon:${ACCOUNT}:${APP}`);
      assert.equal(newSid, 'Z'.repeat(22));
      await scrollTo(page, '#offer');
      await page.waitFor(() => events.some((e) => e.name === 'IMPRESSIONS_DROPPED'), null, { timeout: 5000 });
      assert.deepEqual((await page.evaluate(() => events.find((e) => e.name === 'IMPRESSIONS_DROPPED'))).data, { dropped: 1 });
      await sleep(500);
      assert.equal((await impressions()).length, 0, 'nothing sent with the other session');
    });

    // Chromium only: it reads the console (WebDriver classic cannot), and it needs three pages
    // each in front of its own window at once (a W3C session's windows share one storage and
    // only the tab the driver talks to is in front).
    test('debug mode: an untracked expose gives exactly one IMPRESSION_MISSING and one warning; a tracked one and pages without debug mode none', { timeout: 90000, skip: name !== 'chromium' && 'Chromium only: reads the console' }, async () => {
      const consoles = new Map();
      const watch = (tab, label) => {
        consoles.set(label, []);
        tab.page.on('console', (m) => consoles.get(label).push(`${m.type()}: ${m.text()}`));
      };
      // Each page in a context of its own: each is the visible page of its window.
      const more = [await browser.newContext(), await browser.newContext()];
      const debugPage = await open('?lpmon_debug=1', { trackNow: false });
      watch(debugPage.page, 'untracked');
      const tracked = await open('?lpmon_debug=1', { ctx: more[0] });
      watch(tracked.page, 'tracked');
      await scrollTo(tracked.page, '#offer');
      const plain = await open('', { trackNow: false, ctx: more[1] });
      watch(plain.page, 'plain');
      assert.equal(await debugPage.page.evaluate(() => lpmon.debug()), true);
      assert.equal(await plain.page.evaluate(() => lpmon.debug()), false);

      await sleep(12500);
      const missing = (p) => p.evaluate(() => events.filter((e) => e.name === 'IMPRESSION_MISSING'));
      const found = await missing(debugPage.page);
      assert.equal(found.length, 1, 'exactly one IMPRESSION_MISSING');
      assert.deepEqual(found[0].data, { campaignId: debugPage.offer.campaignId, engagementId: debugPage.offer.engagementId, contextId: debugPage.offer.contextId });
      const warnings = consoles.get('untracked').filter((l) => l.startsWith('warning:'));
      assert.equal(warnings.length, 1, JSON.stringify(consoles.get('untracked')));
      assert.match(warnings[0], new RegExp(`engagement ${debugPage.offer.engagementId} of campaign ${debugPage.offer.campaignId}`));

      assert.deepEqual(await missing(tracked.page), [], 'tracked and displayed: no warning');
      assert.deepEqual(consoles.get('tracked'), []);
      assert.deepEqual(await missing(plain.page), [], 'no audit outside debug mode');
      assert.deepEqual(consoles.get('plain'), [], 'lpmon logs nothing outside debug mode');
      assert.equal(await count('impDisplay'), 1, 'the tracked page displayed its engagement');
      for (const c of more) await c.close();
    });

    test('the npm entry: createMonitor(...).track, and debug(true) with the audit on onEvent', { timeout: 60000 }, async () => {
      const page = await context.newTab();
      await page.goto(site.origin + '/examples/esm.html?manual');
      await page.waitFor(() => document.body.dataset.ready === 'yes');
      const offer = await page.evaluate(async () => {
        const { lpmon, api, account, app } = window.lpmonTest;
        window.heard = [];
        window.m = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api, onEvent: (e) => heard.push(e) });
        lpmon.debug(true);
        const a = await m.engage({ entryPoints: [location.href] });
        return a.engagementDetails.find((d) => d.status === 'expose');
      });
      assert.equal(await page.evaluate(() => window.lpmonTest.lpmon.debug()), true);
      // Left untracked for 10 s: the audit speaks through onEvent, once.
      await sleep(11000);
      const missing = await page.evaluate(() => heard.filter((e) => e.name === 'IMPRESSION_MISSING').map((e) => e.data));
      assert.deepEqual(missing, [{ campaignId: offer.campaignId, engagementId: offer.engagementId, contextId: offer.contextId }]);
      // Then tracked on screen: displayed after a second, accepted on click.
      await page.evaluate((o) => {
        const b = document.createElement('button');
        b.id = 'esm-offer';
        b.textContent = 'Message us';
        document.body.prepend(b);
        window.accepted = [];
        m.track(b, o, { onAccept: (start) => accepted.push(start) });
        return true;
      }, offer);
      await eventually(async () => (await count('impDisplay')) === 1, 5000, 'impDisplay');
      await page.click('#esm-offer');
      await eventually(async () => (await count('impAccept')) === 1, 5000, 'impAccept');
      const accepted = await page.evaluate(() => accepted.map((a) => ({ campaignInfo: a.campaignInfo, conversationContext: a.conversationContext })));
      assert.equal(accepted.length, 1);
      assert.equal(accepted[0].campaignInfo.engagementId, offer.engagementId);
      assert.equal(accepted[0].conversationContext.interactionContextId, offer.contextId);
    });
  });
}
