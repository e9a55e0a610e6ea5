// The ops dashboard in headless Chromium: a visitor browses the demo shop, then the dashboard
// shows live Engagement Activity and that visit as a timeline. Saves test-output/dashboard.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSuite, closeSuite, output, eventually } from './harness.mjs';

let emu, browser, ctl;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite()));
after(() => closeSuite(suite));

test('the dashboard renders live activity and the current visit as a timeline', async () => {
  await ctl.reset();
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  // A visitor: the demo shop shows "Message us" (impDisplay) and they click it (impAccept)...
  await page.goto(emu.site + '/');
  await page.waitForSelector('#message-us:not([hidden])', { timeout: 10000 });
  await page.click('#message-us');
  await eventually(async () => (await ctl.requests()).some((r) => r.path.endsWith('/report') && r.status === 200
    && JSON.stringify(r.body).includes('impAccept')), 10000, 'the impAccept report');
  // ...then browses on with the same session, and the site reports what they do.
  await page.goto(emu.site + '/examples/esm.html?manual');
  await page.waitForSelector('body[data-ready=yes]');
  const visit = await page.evaluate(async () => {
    const { lpmon, api, account, app } = window.lpmonTest;
    const m = lpmon.createMonitor({ accountId: account, appInstallationId: app, domain: api });
    await m.engage({
      pageId: '3001', entryPoints: ['https://northwind.example/trail/ridge-runner-2', 'sec://Trail'],
      engagementAttributes: [
        { type: 'mrktInfo', info: { channel: 1, affiliate: 'Trailfinder', campaignId: 'spring-trail' } },
        { type: 'prodView', products: [{ product: { name: 'Ridge Runner 2', category: 'trail shoes', sku: 'RR2-44', price: 129 } }] },
        { type: 'personal', personal: { firstname: 'Ada', lastname: 'Lindqvist', gender: 'FEMALE' } },
        { type: 'ctmrinfo', info: { ctype: 'vip', cstatus: 'active', balance: 40 } },
      ],
    });
    await new Promise((r) => setTimeout(r, 1100));
    await m.report({ pageId: '3001', engagementAttributes: [{ type: 'cart', total: 478, numItems: 2, products: [{ product: { name: 'Ridge Runner 2', price: 129 }, quantity: 1 }, { product: { name: 'Basecamp 3P', price: 349 }, quantity: 1 }] }] });
    await new Promise((r) => setTimeout(r, 1100));
    await m.engage({ pageId: '3002', entryPoints: ['https://northwind.example/checkout'] });
    await m.report({ pageId: '3002', engagementAttributes: [
      { type: 'purchase', total: 478, currency: 'USD', orderId: 'NW-20931', cart: { products: [{ product: { name: 'Ridge Runner 2' }, quantity: 1 }, { product: { name: 'Basecamp 3P' }, quantity: 1 }] } },
      { type: 'service', service: { topic: 'delivery date', status: 1, category: 'orders', serviceId: 'svc-88' } },
    ] });
    return { vid: m.getVid(), sid: m.getSid() };
  });

  await page.goto(emu.site + '/dashboard.html');
  await page.waitForSelector('#activity[data-loaded=yes]', { timeout: 15000 });
  await page.waitForSelector('#visit[data-loaded=yes]', { timeout: 15000 });

  // The visit viewer picked the demo's visitor from lpmon's state, and shows the whole visit.
  assert.equal(await page.inputValue('#vid'), visit.vid);
  assert.equal(await page.inputValue('#sid'), visit.sid);
  const log = await ctl.requests();
  const state = log.filter((x) => x.endpoint === 'visit' && x.status === 200).pop().answer.appSessions[0];
  const expected = state.pages.length + state.events.length + state.engagements.length
    + state.engagements.reduce((n, g) => n + (g.impressionAccepted ?? []).length, 0);
  assert.equal(Number(await page.getAttribute('#timeline', 'data-items')), expected);
  assert.ok(expected >= 10, `a rich visit: ${expected} timeline items`);
  const titles = await page.$$eval('#timeline strong', (s) => s.map((x) => x.textContent));
  for (const t of ['Page view', 'Engagement shown', 'Engagement accepted', 'Cart', 'Purchase', 'Marketing source', 'Personal info']) {
    assert.ok(titles.includes(t), `timeline has "${t}": ${titles}`);
  }
  assert.match(await page.textContent('#facts'), /Ada Lindqvist/);
  assert.match(await page.textContent('#facts'), /478\.00/);

  // The chart has one bar per interval of the answer, and the KPIs are its totals.
  const activity = log.filter((x) => x.endpoint === 'engactivity' && x.status === 200).pop();
  assert.equal(activity.query.interval, '5');
  const bars = Number(await page.getAttribute('#chart', 'data-bars'));
  assert.equal(bars, activity.answer.metricsByIntervals.length);
  assert.equal(await page.$$eval('#chart .bar', (b) => b.length), bars);
  const totals = activity.answer.skillsMetricsPerAgent.metricsTotals;
  assert.equal(await page.textContent('#kpi-connected'), totals.connectedEngagements.toLocaleString('en-US'));
  assert.ok(totals.connectedEngagements > 0, 'the emulator generated activity');
  assert.ok((await page.$$eval('#agents tbody tr', (r) => r.length)) > 0);
  assert.match(await page.textContent('#live'), /live/);

  // The funnel card draws the built-in campaign from the emulator's counts.
  await page.waitForSelector('#funnel[data-renders] svg[data-funnel="total"]', { timeout: 10000 });
  const funnel = await ctl.funnel();
  const drawn = await page.$$eval('svg[data-funnel="total"] text[data-step]', (t) => t.map((x) => [x.dataset.step, Number(x.textContent)]));
  assert.deepEqual(Object.fromEntries(drawn), funnel.totals.counts);
  assert.equal(await page.$$eval('#funnel article[data-campaign-id]', (a) => a.length), funnel.campaigns.length);

  // Every section is there, visible, titled and filled, and all share the dashboard's card style.
  const sections = await page.$$eval('main > section', (list) => list.map((s) => {
    const box = s.getBoundingClientRect();
    const css = getComputedStyle(s);
    return {
      id: s.id, card: s.classList.contains('card'), title: s.querySelector('h2')?.textContent ?? '',
      width: box.width, height: box.height,
      look: [css.backgroundColor, css.borderRadius, css.boxShadow, css.paddingLeft].join(' | '),
    };
  }));
  assert.deepEqual(sections.map((s) => s.id), ['activity', 'visit', 'funnel']);
  for (const s of sections) {
    assert.ok(s.card, `#${s.id} is a card`);
    assert.ok(s.title.length > 0, `#${s.id} has a title`);
    assert.ok(s.width > 600 && s.height > 150, `#${s.id} is drawn: ${s.width}x${s.height}`);
    assert.equal(s.look, sections[0].look, `#${s.id} looks like the other cards`);
  }
  assert.ok(await page.$$eval('#chart .bar', (b) => b.length) > 0, 'the activity chart has bars');
  assert.ok(await page.$$eval('#timeline li', (l) => l.length) > 0, 'the visit has a timeline');
  // No style injected from scripts: every rule comes from a stylesheet file.
  assert.equal(await page.$$eval('style', (s) => s.length), 0);
  assert.deepEqual(errors, []);

  await page.screenshot({ path: join(output, 'dashboard.png'), fullPage: true });

  // Switching the time frame redraws from a new request (24 h in 2-hour intervals).
  await page.click('#timeframes button[data-timeframe="1440"]');
  await page.waitForSelector('#chart[data-timeframe="1440"]');
  const wide = (await ctl.requests()).filter((x) => x.endpoint === 'engactivity').pop();
  assert.deepEqual([wide.query.timeframe, wide.query.interval], ['1440', '120']);
  assert.equal(Number(await page.getAttribute('#chart', 'data-bars')), wide.answer.metricsByIntervals.length);
  await context.close();
});

test('the visit viewer explains an expired session', async () => {
  await ctl.reset();
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  await page.goto(emu.site + '/');
  await page.waitForSelector('#message-us:not([hidden])', { timeout: 10000 });
  await ctl.advance(6 * 3600 * 1000 + 60 * 1000);
  await page.goto(emu.site + '/dashboard.html');
  await page.waitForSelector('#visit[data-loaded=error]', { timeout: 15000 });
  assert.match(await page.textContent('#visit-error'), /more than 6 hours ago/);
  await context.close();
});
