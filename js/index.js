// lpmon's ESM entry. It wraps the wasm-bindgen glue so that importing lpmon never touches
// `window` (server-side rendering stays safe) and so that using it before `init()` or outside a
// browser fails with an LpmonError of kind "config" instead of a TypeError from the glue.
// The package ships it bundled (scripts/build.mjs writes pkg/index.js, one module with the glue,
// track.js and audit.js inside). Unbundled, as the repository serves it, init() imports them while
// the .wasm downloads: static imports would add a round trip before the .wasm request.

let started = null;
let ready = false;
let glue, withTrack, watch, listen; // set by init()

function configError(message) {
  const e = new Error(message);
  e.name = 'LpmonError';
  e.kind = 'config';
  return e;
}

function browserless() {
  return typeof fetch !== 'function' || typeof globalThis.location === 'undefined'
    ? configError('lpmon runs in a browser: fetch or location is missing here (server-side rendering?)')
    : null;
}

function checked() {
  const outside = browserless();
  if (outside) throw outside;
  if (!ready) throw configError('call and await init() before using lpmon');
}

/** Loads and instantiates the WebAssembly module (once; later calls return the same promise). */
export default function init(input) {
  const outside = browserless();
  if (outside) return Promise.reject(outside);
  if (!started) {
    // The glue's default .wasm, fetched now; the glue streams it into instantiateStreaming.
    const wasm = input === undefined ? fetch(new URL('../pkg/lpmon_bg.wasm', import.meta.url)) : undefined;
    wasm?.catch(() => {}); // init() reports a failure, once the glue awaits it
    started = Promise.all([import('../pkg/lpmon.js'), import('./track.js'), import('./audit.js')])
      .then(([g, t, a]) => {
        ({ withTrack } = t);
        ({ watch, listen } = a);
        return g.default(wasm ? { module_or_path: wasm } : input).then((out) => {
          glue = g;
          ready = true;
          return out;
        });
      });
    started.catch(() => { started = null; });
  }
  return started;
}

/** Creates a monitor for one account and app installation (throws LpmonError kind "config"). */
export function createMonitor(config) {
  checked();
  // track() (js/track.js) and debug mode's audit (js/audit.js, idle outside debug mode) sit
  // around the wasm monitor.
  return watch(withTrack(glue.createMonitor(config), conversationContext, config.onEvent), debug, config.onEvent, true);
}

let debugging = false;

/** Debug mode (the IMPRESSION_MISSING audit, a console warning): `debug(true)`/`debug(false)`;
 * `debug()` tells whether it is on. */
export function debug(on) {
  if (on === undefined) return debugging;
  debugging = !!on;
  // Debug mode's record listens to lpmon events from its first use (before init(), createMonitor
  // starts it): outside debug mode no listener runs on every event.
  if (debugging && listen) listen(debug);
}

// ---- Agent side and conversation helpers ------------------------------------------------------
// createAgentClient checks its config here, synchronously and in plain JS, so that brand pages
// pay nothing for it (bundlers drop this code when it is not imported, and the consumer wasm does
// not carry it). The rules are those of core::agent::config, which the agent wasm applies again
// on its side; tests/e2e/agent.test.mjs runs one table of configs through both. The agent wasm
// (pkg/agent/) is fetched the first time a client is used.

function lpmonError(kind, message) {
  const e = configError(message);
  e.kind = kind;
  return e;
}

function isLoopback(host) {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' ||
    (/^127(\.\d{1,18}){3}$/.test(host) && host.split('.').every((p) => Number(p) <= 255));
}

/** `domain`/`reportingDomain`/`csds`: a host (https) or an origin, http only for loopback. */
function checkOrigin(what, value) {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') throw configError(`${what} must be a string`);
  const input = value.trim();
  const at = input.indexOf('://');
  const scheme = at < 0 ? 'https' : input.slice(0, at).toLowerCase();
  let authority = at < 0 ? input : input.slice(at + 3);
  if (authority.endsWith('/')) authority = authority.slice(0, -1);
  const m = /^(\[[0-9A-Fa-f:]+\]|[^:[\]]+)(?::([1-9]\d{0,4}))?$/.exec(authority);
  const host = m ? m[1].toLowerCase() : '';
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
  const hostOk = host.startsWith('[') || (host.length > 0 && host.length <= 253 && host.split('.').every((l) => label.test(l)));
  if (!m || !hostOk || Number(m[2] || 1) > 65535) {
    throw configError(`${what} must be a host name or an origin like https://host[:port]`);
  }
  if (scheme === 'http' && !isLoopback(host)) throw configError(`${what}: http is allowed only for loopback hosts`);
  if (scheme !== 'https' && scheme !== 'http') throw configError(`${what} must use https`);
}

function checkAgentConfig(c) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw configError('createAgentClient needs a config object');
  const account = Number.isFinite(c.accountId) ? String(c.accountId) : typeof c.accountId === 'string' ? c.accountId.trim() : '';
  if (!account) throw configError('accountId is required');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(account)) throw configError("accountId must be 1-64 letters, digits, '_' or '-'");
  checkOrigin('domain', c.domain);
  checkOrigin('reportingDomain', c.reportingDomain);
  checkOrigin('csds', c.csds);
  const shape = 'auth must be { bearer } or { consumerKey, consumerSecret, token, tokenSecret }';
  const a = c.auth;
  if (a === null || typeof a !== 'object' || Array.isArray(a)) throw configError(shape);
  const given = (k) => {
    if (a[k] === undefined || a[k] === null) return false;
    if (typeof a[k] !== 'string' || a[k] === '') throw configError(`auth.${k} must be a non-empty string`);
    return true;
  };
  const bearer = given('bearer');
  const keys = ['consumerKey', 'consumerSecret', 'token', 'tokenSecret'];
  const missing = keys.filter((k) => !given(k));
  if (bearer && missing.length < 4) throw configError('auth: give either bearer or the OAuth keys, not both');
  if (bearer && !/^[\x21-\x7e]+$/.test(a.bearer)) throw configError('auth.bearer must be a token of visible ASCII characters (no spaces)');
  if (!bearer && missing.length === 4) throw configError(shape);
  if (!bearer && missing.length) throw configError(`auth: OAuth needs all of consumerKey, consumerSecret, token and tokenSecret (${missing[0]} is missing)`);
  if (c.retry !== undefined && c.retry !== null) {
    const d = c.retry.delaysMs;
    if (!Array.isArray(d)) throw configError('retry.delaysMs must be an array of milliseconds');
    if (d.length > 16) throw configError('retry.delaysMs allows at most 16 retries');
    if (!d.every((n) => Number.isInteger(n) && n >= 0 && n <= 3600000)) throw configError('retry.delaysMs entries must be integers from 0 to 3600000');
  }
  if (c.timeoutMs !== undefined && c.timeoutMs !== null && !(Number.isInteger(c.timeoutMs) && c.timeoutMs >= 1 && c.timeoutMs <= 3600000)) {
    throw configError('timeoutMs must be a positive integer (ms)');
  }
}

let agentModule = null;

/** The agent wasm, loaded and initialised once (a failed load is tried again next time). */
function loadAgent() {
  if (!agentModule) {
    agentModule = import('../pkg/agent/lpmon_agent.js')
      .then(async (m) => { await m.default(); return m; })
      .catch((cause) => {
        agentModule = null;
        const e = lpmonError('network', `the agent module could not be loaded: ${cause && cause.message}`);
        e.cause = cause;
        throw e;
      });
  }
  return agentModule;
}

/**
 * A client of the agent-side APIs (Visit Information, Engagement Activity). Throws an LpmonError
 * of kind "config" at once for an unusable config; the agent wasm is fetched on first use, so
 * this works without init().
 */
export function createAgentClient(config) {
  // No init() needed: the client brings its own module. It still needs a browser (fetch, location).
  if (typeof fetch !== 'function' || typeof globalThis.location === 'undefined') {
    throw configError('lpmon runs in a browser: fetch or location is missing here (server-side rendering?)');
  }
  checkAgentConfig(config);
  // The config as it was checked: later changes to the caller's object do not leak in.
  let snapshot;
  try {
    snapshot = JSON.parse(JSON.stringify(config));
  } catch {
    throw configError('the config must be a plain object');
  }
  let client = null;
  const ready = () => {
    if (!client) {
      client = loadAgent().then((m) => m.createAgentClient(snapshot));
      client.catch(() => { client = null; });
    }
    return client;
  };
  return Object.freeze({
    visitInfo: (request) => ready().then((c) => c.visitInfo(request)),
    engagementActivity: (request) => ready().then((c) => c.engagementActivity(request)),
    activityWindow: (request, nowMs) => ready().then((c) => c.activityWindow(request, nowMs)),
  });
}

/** Runs conversation helper `which` in the wasm: JSON text in and out, "!kind:message" for an error. */
function helper(which, a, b) {
  checked();
  let args;
  try {
    args = [JSON.stringify(a ?? null), JSON.stringify(b ?? null)];
  } catch {
    args = ['-', 'null']; // not JSON-compatible (a cycle, a BigInt): the wasm answers with the error
  }
  const answer = glue.conversationHelper(which, args[0], args[1]);
  if (answer[0] === '!') {
    const colon = answer.indexOf(':');
    throw lpmonError(answer.slice(1, colon), answer.slice(colon + 1));
  }
  return answer;
}

/** `{campaignInfo, conversationContext}` for cm.ConsumerRequestConversation, from an engage result. */
export function conversationContext(engageResult, options) {
  return JSON.parse(helper(0, engageResult, options));
}

/** The JSON text of the `client-properties` header (browser facts, overridden by `props`). */
export function clientPropertiesHeader(props) {
  return helper(1, props);
}
