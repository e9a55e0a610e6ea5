// Per-call cost and load, driven by scripts/bench.mjs: lpmon's engage/report against the same
// requests made with a plain fetch (the baseline) and by a plain-JS client that also does what
// lpmon must (a timeout on every request), interleaved; where a call's time goes, beside the
// plain fetch's; lpmon's own work with the network left out, hot and after idle; a flood of
// reports with the long tasks it causes; the wasm memory before and after.
import init, { createMonitor } from '/pkg/index.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const api = meta('lpmon-api');
const account = meta('lpmon-account');
const app = meta('lpmon-app');
const base = `${api}/api/account/${account}/app/${app}`;
let monitor;
let memory;
const WARM_UP = 300;
/** The median of `ms` (milliseconds), in whole microseconds. */
const medianUs = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return Math.round(s[s.length >> 1] * 1000);
};

const longTasks = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });

window.bench = {
  async setup() {
    const exports = await init();
    // Export names are minified: the memory is the one WebAssembly.Memory among them.
    memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
    monitor = createMonitor({ accountId: account, appInstallationId: app, domain: api });
    const first = await monitor.engage();
    return { vid: first.visitorId, sid: first.sessionId };
  },

  /** `n` rounds of one lpmon call, the same request by hand and by the plain-JS client; each
   * round starts with a different one of the three. */
  async calls(kind, n, engageBody) {
    const { url, request, lpmon, plain } = this.requests(kind, engageBody);
    // What a plain-JS monitoring client cannot skip either: its requests time out (lpmon's
    // default, 10 s). Reported beside the plain fetch, never used as the budget's baseline.
    const client = async () => JSON.parse(await (await fetch(url, { ...request, signal: AbortSignal.timeout(10000) })).text());
    const timed = async (f) => { const t = performance.now(); await f(); return performance.now() - t; };
    // Warm-up first: V8 tiers wasm and JS up while they run, and the first calls would measure
    // the compiler rather than lpmon.
    for (let i = 0; i < WARM_UP; i++) {
      await lpmon();
      await plain();
      await client();
    }
    const runs = { lpmon, plain, client };
    const names = Object.keys(runs);
    const out = { lpmon: [], plain: [], client: [] };
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length];
        out[name].push(await timed(runs[name]));
      }
    }
    return out;
  },

  /** Where a call's time goes, lpmon beside the plain fetch: `n` rounds of each (after `calls`
   * warmed both up), timed when the call is made and returns (lpmon's synchronous part), when
   * `fetch()` is called, when the answer's text is in hand and when the promise settles. A pass
   * of its own: the wrappers that take the times would be in the ratios' way. Medians in
   * microseconds. */
  async phases(kind, n, engageBody) {
    const { lpmon, plain } = this.requests(kind, engageBody);
    let mark = {};
    const fetch0 = window.fetch;
    const text0 = Response.prototype.text;
    window.fetch = (...args) => {
      mark.fetch = performance.now();
      return fetch0(...args);
    };
    Response.prototype.text = function text() {
      return text0.call(this).then((t) => {
        mark.text = performance.now();
        return t;
      });
    };
    const rows = { lpmon: [], plain: [] };
    try {
      for (let i = 0; i < n; i++) {
        for (const name of i % 2 ? ['lpmon', 'plain'] : ['plain', 'lpmon']) {
          mark = {};
          const t = performance.now();
          const p = (name === 'lpmon' ? lpmon : plain)();
          const back = performance.now();
          await p;
          const end = performance.now();
          rows[name].push([back - t, mark.fetch - t, mark.text - mark.fetch, end - mark.text, end - t]);
        }
      }
    } finally {
      window.fetch = fetch0;
      Response.prototype.text = text0;
    }
    const names = ['syncUs', 'untilFetchUs', 'networkUs', 'afterAnswerUs', 'totalUs'];
    const out = {};
    for (const [who, r] of Object.entries(rows)) out[who] = Object.fromEntries(names.map((k, j) => [k, medianUs(r.map((x) => x[j]))]));
    return out;
  },

  /** lpmon's own work per call, the network left out: `fetch` answers at once, from memory, with
   * the answer the emulator gave this request. `n` rounds of lpmon and of the plain fetch (after
   * as many to warm up), first back to back ("hot"), then each call after a 5 ms pause ("after
   * idle", about a loopback round trip: what the code meets while a real request is out). Medians
   * in microseconds. */
  async own(kind, n, engageBody) {
    const { url, request, lpmon, plain } = this.requests(kind, engageBody);
    const given = await fetch(url, request);
    const status = given.status;
    const text = await given.text();
    const fetch0 = window.fetch;
    window.fetch = () => Promise.resolve(new Response(text || null, { status }));
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const out = {};
    try {
      for (const idle of [false, true]) {
        const rows = { lpmon: [], plain: [] };
        for (let i = 0; i < 2 * n; i++) {
          for (const name of i % 2 ? ['lpmon', 'plain'] : ['plain', 'lpmon']) {
            if (idle) await pause();
            const t = performance.now();
            await (name === 'lpmon' ? lpmon : plain)();
            if (i >= n) rows[name].push(performance.now() - t);
          }
        }
        out[idle ? 'afterIdle' : 'hot'] = { lpmonUs: medianUs(rows.lpmon), plainUs: medianUs(rows.plain) };
      }
    } finally {
      window.fetch = fetch0;
    }
    return out;
  },

  /** The lpmon call of `kind` and the plain fetch making the same request. */
  requests(kind, engageBody) {
    const vid = monitor.getVid();
    const sid = monitor.getSid();
    const report = { engagementAttributes: [{ type: 'searchInfo', keywords: ['bench'] }] };
    const url = `${base}/${kind === 'engage' ? 'engagement' : 'report'}?v=1.0&vid=${vid}&sid=${sid}`;
    const request = kind === 'engage'
      ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: engageBody }
      : { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-HTTP-Method-Override': 'PUT' }, body: JSON.stringify(report), keepalive: true };
    return {
      url,
      request,
      lpmon: () => (kind === 'engage' ? monitor.engage() : monitor.report(report)),
      plain: async () => JSON.parse(await (await fetch(url, request)).text()),
    };
  },

  /** `total` reports, `batch` at a time; the long tasks they cause. */
  async flood(total, batch) {
    longTasks.length = 0;
    const t = performance.now();
    for (let done = 0; done < total; done += batch) {
      const calls = [];
      for (let i = 0; i < Math.min(batch, total - done); i++) {
        calls.push(monitor.report({ engagementAttributes: [{ type: 'searchInfo', keywords: ['flood', String(done + i)] }] }));
      }
      await Promise.all(calls);
    }
    await new Promise((r) => setTimeout(r, 100));
    const durations = longTasks.map((e) => e.duration);
    return {
      seconds: (performance.now() - t) / 1000,
      longTasks: durations.length,
      longestTaskMs: durations.length ? Math.max(...durations) : 0,
      totalBlockingMs: durations.reduce((s, d) => s + Math.max(0, d - 50), 0),
    };
  },

  /** `n` reports made at once: the time until the last one is delivered. */
  async burst(n, tag = 'burst') {
    const t = performance.now();
    const calls = [];
    for (let i = 0; i < n; i++) {
      calls.push(monitor.report({ engagementAttributes: [{ type: 'searchInfo', keywords: [tag, String(i)] }] }));
    }
    const settled = await Promise.allSettled(calls);
    return { seconds: (performance.now() - t) / 1000, resolved: settled.filter((s) => s.status === 'fulfilled').length };
  },

  wasmMemory: () => memory.buffer.byteLength,
};
window.benchReady = true;
