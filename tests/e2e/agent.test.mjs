// The agent-side clients in a real browser against the emulator: Visit Information and
// Engagement Activity through createAgentClient (bearer and OAuth 1.0a), CSDS, every documented
// error code, 429 retries, the lazy agent wasm, and the conversation helpers.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openSuite, closeSuite, startEmulator, control, ACCOUNT } from './harness.mjs';

const BEARER = 'emulator-agent-token';
const OAUTH = {
  consumerKey: 'emulator-consumer-key', consumerSecret: 'emulator-consumer-secret',
  token: 'emulator-access-token', tokenSecret: 'emulator-token-secret',
};

let emu, browser, ctl, page;
let suite;
before(async () => ({ emu, ctl, browser } = suite = await openSuite()));
after(() => closeSuite(suite));
beforeEach(async () => {
  await ctl.reset();
  await page?.context().close();
  page = await (await browser.newContext()).newPage();
  await page.goto(emu.site + '/examples/esm.html?manual');
  await page.waitForSelector('body[data-ready=yes]');
});

/** Runs `fn(lpmon, t)` in the page, `t` holding api/account/app and `extra`; errors come back as data. */
function inPage(fn, extra = {}) {
  return page.evaluate(async ([src, extra]) => {
    const { lpmon, api, account, app } = window.lpmonTest;
    const t = { api, account, app, ...extra };
    const f = new Function('lpmon', 't', `return (${src})(lpmon, t)`);
    try {
      return { ok: await f(lpmon, t) };
    } catch (e) {
      return { err: { name: e.name, kind: e.kind, status: e.status, internalCode: e.internalCode, message: e.message } };
    }
  }, [fn.toString(), extra]);
}

/** A session with SDEs and a displayed engagement, made by the page itself; returns its ids. */
async function session() {
  const r = await inPage(async (lpmon, t) => {
    const m = lpmon.createMonitor({ accountId: t.account, appInstallationId: t.app, domain: t.api });
    const a = await m.engage({
      entryPoints: ['https://shop.example/boots', 'sec://Sport'],
      engagementAttributes: [{ type: 'ctmrinfo', info: { cstatus: 'gold', ctype: 'vip', balance: 12.5 } }],
    });
    const offer = a.engagementDetails[0];
    await m.report({
      engagementAttributes: [
        { type: 'cart', total: 250, numItems: 2, products: [{ product: { name: 'Ridge Runner 2', price: 125 }, quantity: 2 }] },
        { type: 'impDisplay', campaign: offer.campaignId, engId: offer.engagementId, eContext: [{ type: 'engagementContext', id: offer.contextId }] },
      ],
    });
    return { vid: m.getVid(), sid: m.getSid(), engaged: a };
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  return r.ok;
}

test('visitInfo returns the session as a plain object, with the domain from CSDS', async () => {
  const { vid, sid } = await session();
  const r = await inPage(async (lpmon, t) => {
    const client = lpmon.createAgentClient({ accountId: t.account, csds: t.api, auth: { bearer: t.bearer } });
    const state = await client.visitInfo({ visitorId: t.vid, sessionId: t.sid });
    const plain = (v) => v === null || typeof v !== 'object' || ((Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype) && Object.values(v).every(plain));
    return { state, plain: plain(state) };
  }, { bearer: BEARER, vid, sid });
  assert.ok(r.ok, JSON.stringify(r.err));
  const { state, plain } = r.ok;
  assert.equal(plain, true, 'plain objects and arrays all the way down (no Maps)');
  assert.equal(state.id, sid);
  const s = state.appSessions[0];
  assert.equal(s.cart.cartStatus.total, 250);
  assert.equal(s.customerInfo.customerInfo.customerStatus, 'gold');
  assert.equal(s.customerInfo.customerInfo.balance, 12.5);
  assert.equal(s.deviceFamily, 'DESKTOP');
  assert.equal(s.pages[0].pageBasic.sections[0], 'Sport');
  assert.deepEqual(s.events.map((e) => Object.keys(e)[0]), ['customerInfo', 'cartStatus']);
  assert.equal(typeof s.engagements[0].engagement.campaignEntity.id, 'number');
  // CSDS named the smt service first; the visit request went where it said.
  const log = await ctl.requests();
  const csds = log.find((x) => x.endpoint === 'csds');
  const call = log.find((x) => x.endpoint === 'visit');
  assert.match(csds.path, /\/service\/smt\/baseURI\.json$/);
  assert.ok(csds.seq < call.seq);
  assert.deepEqual(call.query, { v: '1', sid, filter: 'agent' });
  assert.equal(call.status, 200);
});

test('OAuth 1.0a: the emulator verifies the signature; wrong keys are 401/10', async () => {
  const { vid, sid } = await session();
  const r = await inPage(async (lpmon, t) => {
    const good = lpmon.createAgentClient({ accountId: t.account, domain: t.api, auth: t.oauth });
    const state = await good.visitInfo({ visitorId: t.vid, sessionId: t.sid });
    const bad = lpmon.createAgentClient({ accountId: t.account, domain: t.api, auth: { ...t.oauth, tokenSecret: 'guess' } });
    try {
      await bad.visitInfo({ visitorId: t.vid, sessionId: t.sid });
      return { state, refused: null };
    } catch (e) {
      return { state, refused: { name: e.name, kind: e.kind, status: e.status, internalCode: e.internalCode, message: e.message } };
    }
  }, { oauth: OAUTH, vid, sid });
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.equal(r.ok.state.id, sid);
  assert.deepEqual(
    { ...r.ok.refused, message: undefined },
    { name: 'LpmonError', kind: 'http', status: 401, internalCode: 10, message: undefined },
  );
  const visits = (await ctl.requests()).filter((x) => x.endpoint === 'visit');
  assert.deepEqual(visits.map((v) => v.status), [200, 401]);
  assert.equal(visits[0].headers.authorization, undefined, 'the journal never keeps credentials');
});

test('every documented Visit Information error maps to an LpmonError with its internal code', async () => {
  const { vid, sid } = await session();
  const call = (extra) => inPage(async (lpmon, t) => {
    const client = lpmon.createAgentClient({ accountId: t.accountId || t.account, domain: t.api, auth: { bearer: t.bearer }, retry: { delaysMs: [] } });
    return client.visitInfo({ visitorId: t.vid, sessionId: t.sid });
  }, { bearer: BEARER, vid, sid, ...extra });
  const expect = async (extra, status, internalCode, says) => {
    const r = await call(extra);
    assert.equal(r.err?.name, 'LpmonError', `${JSON.stringify(extra)}: ${JSON.stringify(r)}`);
    assert.deepEqual([r.err.kind, r.err.status, r.err.internalCode], ['http', status, internalCode], JSON.stringify(extra));
    assert.match(r.err.message, says);
  };
  await expect({ bearer: 'not-the-token' }, 401, 10, /unauthorized/);
  await expect({ accountId: '87654321' }, 404, 6, /unknown account/);
  await expect({ vid: 'AAAAAAAAAAAAAAAAAAAAAA' }, 404, 37, /unknown visitor/);
  await expect({ sid: 'BBBBBBBBBBBBBBBBBBBBBB' }, 404, 39, /unknown session/);
  // The client always sends v=1 and a sid, so a 400/33 can only come from the server's side.
  await ctl.fault({ match: { endpoint: 'visit' }, status: 400, internalCode: 33, message: 'illegal API version' });
  await expect({}, 400, 33, /bad request/);
  await ctl.advance(6 * 3600 * 1000 + 1000);
  await expect({}, 404, 12, /more than 6 hours ago/);
  // Final errors are never retried.
  const visits = (await ctl.requests()).filter((x) => x.endpoint === 'visit');
  assert.equal(visits.length, 6);
});

test('requests the server would refuse are refused before sending', async () => {
  const r = await inPage(async (lpmon, t) => {
    const client = lpmon.createAgentClient({ accountId: t.account, domain: t.api, reportingDomain: t.api, auth: { bearer: 'x' } });
    const out = [];
    for (const [method, req] of [
      ['visitInfo', { visitorId: 'a/b', sessionId: 'S' }],
      ['visitInfo', { visitorId: 'V' }],
      ['engagementActivity', { timeframe: 60, interval: 31 }],
      ['engagementActivity', { timeframe: 60, interval: 61 }],
      ['engagementActivity', { timeframe: 1441 }],
      ['engagementActivity', { timeframe: 60, skillIds: ['4'] }],
      ['engagementActivity', { timeframe: 60, agentIds: [] }],
      ['activityWindow', { timeframe: 60, interval: 7 }],
    ]) {
      try { await client[method](req); out.push('resolved'); } catch (e) { out.push(`${e.name}/${e.kind}: ${e.message}`); }
    }
    return out;
  });
  assert.ok(r.ok, JSON.stringify(r.err));
  for (const line of r.ok) assert.match(line, /^LpmonError\/validation: /);
  assert.match(r.ok[2], /interval must divide timeframe/);
  assert.match(r.ok[5], /skillIds must be 'all' or a non-empty array of positive integer ids/);
  assert.equal((await ctl.requests()).length, 0);
});

test('engagementActivity: the seed shapes, intervals newest first, matching activityWindow', async () => {
  const r = await inPage(async (lpmon, t) => {
    const client = lpmon.createAgentClient({ accountId: t.account, csds: t.api, auth: { bearer: t.bearer } });
    const req = { timeframe: 60, interval: 15, skillIds: 'all', agentIds: [3, 7, 11] };
    for (let i = 0; i < 3; i++) {
      const before = await client.activityWindow(req, Date.now());
      const answer = await client.engagementActivity(req);
      const afterWindow = await client.activityWindow(req, Date.now());
      if (before.lastBucketEnd === afterWindow.lastBucketEnd) {
        const account = await client.engagementActivity({ timeframe: 30 });
        return { answer, window: before, account };
      }
    }
    throw new Error('crossed a 5-minute boundary three times');
  }, { bearer: BEARER });
  assert.ok(r.ok, JSON.stringify(r.err));
  const { answer, window, account } = r.ok;
  assert.deepEqual(Object.keys(answer).sort(), ['agentsMetrics', 'metricsByIntervals', 'skillsMetricsPerAgent']);
  assert.deepEqual(answer.metricsByIntervals.map((i) => i.timestamp), window.intervals.map((i) => i.timestamp));
  assert.ok(window.intervals.length === 4 || window.intervals.length === 5, JSON.stringify(window));
  assert.ok(Object.keys(answer.agentsMetrics.metricsPerAgent).every((id) => ['3', '7', '11'].includes(id)));
  const sum = answer.metricsByIntervals.reduce((n, i) => n + i.metricsData.agentsMetrics.metricsTotals.connectedEngagements, 0);
  assert.equal(answer.agentsMetrics.metricsTotals.connectedEngagements, sum, 'intervals add up to the whole');
  assert.deepEqual(Object.keys(account), ['metricsTotals']);
  assert.deepEqual(Object.keys(account.metricsTotals).sort(), [
    'connectedEngagements', 'nonInteractiveTotalHandlingTime', 'totalHandlingTime', 'totalInteractiveChats', 'totalNonInteractiveChats',
  ]);
  const log = await ctl.requests();
  assert.match(log.find((x) => x.endpoint === 'csds').path, /\/service\/leDataReporting\/baseURI\.json$/);
  const sent = log.find((x) => x.endpoint === 'engactivity');
  assert.deepEqual(sent.query, { timeframe: '60', v: '1', skillIds: 'all', agentIds: '3,7,11', interval: '15' });
});

test('a 429 is retried after at least a second, honouring Retry-After', async () => {
  await ctl.fault({ match: { endpoint: 'visit' }, status: 429, headers: { 'Retry-After': '2' } });
  const { vid, sid } = await session();
  const r = await inPage(async (lpmon, t) => {
    const client = lpmon.createAgentClient({ accountId: t.account, domain: t.api, auth: { bearer: t.bearer }, retry: { delaysMs: [10] } });
    const started = performance.now();
    const state = await client.visitInfo({ visitorId: t.vid, sessionId: t.sid });
    return { id: state.id, elapsed: performance.now() - started };
  }, { bearer: BEARER, vid, sid });
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.equal(r.ok.id, sid);
  assert.ok(r.ok.elapsed >= 2000, `waited ${r.ok.elapsed} ms for Retry-After: 2`);
  const visits = (await ctl.requests()).filter((x) => x.endpoint === 'visit');
  assert.deepEqual(visits.map((v) => v.status), [429, 200]);
  assert.ok(visits[1].time - visits[0].time >= 2000);
});

test('lpmon loads the agent wasm only when an agent client is first used, and only once', async () => {
  const r = await inPage(async (lpmon, t) => {
    const loaded = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('lpmon_agent_bg.wasm')).length;
    await lpmon.default();
    const m = lpmon.createMonitor({ accountId: t.account, appInstallationId: t.app, domain: t.api });
    await m.engage({});
    const a = lpmon.createAgentClient({ accountId: t.account, domain: t.api, reportingDomain: t.api, auth: { bearer: t.bearer } });
    const beforeUse = loaded();
    await a.engagementActivity({ timeframe: 5 });
    const b = lpmon.createAgentClient({ accountId: t.account, domain: t.api, reportingDomain: t.api, auth: { bearer: t.bearer } });
    await b.activityWindow({ timeframe: 5 });
    return { beforeUse, afterUse: loaded() };
  }, { bearer: BEARER });
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.deepEqual(r.ok, { beforeUse: 0, afterUse: 1 });
});

test('createAgentClient throws config errors synchronously, agreeing with the agent wasm', async () => {
  const configs = [
    [true, { accountId: '12345678', auth: { bearer: 'tok' } }],
    [true, { accountId: 12345678, domain: 'lo.v.liveperson.net', reportingDomain: 'http://127.0.0.1:9/', csds: 'http://localhost:4', auth: OAUTH, retry: { delaysMs: [0, 5] }, timeoutMs: 300 }],
    [true, { accountId: ' 1 ', domain: 'HTTPS://Lo.V.LivePerson.net', auth: { bearer: 'a.b-c~' } }],
    [true, { accountId: '1', domain: 'http://[::1]:8031', auth: { bearer: 't' } }],
    [false, null],
    [false, []],
    [false, { auth: { bearer: 'x' } }],
    [false, { accountId: NaN, auth: { bearer: 'x' } }],
    [false, { accountId: '1/2', auth: { bearer: 'x' } }],
    [false, { accountId: '1' }],
    [false, { accountId: '1', auth: {} }],
    [false, { accountId: '1', auth: { bearer: '' } }],
    [false, { accountId: '1', auth: { bearer: 'a b' } }],
    [false, { accountId: '1', auth: { bearer: 'x', consumerKey: 'k' } }],
    [false, { accountId: '1', auth: { consumerKey: 'k', consumerSecret: 's', token: 't' } }],
    [false, { accountId: '1', auth: { bearer: 'x' }, domain: 'http://example.com' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, domain: 'https://h/path' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, domain: 'h:0' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, domain: 'h:65536' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, domain: '-bad-.com' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, reportingDomain: 'ftp://h' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, csds: 'http://128.0.0.1' }],
    [false, { accountId: '1', auth: { bearer: 'x' }, csds: 7 }],
    [false, { accountId: '1', auth: { bearer: 'x' }, retry: { delaysMs: [-1] } }],
    [false, { accountId: '1', auth: { bearer: 'x' }, retry: [] }],
    [false, { accountId: '1', auth: { bearer: 'x' }, timeoutMs: 0 }],
  ];
  const r = await page.evaluate(async (configs) => {
    const { lpmon } = window.lpmonTest;
    const agent = await import('/pkg/agent/lpmon_agent.js');
    await agent.default();
    const outcome = (f) => { try { f(); return 'ok'; } catch (e) { return `${e.name}/${e.kind}: ${e.message}`; } };
    return configs.map(([, c]) => [outcome(() => lpmon.createAgentClient(c)), outcome(() => agent.createAgentClient(c))]);
  }, configs);
  configs.forEach(([valid, c], i) => {
    const [js, wasm] = r[i];
    if (valid) {
      assert.deepEqual([js, wasm], ['ok', 'ok'], JSON.stringify(c));
    } else {
      assert.match(js, /^LpmonError\/config: /, JSON.stringify(c));
      assert.equal(js, wasm, `the JS check and the agent wasm say the same for ${JSON.stringify(c)}`);
    }
  });
});

test('conversationContext and clientPropertiesHeader from a real engage result', async () => {
  const { engaged } = await session();
  const r = await inPage(async (lpmon, t) => {
    const start = lpmon.conversationContext(t.engaged, { lang: 'en-US' });
    const header = JSON.parse(lpmon.clientPropertiesHeader({ appId: 'demo-shop', appVersion: '2.1.0', browser: null }));
    const errors = [];
    for (const bad of [{ ...t.engaged, engagementDetails: [] }, { ...t.engaged, engagementDetails: [{ ...t.engaged.engagementDetails[0], status: 'conversation', conversationId: 'c-1' }] }]) {
      try { lpmon.conversationContext(bad); } catch (e) { errors.push(`${e.name}/${e.kind}: ${e.message}`); }
    }
    try { lpmon.clientPropertiesHeader({ appVersion: 2 }); } catch (e) { errors.push(`${e.name}/${e.kind}: ${e.message}`); }
    return { start, header, errors };
  }, { engaged });
  assert.ok(r.ok, JSON.stringify(r.err));
  const d = engaged.engagementDetails[0];
  assert.deepEqual(r.ok.start, {
    campaignInfo: { campaignId: d.campaignId, engagementId: d.engagementId },
    conversationContext: { type: 'SharkContext', visitorId: engaged.visitorId, sessionId: engaged.sessionId, interactionContextId: d.contextId, lang: 'en-US' },
  });
  assert.equal(typeof r.ok.start.campaignInfo.campaignId, 'number');
  const h = r.ok.header;
  assert.equal(h.integration, 'WEB_SDK');
  assert.equal(h.deviceFamily, 'DESKTOP');
  assert.equal(h.appId, 'demo-shop');
  assert.equal(h.appVersion, '2.1.0');
  assert.equal(h.browser, undefined, 'null leaves a default out');
  assert.ok(h.timeZone && h.os);
  assert.deepEqual(r.ok.errors.map((e) => e.split(':')[0]), ['LpmonError/validation', 'LpmonError/validation', 'LpmonError/validation']);
  assert.match(r.ok.errors[1], /open conversation/);
});

test('a burst over the concurrency limit: every request gets through, throttled ones after ≥ 1 s', async () => {
  const busy = await startEmulator(['--engactivity-max-concurrent', '1', '--engactivity-latency-ms', '300']);
  try {
    const p = await browser.newPage();
    await p.goto(busy.site + '/examples/esm.html?manual');
    await p.waitForSelector('body[data-ready=yes]');
    const r = await p.evaluate(async ([account, api, bearer]) => {
      const { lpmon } = window.lpmonTest;
      const client = lpmon.createAgentClient({ accountId: account, reportingDomain: api, auth: { bearer }, retry: { delaysMs: [10, 10, 10, 10] } });
      await client.activityWindow({ timeframe: 5 }); // load the module first
      const started = performance.now();
      const answers = await Promise.all([0, 1, 2].map(async () => {
        const a = await client.engagementActivity({ timeframe: 60, interval: 30 });
        return { elapsed: performance.now() - started, intervals: a.metricsByIntervals.length };
      }));
      return answers;
    }, [ACCOUNT, busy.api, BEARER]);
    assert.equal(r.length, 3);
    const log = (await control(busy.api).requests()).filter((x) => x.endpoint === 'engactivity');
    const throttled = log.filter((x) => x.status === 429);
    assert.equal(log.filter((x) => x.status === 200).length, 3);
    assert.ok(throttled.length >= 2, `at least two of three were throttled: ${log.map((x) => x.status)}`);
    assert.ok(throttled.every((x) => x.answerHeaders['retry-after'] === '1'));
    const slowest = Math.max(...r.map((a) => a.elapsed));
    assert.ok(slowest >= 1300, `a throttled request waited at least 1 s before its retry (${slowest} ms)`);
    await p.close();
  } finally {
    await busy.stop();
  }
});
