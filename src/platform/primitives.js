// The browser primitives under lpmon's platform layer (src/platform/*.rs), imported by the wasm.
// Each is a thin wrapper that never throws: failures come back as values and the Rust side decides
// what they mean (fallbacks, events, errors). A few coarse imports instead of one per browser call
// keep both the wasm and its JS glue small. Works in windows and workers (globalThis).

const g = globalThis;

/** fetch(url, init) with a timeout; `init` is the RequestInit as JSON text. Resolves, never
 * rejects, to `{status, body, retryAfter}`; without an answer `status` is 0 (offline, DNS, CORS,
 * body cut off) or 1 (the timeout aborted the request), statuses no response has. */
export async function http(url, init, timeoutMs) {
  let signal;
  // A browser that knows it is offline is not asked to try: lpmon waits for 'online' instead.
  if (g.navigator && g.navigator.onLine === false) return { status: 0, body: '' };
  try {
    init = JSON.parse(init);
    // The browser's own timer: no closure to create and clear on every call.
    try { init.signal = signal = AbortSignal.timeout(timeoutMs); } catch (_) { /* no timeout */ }
    const r = await fetch(url, init);
    let retryAfter;
    // Only refusals and throttling (429, 5xx) carry a wait worth reading; headers.get on every
    // answer cost ~20 us (median, bench/calls.js, Chromium).
    if (r.status >= 400) try { retryAfter = r.headers.get('Retry-After'); } catch (_) { /* no hint */ }
    return { status: r.status, body: await r.text(), retryAfter };
  } catch (_) {
    return { status: signal && signal.aborted ? 1 : 0, body: '' };
  }
}

let on = () => {};

/** Sets the one function every later answer, timer, lock and page event is handed to, as
 * `on(kind, tag, value, flag)`: 1 page hidden, 2 online, 3 answer, 4 timer, 5 lock granted (value:
 * its release function; flag: another holder went first), 6 held locks (JSON text or null). */
export function bind(f) {
  on = f;
}

/** `http`, then `on(3, tag, answer)`; a tag of 0 lets the request finish on its own. The fetch
 * starts in a microtask, once the wasm has returned: in Chromium a fetch() made with wasm frames
 * on the stack took ~0.1 ms longer (bench/calls.js under the bench's DevTools session). A
 * microtask runs before any other task: requests still leave in the order made, and those of a
 * page-hide hand-over before the page goes. */
export function request(tag, url, init, timeoutMs) {
  Promise.resolve().then(() => { http(url, init, timeoutMs).then((a) => tag && on(3, tag, a)); });
}

/** `on(4, tag)` after `ms` milliseconds; returns what `clearTimer` takes. */
export function timer(tag, ms) {
  return setTimeout(() => on(4, tag), ms);
}

/** Cancels a `timer`. */
export function clearTimer(handle) {
  clearTimeout(handle);
}

/** `value` when it is a string (one way for strings into the wasm: smaller than a second one). */
export function text(value) {
  return typeof value === 'string' ? value : undefined;
}

/** A promise that resolves after `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** localStorage. `op`: 0 getItem (→ string or null), 1 setItem, 2 removeItem, 3 the keys that
 * start with `key` (→ JSON array). A failure answers a number: 1 not a window, 2 localStorage is
 * null, 3 reading localStorage threw, 4 the call threw. */
export function storage(op, key, value) {
  let s;
  try {
    if (typeof Window !== 'function' || !(g instanceof Window)) return 1;
    s = g.localStorage;
  } catch (_) {
    return 3;
  }
  if (!s) return 2;
  try {
    if (op === 0) return s.getItem(key);
    if (op === 1) return s.setItem(key, value);
    if (op === 2) return s.removeItem(key);
    const keys = [];
    let n = 0;
    try { n = s.length; } catch (_) { /* no keys */ }
    for (let i = 0; i < n; i++) {
      try {
        const k = s.key(i);
        if (typeof k === 'string' && k.startsWith(key)) keys.push(k);
      } catch (_) { /* skip it */ }
    }
    return JSON.stringify(keys);
  } catch (_) {
    return 4;
  }
}

/** Hands `detail` (JSON text) to `callback` (when it is a function) and dispatches it as a `lpmon`
 * CustomEvent on the global object. A throwing listener does not reach lpmon. */
export function emit(callback, detail) {
  let d = null;
  try { d = JSON.parse(detail); } catch (_) { /* lpmon writes valid JSON */ }
  try { if (typeof callback === 'function') callback(d); } catch (_) { /* the page's bug */ }
  try { g.dispatchEvent(new CustomEvent('lpmon', { detail: d })); } catch (_) { /* no events here */ }
}

/** Calls `on(1, tag)` when the page is hidden (pagehide, or the document turning hidden) and
 * `on(2, tag)` when the browser comes back online. The listeners stay for the page's life. */
export function watch(tag) {
  const doc = g.document;
  const hidden = () => on(1, tag);
  try {
    g.addEventListener('pagehide', hidden);
    g.addEventListener('online', () => on(2, tag));
    doc.addEventListener('visibilitychange', () => doc.visibilityState === 'hidden' && hidden());
  } catch (_) { /* a worker, or no document */ }
}

function locks() {
  try {
    const l = g.navigator.locks;
    return l && typeof l.request === 'function' ? l : null;
  } catch (_) {
    return null;
  }
}

/** Calls `f` when it is a function (the release function `lock` resolves to). */
export function call(f) {
  if (typeof f === 'function') f();
}

/** Web Lock `name`, exclusive. `mode`: 0 wait for it, 1 hold it for the page's life, 2 take it
 * only if nobody holds it. Resolves to the function that releases it once granted, to false when
 * mode 2 found it held, or to undefined when Web Locks are missing or the request failed (then
 * only the in-page gate serializes). */
export function lock(name, mode) {
  const l = locks();
  if (!l) return Promise.resolve();
  return new Promise((granted) => {
    try {
      const hold = (got) => (got === null ? granted(false) : new Promise((release) => (mode === 1 ? 0 : granted(release))));
      (mode === 2 ? l.request(name, { ifAvailable: true }, hold) : l.request(name, hold)).catch(() => granted());
    } catch (_) {
      granted();
    }
  });
}

/** Exclusive Web Lock `name`: asked without queueing first (most of the time nobody holds it),
 * then waited for. Calls `on(5, tag, release, waited)` once granted (release is undefined without
 * Web Locks). */
export function exclusive(tag, name) {
  lock(name, 2).then((r) => (r === false ? lock(name, 0).then((w) => on(5, tag, w, true)) : on(5, tag, r, false)));
}

/** `on(6, tag, names)`: the names of the Web Locks held anywhere on the site as a JSON array, or
 * null when unknown. */
export async function held(tag) {
  let names = null;
  try {
    names = JSON.stringify((await locks().query()).held.map((h) => h.name));
  } catch (_) { /* unknown */ }
  on(6, tag, names);
}

/** What the browser tells about itself: `[userAgent, maxTouchPoints, timeZone]` as JSON. The
 * time zone only when `zone` is true: the first Intl.DateTimeFormat of a page can take tens of
 * milliseconds, and only the client-properties header needs it (not createMonitor). */
export function facts(zone) {
  const n = g.navigator || {};
  let tz;
  try { if (zone) tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (_) { /* no Intl */ }
  const touch = n.maxTouchPoints;
  return JSON.stringify([
    typeof n.userAgent === 'string' ? n.userAgent : '',
    typeof touch === 'number' && touch > 0 ? Math.floor(touch) : 0,
    typeof tz === 'string' ? tz : null,
  ]);
}

/** True when the browser sends Global Privacy Control (`navigator.globalPrivacyControl`). */
export function gpc() {
  try {
    return g.navigator.globalPrivacyControl === true;
  } catch (_) {
    return false;
  }
}

const pending = new WeakMap();

/** A new promise, settled later by `settle`. */
export function deferred() {
  let settle;
  const p = new Promise((resolve, reject) => { settle = [resolve, reject]; });
  pending.set(p, settle);
  return p;
}

/** Fulfils (`ok`) or rejects a promise made by `deferred`, once. */
export function settle(p, ok, value) {
  const s = pending.get(p);
  pending.delete(p);
  if (s) s[ok ? 0 : 1](value);
}
