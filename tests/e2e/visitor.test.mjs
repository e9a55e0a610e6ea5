// The visitor outlives the session, in headless Chromium with Playwright's clock (Chromium only
// here): past 30 idle minutes and past 6 hours the next call sends the vid alone, the emulator
// answers 201 with a new session for the same visitor, and the getters follow.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite } from './harness.mjs';

const T = { timeout: 60000 };
let suite, emu, ctl, browser, context, page;

before(async () => ({ emu, ctl, browser } = suite = await openSuite()));
after(() => closeSuite(suite));
beforeEach(async () => {
  await context?.close();
  await ctl.resetWhenQuiet();
  context = await browser.newContext();
  // Fake timers from the first script on; time still flows until a test moves it.
  await context.clock.install();
  page = await context.newPage();
  await page.goto(emu.site + '/examples/esm.html?manual');
  await page.waitForFunction(() => document.body.dataset.ready === 'yes');
  await page.evaluate(() => {
    const { lpmon, api, account, app } = window.lpmonTest;
    window.m = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api });
  });
});

const engage = () => page.evaluate(() => window.m.engage({}).then((a) => ({ vid: a.visitorId, sid: a.sessionId, created: a.created })));
const getters = () => page.evaluate(() => [window.m.getVid() ?? null, window.m.getSid() ?? null]);
const lastEngagement = async () => (await ctl.requests()).filter((r) => r.path.endsWith('/engagement')).at(-1);

test('after 30 idle minutes: getSid() is undefined, getVid() is not, and the vid goes alone', T, async () => {
  const first = await engage();
  assert.equal(first.created, true);
  assert.deepEqual(await getters(), [first.vid, first.sid]);

  await page.clock.fastForward('30:01');
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
    await page.clock.fastForward('20:00');
    await ctl.advance(20 * 60000);
    const again = await engage();
    assert.equal(again.sid, first.sid, `still the first session after ${(i + 1) * 20} minutes`);
  }
  // ... until it is 6 hours old (5 h 40 min so far).
  await page.clock.fastForward('20:01');
  await ctl.advance(20 * 60000 + 1000);
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
  await page.clock.fastForward('45:00');
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'yes');
  const ids = await page.evaluate(() => {
    const { lpmon, api, account, app } = window.lpmonTest;
    window.m = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api });
    return [window.m.getVid() ?? null, window.m.getSid() ?? null];
  });
  assert.deepEqual(ids, [first.vid, null]);
});
