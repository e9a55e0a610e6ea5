// The demo brand page end to end: script tag → engage → "Message us" → impressions → the
// conversation it opens, in headless Chromium against the emulator on another origin, with the
// example campaign file that `npm start` uses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSuite, closeSuite, calls, eventually, output, EXAMPLE_CAMPAIGNS } from './harness.mjs';

let emu, browser, ctl;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite(['--campaigns', EXAMPLE_CAMPAIGNS])));
after(() => closeSuite(suite));

test('the demo engages, shows the button, reports impressions, opens a conversation and keeps ids across a reload', async () => {
  await ctl.reset();
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(emu.site + '/');
  assert.notEqual(new URL(emu.site).origin, new URL(emu.api).origin, 'site and API are different origins');

  // First engage creates the session: sent without vid/sid, answered 201.
  await page.waitForSelector('#message-us:not([hidden])', { timeout: 10000 });
  const first = (await calls(ctl, 'engagement'))[0];
  assert.equal(first.status, 201);
  assert.equal(first.query.vid, undefined);
  assert.equal(first.query.sid, undefined);
  const vid = await page.evaluate(() => lpmon.getVid());
  const sid = await page.evaluate(() => lpmon.getSid());
  assert.match(vid, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(first.answer.visitorId, vid);
  assert.equal(await page.textContent('#vid'), vid, 'the panel shows the vid');
  assert.equal(await page.textContent('#sid'), sid, 'the panel shows the sid');

  // impDisplay went as POST with the override header, carrying the pair.
  const display = await eventually(async () => (await calls(ctl, 'report')).find((r) => r.body?.engagementAttributes?.[0]?.type === 'impDisplay'), 5000, 'impDisplay');
  assert.equal(display.method, 'POST');
  assert.equal(display.headers['x-http-method-override'], 'PUT');
  assert.equal(display.query.vid, vid);
  assert.equal(display.query.sid, sid);
  assert.equal(display.status, 200);
  assert.equal(display.body.engagementAttributes[0].eContext[0].id, first.answer.engagementDetails[0].contextId);

  // The click reports impAccept for the engagement shown; the example campaign file opens a
  // conversation on accept, and the page's next engage shows it instead of the button.
  await page.click('#message-us');
  const accept = await eventually(async () => (await calls(ctl, 'report')).find((r) => r.body?.engagementAttributes?.[0]?.type === 'impAccept'), 5000, 'impAccept');
  assert.equal(accept.status, 200);
  assert.equal(accept.query.vid, vid);
  assert.equal(accept.query.sid, sid);
  assert.equal(accept.body.engagementAttributes[0].eContext[0].id, first.answer.engagementDetails[0].contextId);
  await page.waitForSelector('#conversation:not([hidden])', { timeout: 10000 });
  const [conversation] = await ctl.conversations();
  assert.equal(conversation.visitorId, vid);
  assert.equal(conversation.engagementId, first.answer.engagementDetails[0].engagementId);
  assert.match(await page.textContent('#conversation'), new RegExp(conversation.conversationId));
  assert.equal(await page.isHidden('#message-us'), true, 'no engagement button during a conversation');
  await page.screenshot({ path: join(output, 'demo.png') });

  // A reload keeps vid/sid (synchronously readable once lpmon is ready), and the next call sends them: 200.
  await page.reload();
  await page.waitForSelector('#conversation:not([hidden])', { timeout: 10000 });
  assert.equal(await page.evaluate(() => lpmon.getVid()), vid);
  assert.equal(await page.evaluate(() => lpmon.getSid()), sid);
  const engagements = await calls(ctl, 'engagement');
  assert.equal(engagements.length, 3, 'on load, after the accept, after the reload');
  for (const later of engagements.slice(1)) {
    assert.equal(later.query.vid, vid);
    assert.equal(later.query.sid, sid);
    assert.equal(later.status, 200);
  }
  const talk = engagements[2].answer.engagementDetails[0];
  assert.equal(talk.status, 'conversation');
  assert.equal(talk.conversationId, conversation.conversationId);
  assert.equal(await page.isHidden('#message-us'), true);
  assert.equal((await ctl.stats()).sessionsCreated, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a second tab sees the same vid and sid', async () => {
  const context = await browser.newContext();
  const a = await context.newPage();
  await a.goto(emu.site + '/');
  await a.waitForSelector('#message-us:not([hidden])');
  const b = await context.newPage();
  await b.goto(emu.site + '/');
  await b.waitForFunction(() => window.lpmon && lpmon.getVid && lpmon.getVid());
  assert.equal(await b.evaluate(() => lpmon.getVid()), await a.evaluate(() => lpmon.getVid()));
  assert.equal(await b.evaluate(() => lpmon.getSid()), await a.evaluate(() => lpmon.getSid()));
  await context.close();
});

test('the server refuses PUT across origins, which is why lpmon sends POST with the override', async () => {
  const page = await browser.newPage();
  await page.goto(emu.site + '/');
  const outcome = await page.evaluate(async (api) => {
    try {
      await fetch(api + '/api/account/12345678/app/8de29e3d-25b1-4d08-b713-8331ab222bfa/report?v=1.0', {
        method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"engagementAttributes":[]}',
      });
      return 'answered';
    } catch (e) {
      return 'blocked';
    }
  }, emu.api);
  assert.equal(outcome, 'blocked');
  await page.close();
});
