// The lpTag layer against page code written from LivePerson's web-tag docs (SDEs and their ten
// types, sections, identities, hooks, newPage, event binding, the taglet getters), run with the
// built script tag (dist/lpmon.js) in every browser of browsers.mjs; what reaches the emulator
// is checked. The host page (www/e2e/lptag-host.html) has the lpTag snippet's stand-in and adds
// lpmon's script tag when the test says so, so the same page code runs before the tag loaded
// and after.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowserSuite, closeBrowserSuite } from './harness.mjs';
import { BROWSERS } from './browsers.mjs';

const HOST = '/e2e/lptag-host.html';
// Memory storage: every page load is a new visitor, so a run's requests are told apart by vid.
const CONFIG = { storage: 'memory', retry: { delaysMs: [50] } };

// One SDE of each documented type, with values of our own.
const TEN = [
  { type: 'cart', total: 84.5, currency: 'EUR', numItems: 3, products: [{ product: { name: 'Trail socks', category: 'apparel', sku: 'TS-2', price: 12.5 }, quantity: 2 }, { product: { name: 'Headlamp', category: 'gear', sku: 'HL-9', price: 59.5 }, quantity: 1 }] },
  { type: 'purchase', total: 59.5, currency: 'EUR', orderId: 'ord-5521', cart: { numItems: 1, products: [{ product: { name: 'Headlamp', category: 'gear', sku: 'HL-9', price: 59.5 }, quantity: 1 }] } },
  { type: 'prodView', currency: 'EUR', products: [{ product: { name: 'Rain shell', category: 'apparel', sku: 'RS-1', price: 140, statusInStock: 'low', quantityInStock: 4 } }] },
  { type: 'ctmrinfo', info: { cstatus: 'active', ctype: 'gold', balance: 12.75, currency: 'EUR', userName: 'hiker7', companySize: 40, accountName: 'Peak Outfitters', role: 'buyer', lastPaymentDate: { day: 3, month: 9, year: 2025 }, registrationDate: { day: 17, month: 2, year: 2021 }, storeNumber: '88', storeZipCode: '80331' } },
  // The docs' own example gives channel as a string, their table as an integer: both go.
  { type: 'mrktInfo', info: { channel: '2', affiliate: 'trailblog', campaignId: 'autumn-walks' } },
  { type: 'personal', personal: { firstname: 'Ada', lastname: 'Berg', age: { age: 41, year: 1984, month: 6, day: 9 }, contacts: [{ email: 'ada@example.org', phone: '+49 89 000000', phoneType: 'MOBILE', address: { country: 'Germany', region: 'Bavaria' } }], gender: 'FEMALE', company: 'Peak Outfitters', language: 'de-DE' } },
  { type: 'lead', lead: { topic: 'group tour', value: 900, currency: 'EUR', leadId: 'lead-31' } },
  { type: 'service', service: { topic: 'repair', status: 1, category: 'gear', serviceId: 'svc-12' } },
  { type: 'error', error: { contextId: 'checkout', message: 'card declined', code: 'E42', level: 10, resolved: false } },
  { type: 'searchInfo', keywords: ['waterproof boots'] },
];
const [CART, , VIEW, , , , LEAD, SERVICE, , SEARCH] = TEN;
const BAD = { type: 'cart', currency: 'EUR' }; // no total, no numItems

// ---- in the page (each function is sent as text: self-contained)

/** One shape of page code, run before lpmon's tag loaded or after it. `call` is push, send or
 * newPage; `args` what it gets (newPage: its sdes option). `settle` (written out in each page
 * function) waits until the layer's calls so far are done: a send with nothing new queues behind
 * them. */
const RUN_SHAPE = async ({ path, call, args, config }) => {
  const settle = () => new Promise((resolve) => setTimeout(() => lpTag.sdes.send(() => resolve()), 0));
  const apply = () => (call === 'newPage'
    ? lpTag.newPage(location.href + '#next', { section: ['next'], sdes: args[0] })
    : lpTag.sdes[call](...args));
  let readyBefore = null;
  if (path === 'before') {
    if (call === 'push') apply(); // into the snippet's array
    await lpmonLoad({ config });
    // newPage exists once the tag ran; lpmon itself is not ready yet.
    if (call === 'newPage') {
      readyBefore = lpTag.events.hasFired('lp_monitoringSDK', 'READY').length;
      apply();
    }
    await lpmon.ready;
  } else {
    await lpmonLoad({ config });
    await lpmon.ready;
    await settle();
    apply();
  }
  await settle();
  return {
    vid: lpmon.getVid(), readyBefore,
    dropped: lpTag.events.hasFired('lp_monitoringSDK', 'SDE_DROPPED').map((e) => e.data),
  };
};

/** Listens for lpmon's window events and counts console warnings, from before the tag loads. */
const WATCH = () => {
  window.told = [];
  window.warnings = [];
  addEventListener('lpmon', (e) => window.told.push(e.detail));
  const warn = console.warn;
  console.warn = function (...args) {
    window.warnings.push(args.join(' '));
    return warn.apply(console, args);
  };
  return true;
};

for (const name of BROWSERS) {
  describe(`lpTag page code from the web-tag docs, in ${name}`, () => {
    let suite, emu, ctl, browser;
    before(async () => ({ emu, ctl, browser } = suite = await openBrowserSuite(name, [], { proxy: false })));
    after(() => closeBrowserSuite(suite));

    /** Opens the host page (with `query`), runs `fn(arg)` there and closes the tab. */
    const inPage = async (fn, arg, query = '') => {
      const tab = await browser.newTab();
      try {
        await tab.goto(emu.site + HOST + query);
        await tab.run(WATCH);
        // As JSON text: drivers differ on what a key holding undefined comes back as.
        const r = await tab.run(`async (arg) => JSON.stringify(await (${fn})(arg))`, arg);
        assert.ok(r.ok, JSON.stringify(r.err));
        return { ...JSON.parse(r.ok), tab };
      } catch (e) {
        await tab.close();
        throw e;
      }
    };

    /** The monitoring calls of one visitor, oldest first. */
    const wire = async (vid) => (await ctl.requests()).filter((r) => /\/(engagement|report)$/.test(r.path)
      && (r.query.vid === vid || r.answer?.visitorId === vid));
    const sdesOf = (requests) => requests.flatMap((r) => r.body.engagementAttributes || []);

    // Every documented way to hand SDEs to the layer, run before the tag loaded and after: the
    // same SDEs reach the server, and an SDE lpmon rejects is dropped alone in both.
    const SHAPES = [
      { name: 'one SDE', args: [CART], sent: [CART], send: true },
      { name: 'an array of SDEs (the docs allow it)', args: [[CART, SEARCH]], sent: [CART, SEARCH], send: true },
      { name: 'several SDEs in one push', args: [CART, LEAD, SEARCH], sent: [CART, LEAD, SEARCH] },
      { name: 'several arrays in one push', args: [[CART], [LEAD, SERVICE]], sent: [CART, LEAD, SERVICE] },
      { name: 'an empty array', args: [[]], sent: [], send: true },
      {
        name: 'an array with an invalid SDE', args: [[CART, BAD, SEARCH]], sent: [CART, SEARCH], send: true,
        dropped: [{ index: 1, type: 'cart', reason: 'engagementAttributes[1].total is required' }],
      },
      {
        name: 'an array nested two deep (one level is what the docs allow)', args: [[LEAD, [SERVICE]]], sent: [LEAD], send: true,
        dropped: [{ index: 1, reason: 'engagementAttributes[1] must be an object' }],
      },
      {
        name: 'two invalid SDEs around a valid one', args: [['cart', VIEW, { type: 'nope' }]], sent: [VIEW], send: true,
        dropped: [
          { index: 0, reason: 'engagementAttributes[0] must be an object' },
          { index: 2, type: 'nope', reason: "engagementAttributes[2]: unknown SDE type 'nope'" },
        ],
      },
    ];

    for (const shape of SHAPES) {
      test(`lpTag.sdes: ${shape.name} — the same on the wire before and after the tag loaded`, async () => {
        const runs = [['before', 'push'], ['after', 'push'], ...(shape.send ? [['after', 'send']] : [])];
        const seen = [];
        for (const [path, call] of runs) {
          const { vid, dropped, tab } = await inPage(RUN_SHAPE, { path, call, args: shape.args, config: CONFIG });
          const requests = await wire(vid);
          await tab.close();
          const what = `${call} ${path} load`;
          assert.ok(requests.every((r) => r.status < 300), `${what}: ${requests.map((r) => r.status)}`);
          assert.equal(requests.filter((r) => r.path.endsWith('/engagement')).length, 1, `${what}: one page view`);
          assert.deepEqual(sdesOf(requests), shape.sent, what);
          assert.deepEqual(dropped, shape.dropped || [], `${what}: SDE_DROPPED`);
          seen.push(sdesOf(requests));
        }
        for (const s of seen) assert.deepEqual(s, seen[0]);
      });
    }

    for (const [label, sdes, sent] of [['an object', SERVICE, [SERVICE]], ['an array', [VIEW, BAD, LEAD], [VIEW, LEAD]]]) {
      test(`lpTag.newPage with sdes as ${label}: the same new page before lpmon is ready and after`, async () => {
        const seen = [];
        for (const path of ['before', 'after']) {
          const { vid, dropped, readyBefore, tab } = await inPage(RUN_SHAPE, { path, call: 'newPage', args: [sdes], config: CONFIG });
          const url = await tab.run(() => location.href);
          await tab.close();
          const requests = await wire(vid);
          const pages = requests.filter((r) => r.path.endsWith('/engagement'));
          const last = pages.at(-1);
          assert.equal(pages.length, path === 'before' ? 1 : 2, `${path}: page views`);
          if (path === 'before') assert.equal(readyBefore, 0, 'newPage was called before lpmon was ready');
          assert.deepEqual(last.body.entryPoints, [url.ok.replace(/#.*/, '') + '#next', 'sec://next']);
          assert.deepEqual(last.body.engagementAttributes || [], sent);
          assert.deepEqual(dropped, sent.length === 2 ? [{ index: 1, type: 'cart', reason: 'engagementAttributes[1].total is required' }] : []);
          seen.push(sdesOf(requests));
        }
        assert.deepEqual(seen[0], seen[1]);
      });
    }

    test('the page load: sections, the ten SDE types, identities and hooks (invalid ones ignored) reach the start-page call', async () => {
      const PAGE = async ({ ten, config }) => {
        const settle = () => new Promise((resolve) => setTimeout(() => lpTag.sdes.send(() => resolve()), 0));
        const seen = [];
        // Before the tag: what the docs tell a page to write.
        lpTag.section = ['outdoor', 'user guides'];
        lpTag.sdes = lpTag.sdes || [];
        lpTag.sdes.push(ten[0]);
        lpTag.sdes.push(ten.slice(1, 5));
        for (const sde of ten.slice(5)) lpTag.sdes.push(sde);
        lpTag.identities.push((callback) => callback({ iss: 'https://brand.example', acr: 'loa1', sub: 'c1d2e3-opaque' }));
        lpTag.hooks.push({
          name: 'BEFORE_SUBMIT_SDE',
          callback(options) {
            // Contact details stay with the brand.
            for (const sde of options.data.sdes) if (sde.type === 'personal') delete sde.personal.contacts;
            return options;
          },
        });
        // Registrations the hooks docs call invalid, and one for another place: none of them may
        // stop or change what the valid hook left.
        lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE', callback: () => null });
        lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE', callback: () => 'some text' });
        lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE' });
        lpTag.hooks.push({ name: 'BEFORE_SUBMIT_SDE', callback: 'not a function' });
        lpTag.hooks.push({ name: 'BEFORE_SURVEY_SUBMIT', callback: (options) => ({ data: { sdes: [] } }) });
        // Bound through the snippet (deferred until the tag arrives), in both documented forms.
        lpTag.events.bind('lp_sdes', 'VAR_ADDED', (sde, info) => seen.push(`${info.appName}/${info.eventName}:${sde.type}`));
        lpTag.events.bind({ appName: 'lp_monitoringSDK', eventName: 'SP_SENT', func: () => seen.push('SP_SENT') });
        await lpmonLoad({ config });
        await lpmon.ready;
        await settle();
        const sdk = lpTag.taglets.lp_monitoringSDK;
        return {
          seen, vid: sdk.getVid(), sid: sdk.getSid(), url: location.href,
          store: lpTag.sdes.get().map((s) => s.type), carts: lpTag.sdes.get('cart').length, none: lpTag.sdes.get('impDisplay') === undefined,
        };
      };
      const out = await inPage(PAGE, { ten: TEN, config: CONFIG });
      await out.tab.close();
      const requests = await wire(out.vid);
      assert.equal(requests.length, 1, 'everything rides on the start-page call');
      const [start] = requests;
      assert.equal(start.status, 201);
      assert.deepEqual(start.body.entryPoints, [out.url, 'sec://outdoor', 'sec://user guides']);
      const masked = TEN.map((s) => (s.type === 'personal' ? { ...s, personal: { ...s.personal, contacts: undefined } } : s));
      assert.deepEqual(start.body.engagementAttributes, JSON.parse(JSON.stringify(masked)));
      assert.deepEqual(start.body.identities, [{ iss: 'https://brand.example', acr: 'loa1', sub: 'c1d2e3-opaque' }]);
      assert.equal(out.vid, start.answer.visitorId, 'taglet getVid');
      assert.equal(out.sid, start.answer.sessionId, 'taglet getSid');
      assert.deepEqual(out.seen, [...TEN.map((s) => `lp_sdes/VAR_ADDED:${s.type}`), 'SP_SENT']);
      assert.deepEqual(out.store, TEN.map((s) => s.type));
      assert.equal(out.carts, 1);
      assert.equal(out.none, true, 'get(type) of a type the page has none of is undefined');
    });

    test('after load: sdes.push and sdes.send (object or array, with its callback), newPage with url only, section and taglets', async () => {
      const PAGE = async ({ cart, lead, service, view, config }) => {
        const settle = () => new Promise((resolve) => setTimeout(() => lpTag.sdes.send(() => resolve()), 0));
        lpTag.section = 'outdoor';
        await lpmonLoad({ config });
        await lpmon.ready;
        await settle();
        lpTag.sdes.push(cart);
        await settle();
        const answers = [];
        await new Promise((resolve) => lpTag.sdes.send(lead, (error, answer) => { answers.push([error, !!answer.pageId]); resolve(); }));
        await new Promise((resolve) => lpTag.sdes.send([service, view], (error) => { answers.push([error]); resolve(); }));
        lpTag.newPage(location.href + '#plain');
        lpTag.newPage(location.href + '#tents', {
          section: ['outdoor', 'tents'], sdes: [view],
          taglets: { rendererStub: { divIdsToKeep: { 'chat-button': true } }, someTaglet: { anything: 1 } },
        });
        await settle();
        return { vid: lpmon.getVid(), answers, url: location.href, store: lpTag.sdes.get().map((s) => s.type) };
      };
      const out = await inPage(PAGE, { cart: CART, lead: LEAD, service: SERVICE, view: VIEW, config: CONFIG });
      await out.tab.close();
      const requests = await wire(out.vid);
      const kinds = requests.map((r) => r.path.split('/').at(-1));
      assert.deepEqual(kinds, ['engagement', 'report', 'report', 'report', 'engagement', 'engagement']);
      assert.ok(requests.every((r) => r.status < 300));
      const [start, pushed, sentOne, sentTwo, plain, tents] = requests;
      assert.deepEqual(start.body.entryPoints, [out.url, 'sec://outdoor']);
      assert.equal(start.body.engagementAttributes, undefined);
      assert.deepEqual(pushed.body.engagementAttributes, [CART]);
      assert.deepEqual(sentOne.body.engagementAttributes, [LEAD]);
      assert.deepEqual(sentTwo.body.engagementAttributes, [SERVICE, VIEW]);
      for (const r of [pushed, sentOne, sentTwo]) assert.equal(r.body.pageId, start.answer.pageId, 'reports stay on their page');
      assert.deepEqual(out.answers, [[null, true], [null]]);
      assert.deepEqual(plain.body.entryPoints, [out.url + '#plain', 'sec://outdoor'], 'newPage(url) keeps the section');
      assert.equal(plain.body.engagementAttributes, undefined);
      assert.deepEqual(tents.body.entryPoints, [out.url + '#tents', 'sec://outdoor', 'sec://tents']);
      assert.deepEqual(tents.body.engagementAttributes, [VIEW]);
      assert.notEqual(tents.answer.pageId, start.answer.pageId);
      assert.deepEqual(out.store, ['prodView'], 'the store holds the new page only');
    });

    test('lpTag.events: both bind forms with context, async and triggerOnce; hasFired; unbind', async () => {
      const PAGE = async ({ config }) => {
        const got = [];
        const early = lpTag.events.bind('brand', 'EARLY', (data, info) => got.push(['early', data.n, info.appName, info.eventName]));
        lpTag.events.trigger('brand', 'EARLY', { n: 0 });
        await lpmonLoad({ config });
        await lpmon.ready;
        const ctx = { label: 'ctx' };
        const plain = lpTag.events.bind('brand', 'PING', (data, info) => got.push(['plain', data.n, info.appName]));
        const once = lpTag.events.bind({ appName: 'brand', eventName: 'PING', func() { got.push(['once', this.label]); }, context: ctx, triggerOnce: true });
        lpTag.events.bind({ eventName: 'PING', func: (data, info) => got.push(['any app', info.appName]) });
        lpTag.events.bind({ appName: 'brand', eventName: 'PING', async: true, func: (data) => got.push(['async', data.n]) });
        lpTag.events.trigger('brand', 'PING', { n: 1 });
        got.push(['sync part done']);
        const unbound = lpTag.events.unbind(plain);
        lpTag.events.trigger({ appName: 'other', eventName: 'PING', data: { n: 2 } });
        await new Promise((r) => setTimeout(r, 20));
        return {
          got, early, unbound, handles: [typeof plain, typeof once, plain !== once],
          fired: lpTag.events.hasFired('brand', 'PING'), firedAny: lpTag.events.hasFired('*', 'PING').length,
          ready: lpTag.events.hasFired('lp_monitoringSDK', 'READY').length,
          again: lpTag.events.unbind(plain),
        };
      };
      const out = await inPage(PAGE, { config: CONFIG });
      await out.tab.close();
      assert.deepEqual(out.got, [
        ['early', 0, 'brand', 'EARLY'],
        ['plain', 1, 'brand'], ['once', 'ctx'], ['any app', 'brand'], ['sync part done'],
        ['any app', 'other'], ['async', 1],
      ]);
      assert.equal(out.early, undefined, 'a bind deferred by the snippet has no handle');
      assert.deepEqual(out.handles, ['number', 'number', true]);
      assert.equal(out.unbound, true);
      assert.equal(out.again, false);
      assert.deepEqual(out.fired, [{ appName: 'brand', eventName: 'PING', data: { n: 1 } }]);
      assert.equal(out.firedAny, 2);
      assert.equal(out.ready, 1);
    });

    test('one bad SDE never costs the page view: SDE_DROPPED names it, the rest goes out (debug: a warning each); lpmon.report stays strict', async () => {
      const PAGE = async ({ sdes, config }) => {
        const settle = () => new Promise((resolve) => setTimeout(() => lpTag.sdes.send(() => resolve()), 0));
        const dropped = [];
        lpTag.events.bind('lp_monitoringSDK', 'SDE_DROPPED', (data) => dropped.push(data));
        lpTag.sdes.push(sdes);
        await lpmonLoad({ config, debug: true });
        await lpmon.ready;
        await settle();
        // lpmon's own API, beside the layer, stays strict: the whole call is rejected.
        const strict = await lpmon.report({ engagementAttributes: sdes }).then(() => 'sent', (e) => `${e.kind}: ${e.message}`);
        return { vid: lpmon.getVid(), dropped, strict, told: window.told.filter((d) => d.name === 'SDE_DROPPED'), warnings: window.warnings };
      };
      const out = await inPage(PAGE, { sdes: [CART, BAD, LEAD, { type: 'service', service: { status: 99 } }], config: CONFIG });
      await out.tab.close();
      const [start, ...more] = await wire(out.vid);
      assert.equal(more.length, 0, 'the strict call sent nothing');
      assert.equal(start.status, 201);
      assert.deepEqual(start.body.engagementAttributes, [CART, LEAD]);
      assert.equal(out.strict, 'validation: engagementAttributes[1].total is required');
      const expected = [
        { index: 1, type: 'cart', reason: 'engagementAttributes[1].total is required' },
        { index: 3, type: 'service', reason: 'engagementAttributes[3].service.status must be an integer from 0 to 13' },
      ];
      assert.deepEqual(out.dropped, expected, 'as lpTag events');
      assert.deepEqual(out.told.map((d) => [d.app, d.data]), expected.map((d) => ['lp_monitoringSDK', d]), 'as window lpmon events');
      assert.equal(out.warnings.length, 2, out.warnings.join('\n'));
      assert.match(out.warnings[0], /engagementAttributes\[1\]\.total is required/);
    });

    test('a start-page call that fails is told to the page (SP_FAILED); debug mode adds exactly one console warning', async () => {
      const PAGE = async ({ config, debug, identity }) => {
        const settle = () => new Promise((resolve) => setTimeout(() => lpTag.sdes.send(() => resolve()), 0));
        const failed = [];
        lpTag.events.bind('lp_monitoringSDK', 'SP_FAILED', (data) => failed.push(data));
        if (identity) lpTag.identities.push((callback) => callback(identity));
        await lpmonLoad({ config, debug });
        await lpmon.ready;
        await settle();
        return { failed, told: window.told.filter((d) => d.name === 'SP_FAILED').length, warnings: window.warnings };
      };
      // The server refuses it; then lpmon's validation does (an identity whose sub is a number).
      const runs = [
        { query: '?lpmon_debug=1', fault: true, warnings: 1 },
        { query: '', debug: true, fault: true, warnings: 1 },
        { query: '', fault: true, warnings: 0 },
        { query: '?lpmon_debug=1', identity: { iss: 'https://brand.example', acr: 'loa1', sub: 4711 }, warnings: 1 },
      ];
      for (const run of runs) {
        if (run.fault) await ctl.fault({ match: { endpoint: 'engagement' }, status: 400, internalCode: 5, message: 'bad data', times: 1 });
        try {
          const out = await inPage(PAGE, { config: CONFIG, debug: run.debug, identity: run.identity }, run.query);
          await out.tab.close();
          const what = JSON.stringify(run);
          assert.equal(out.failed.length, 1, what);
          assert.equal(out.told, 1, what);
          if (run.fault) {
            assert.equal(out.failed[0].kind, 'http', what);
            assert.equal(out.failed[0].status, 400, what);
          } else {
            assert.equal(out.failed[0].kind, 'validation', what);
            assert.match(out.failed[0].message, /identity/, what);
          }
          assert.equal(out.warnings.length, run.warnings, `${what}: ${out.warnings.join('\n')}`);
          if (run.warnings) assert.match(out.warnings[0], /SP_FAILED/);
        } finally {
          await ctl.clearFaults();
        }
      }
    });
  });
}
