// The debug panel on the demo, in headless Chromium against the emulator: downloaded only in
// debug mode, its content equal to what the emulator's journal saw, usable with the keyboard,
// and drawn over the page without moving it. Saves test-output/debug-panel.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSuite, closeSuite, calls, eventually, output, EXAMPLE_CAMPAIGNS } from './harness.mjs';

let emu, browser, ctl;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite(['--campaigns', EXAMPLE_CAMPAIGNS])));
after(() => closeSuite(suite));

const T = { timeout: 60000 };
const panelRequests = (page) => {
  const seen = [];
  page.on('request', (r) => { if (r.url().includes('lpmon-debug')) seen.push(r.url()); });
  return seen;
};

test('without debug mode the panel is never downloaded', T, async () => {
  await ctl.resetWhenQuiet();
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = panelRequests(page);
  await page.goto(emu.site + '/');
  await page.waitForSelector('#message-us:not([hidden])', { timeout: 10000 });
  await eventually(async () => (await calls(ctl, 'report')).length > 0, 5000, 'the impDisplay report');
  await page.keyboard.press('Alt+Shift+D');
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => lpmon.debug()), false);
  assert.deepEqual(seen, [], 'no request for dist/lpmon-debug.js');
  assert.equal(await page.$('#lpmon-debug'), null);
  // The same page in debug mode asks for it (so the check above can fail).
  await page.goto(emu.site + '/?lpmon_debug=1');
  await page.waitForSelector('#lpmon-debug', { state: 'attached', timeout: 10000 });
  assert.equal(seen.length, 1);
  await context.close();
});

test('the panel shows what the journal saw, is driven with the keyboard and moves nothing', T, async () => {
  await ctl.resetWhenQuiet();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(emu.site + '/?lpmon_debug=1');
  await page.waitForSelector('#message-us:not([hidden])', { timeout: 10000 });
  // A step of the demo: a cart report, then a new engage (D · Checkout help).
  await page.click('#add-to-cart');
  await page.waitForSelector('body[data-steps="1"]', { timeout: 10000 });
  // The demo closes the first offer (impClose) and tracks the second, displayed after a second.
  await eventually(async () => (await calls(ctl, 'report')).length === 4, 5000, 'impDisplay, cart, impClose, impDisplay');
  const before = await page.evaluate(() => [document.documentElement.scrollHeight, JSON.stringify(document.getElementById('message-us').getBoundingClientRect())]);

  // Keyboard: Alt+Shift+D opens it with the focus on Close.
  await page.keyboard.press('Alt+Shift+D');
  await page.waitForSelector('[data-field="decision"]', { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.getElementById('lpmon-debug').shadowRoot.activeElement.dataset.action), 'close');

  const journal = await ctl.requests();
  const sent = journal.filter((r) => /\/(engagement|report)$/.test(r.path));
  const field = (name) => page.textContent(`[data-field="${name}"]`);
  assert.equal(Number(await field('requests')), sent.length, 'same request count');
  const reported = sent.filter((r) => r.path.endsWith('/report')).flatMap((r) => r.body.engagementAttributes);
  assert.deepEqual(JSON.parse(await field('reported')), reported, 'same SDEs');
  assert.deepEqual(reported.map((s) => s.type), ['impDisplay', 'cart', 'impClose', 'impDisplay']);
  const lastEngage = sent.filter((r) => r.path.endsWith('/engagement')).at(-1);
  assert.deepEqual(JSON.parse(await field('entry-points')), lastEngage.body.entryPoints);
  assert.deepEqual(JSON.parse(await field('engage-sdes')), lastEngage.body.engagementAttributes || []);
  const answer = JSON.parse(await field('engage-answer'));
  assert.deepEqual(answer.engagementDetails, lastEngage.answer.engagementDetails, 'same decision (the answer)');
  const [trace] = (await ctl.trace(lastEngage.answer.visitorId)).slice(-1);
  assert.equal(await field('decision'), `${trace.chosen.engagementName} (${trace.chosen.engagementId})`);
  assert.equal(trace.chosen.engagementId, lastEngage.answer.engagementDetails[0].engagementId, 'same decision (the trace)');
  assert.equal(await page.locator('[data-field="rules"] li').count(), trace.candidates.length);
  assert.equal(await field('consent'), 'granted');
  assert.equal(await field('vid'), lastEngage.answer.visitorId);
  assert.equal(await field('sid'), lastEngage.answer.sessionId);
  assert.equal(await field('host'), emu.api);
  assert.match(await field('queue'), /empty/);
  await page.screenshot({ path: join(output, 'debug-panel.png') });
  await page.evaluate(() => document.getElementById('lpmon-debug').shadowRoot.querySelector('[data-section="rules"]').scrollIntoView());
  await page.screenshot({ path: join(output, 'debug-panel-rules.png') });

  // No layout shift: the page under the overlay is where it was.
  const after = await page.evaluate(() => [document.documentElement.scrollHeight, JSON.stringify(document.getElementById('message-us').getBoundingClientRect())]);
  assert.deepEqual(after, before);

  // Tab to the first section and fold it with Enter; Escape closes and gives the focus back.
  const inPanel = () => page.evaluate(() => {
    const a = document.getElementById('lpmon-debug').shadowRoot.activeElement;
    return a ? a.textContent : null;
  });
  await page.keyboard.press('Tab');
  assert.equal(await inPanel(), 'Consent, visitor, session');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.getElementById('lpmon-debug').shadowRoot.querySelector('details').open), false);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  assert.equal(await page.isVisible('[role="dialog"]'), false);
  assert.equal(await inPanel(), 'lpmon debug');
  await page.keyboard.press('Enter');
  assert.equal(await page.isVisible('[role="dialog"]'), true);
  assert.deepEqual(errors, []);
  await context.close();
});
