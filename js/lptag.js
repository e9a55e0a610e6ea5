// The lpTag compatibility layer, bundled into dist/lpmon.js: the part of the LivePerson web tag's
// page-facing surface that monitoring needs, so page code written for the original tag keeps
// working. `installLpTag` replaces `lpTag.events`, `lpTag.sdes` and `lpTag.newPage`, keeps
// `lpTag.section`, `lpTag.identities` and `lpTag.hooks` as the page's own values, and drains what
// an lpTag snippet queued before lpmon arrived (`sdes`, `_defB`, `_defT`, `_defL`, `ev`). Every
// call it makes goes through `api` (window.lpmon), one after another. Unlike lpmon's own API it
// is lenient, as the tag was: one SDE that lpmon's validation rejects is dropped on its own
// (SDE_DROPPED) and the rest still goes out; a call that fails anyway is told to the page
// (SP_FAILED, REPORT_FAILED, and in debug mode a console warning), never swallowed.

const noop = () => {};
const isObj = (x) => !!x && typeof x === 'object';
const list = (x) => (x == null ? [] : [].concat(x));
const isImpression = (s) => /^imp/.test(s.type);
// A page callback that throws is the page's bug: surface it, but never inside lpmon's flow.
const rethrow = (e) => setTimeout(() => { throw e; });
const guard = (fn, ...args) => {
  try { return fn(...args); } catch (e) { rethrow(e); }
};

// `say(name, data)` tells an lp_monitoringSDK event (a window `lpmon` CustomEvent, which the
// layer also triggers as an lpTag event).
export function installLpTag(w, tag, api, say) {
  let handlers = [];
  const fired = [];
  let seq = 0;
  let store = []; // the current page's SDEs (lpTag.sdes.get)
  const pending = []; // SDEs waiting for the next call
  const waiting = []; // lpTag.sdes.send callbacks of the pending SDEs
  let pageId;
  let nextUrl;
  let started = false;
  let flushing = 0;
  let open;
  // The layer's calls run one after another, the first only once the start-page call is done.
  let chain = new Promise((resolve) => { open = resolve; });
  // An lp_monitoringSDK event, and in debug mode (lpmon.debug()) one console warning saying `text`.
  const tell = (name, data, text) => {
    say(name, data);
    if (api.debug()) console.warn('lpmon ' + name + ': ' + text);
  };

  // ---- lpTag.events
  const matches = (h, appName, eventName) =>
    (h.appName === '*' || appName === '*' || h.appName === appName) && h.eventName === eventName;

  const bind = (app, eventName, func) => {
    const o = isObj(app) ? app : { appName: app, eventName, func };
    if (typeof o.func !== 'function' || !o.eventName) return null;
    handlers.push({ id: ++seq, appName: o.appName || '*', eventName: o.eventName, func: o.func, context: o.context, once: o.triggerOnce, async: o.async });
    return seq;
  };

  // unbind(handle), unbind(app, eventName, func?) or unbind({appName, eventName, func?}).
  const unbind = (app, eventName, func) => {
    const o = isObj(app) ? app : eventName === undefined ? { id: app } : { appName: app, eventName, func };
    const before = handlers.length;
    handlers = handlers.filter((h) =>
      o.id !== undefined ? h.id !== o.id : !(matches(h, o.appName || '*', o.eventName) && (!o.func || o.func === h.func)));
    return handlers.length < before;
  };

  const trigger = (app, eventName, data) => {
    const o = isObj(app) ? app : { appName: app, eventName, data };
    const info = { appName: o.appName, eventName: o.eventName };
    fired.push({ appName: o.appName, eventName: o.eventName, data: o.data });
    if (fired.length > 500) fired.shift();
    for (const h of handlers.slice()) {
      if (!matches(h, o.appName, o.eventName)) continue;
      if (h.once) unbind(h.id);
      const run = () => guard(() => h.func.call(h.context, o.data, info));
      if (h.async) setTimeout(run); else run();
    }
  };

  const hasFired = (appName, eventName) => fired.filter((f) => matches({ appName, eventName }, f.appName, f.eventName));

  // ---- what goes into a call
  // `args` as lpTag.sdes.push takes them, before lpmon loaded (the snippet's array) or after:
  // each an SDE or an array of SDEs. Whether an SDE is valid is lpmon's validation's call.
  const add = (args) => {
    for (const arg of args) for (const s of list(arg)) {
      if (s == null) continue;
      store.push(s);
      pending.push(s);
      trigger('lp_sdes', 'VAR_ADDED', s);
    }
  };

  // The pending SDEs after the BEFORE_SUBMIT_SDE hooks, with the callbacks waiting for them. A
  // hook gets {data: {sdes}} and returns it, changed or not (a non-object answer is ignored);
  // leaving data.sdes empty sends none.
  const take = () => {
    let sdes = pending.splice(0);
    if (sdes.length) {
      let options = { data: { sdes } };
      for (const h of list(tag.hooks)) {
        if (!isObj(h) || h.name !== 'BEFORE_SUBMIT_SDE' || typeof h.callback !== 'function') continue;
        const out = guard(h.callback, options);
        if (isObj(out)) options = out;
      }
      sdes = list(isObj(options.data) ? options.data.sdes : null).filter((s) => s != null);
    }
    return { sdes, callbacks: waiting.splice(0) };
  };

  // Hands the call's outcome to the lpTag.sdes.send callbacks: callback(error, answer).
  const settle = (batch, answer) => answer.then(
    (a) => { batch.callbacks.forEach((cb) => guard(cb, null, a)); return a; },
    (e) => { batch.callbacks.forEach((cb) => guard(cb, e)); throw e; });

  // lpTag.identities: functions that each call back with {iss, acr, sub}; one that does not
  // answer within 2 s is left out (the lpTag event IDENTITY_TIMEOUT says how many: debug panel).
  // (Undefined fields of a request do not cross to the wasm: it takes the request as JSON text.)
  const late = {};
  const identities = () => Promise.all(list(tag.identities).filter((f) => typeof f === 'function').map((f) =>
    new Promise((resolve) => {
      setTimeout(() => resolve(late), 2000);
      try { f(resolve); } catch (e) { resolve(); rethrow(e); }
    }))).then((answers) => {
    const count = answers.filter((a) => a === late).length;
    if (count) trigger('lp_monitoringSDK', 'IDENTITY_TIMEOUT', { count });
    const ids = [];
    for (const a of answers) for (const id of list(a)) if (isObj(id) && id.sub) ids.push(id);
    return ids.length ? ids : undefined;
  });

  // A failed call is told (the event `name` with the error's kind, message and status) and
  // passed on to the sdes.send callbacks.
  const told = (name) => (e) => {
    tell(name, { kind: e.kind, message: e.message, status: e.status, queued: e.queued }, e.message);
    throw e;
  };

  // api[method](req) with `sdes`, taken from the page's `batch`. lpmon's validation names the
  // first bad SDE (`engagementAttributes[1] must be an object`): that one is dropped (SDE_DROPPED:
  // its index in the batch, its type and the reason) and the call is made again with the rest.
  // The rejection comes before anything is sent, so a drop costs no request.
  const lenient = (method, req, sdes, batch) => {
    req.engagementAttributes = sdes.length ? sdes : undefined;
    // A report needs SDEs: none left, nothing to send.
    return sdes.length || method === 'engage' ? api[method](req).catch((e) => {
      const m = e.kind === 'validation' && /^engagementAttributes\[(\d+)/.exec(e.message);
      const bad = m ? sdes[m[1]] : undefined;
      if (bad === undefined) throw e;
      const index = batch.indexOf(bad);
      const reason = e.message.replace(/\d+/, index);
      tell('SDE_DROPPED', { index, type: bad.type, reason }, reason);
      return lenient(method, req, sdes.filter((s) => s !== bad), batch);
    }) : Promise.resolve();
  };

  // A page view: the start-page engagement call with the URL, the sections (`sec://…`), the
  // batch's SDEs and the identities. Impression events cannot ride on it: they follow in a report.
  const visit = (url, section, batch, issued = noop) => {
    pageId = undefined;
    return settle(batch, identities().then((ids) => {
      issued();
      const entryPoints = [url || w.location.href];
      for (const s of list(section)) if (s !== '' && s != null) entryPoints.push('sec://' + s);
      const all = batch.sdes;
      return lenient('engage', { entryPoints, identities: ids }, all.filter((s) => !isImpression(s)), all).then((a) => {
        pageId = a.pageId;
        return lenient('report', { pageId, identities: ids }, all.filter(isImpression), all).then(() => a, told('REPORT_FAILED'));
      }, told('SP_FAILED'));
    }));
  };

  // SDEs added after the page view: a report on the page (none when nothing is left).
  const sendBatch = (batch) => settle(batch, batch.sdes.length
    ? identities().then((ids) => lenient('report', { pageId, identities: ids }, batch.sdes, batch.sdes))
      .catch(told('REPORT_FAILED'))
    : Promise.resolve());

  // A call decided now: what it carries is taken now, the call itself runs in its turn, after the
  // calls decided before it (so a report made before newPage still goes with the old page).
  const later = (call) => {
    const batch = take();
    const run = chain.then(() => call(batch));
    chain = run.then(noop, noop);
    run.catch(noop); // failures were told (events, callbacks) where they happened
  };

  // Pushes of the same tick travel together, in the call lpmon makes right after.
  const flushSoon = () => {
    if (started && !flushing) flushing = setTimeout(() => { flushing = 0; later(sendBatch); });
  };

  // ---- install
  tag.events = { bind, unbind, trigger, hasFired };
  tag.defer = (fn) => { if (typeof fn === 'function') guard(fn); };
  const early = tag.sdes;
  tag.sdes = {
    push(...sdes) { add(sdes); flushSoon(); },
    send(sde, cb) {
      if (typeof sde === 'function') [cb, sde] = [sde, undefined];
      add([sde]);
      if (typeof cb === 'function') waiting.push(cb);
      later(sendBatch);
    },
    // As the tag's: all of the page's SDEs, or those of one type (undefined when there is none).
    get(type) {
      const found = store.filter((s) => !type || s.type === type);
      return type && !found.length ? undefined : found;
    },
  };
  tag.newPage = (url, options) => {
    const o = isObj(options) ? options : {};
    if (o.section !== undefined) tag.section = o.section;
    store = [];
    add([o.sdes]);
    const section = tag.section;
    if (started) later((batch) => visit(url, section, batch));
    else nextUrl = url;
  };
  tag.identities = tag.identities || [];
  tag.hooks = tag.hooks || [];

  // What an lpTag snippet queued before lpmon: deferred binds, triggers and functions, `ev` entries
  // ({appName, eventName, data} or [appName, eventName, data], triggered), then the SDEs.
  for (const q of [tag._defB, tag._defT, tag._defL, tag.ev]) {
    if (!Array.isArray(q)) continue;
    for (const e of q.splice(0)) {
      if (typeof e === 'function') guard(e);
      else if (Array.isArray(e)) trigger(e[0], e[1], e[2]);
      else if (isObj(e)) trigger(e);
    }
  }
  if (Array.isArray(early)) add(early);

  // lpmon's own events (SP_SENT, REQUEST_COMPLETE, RETRY, …) become lpTag events.
  w.addEventListener('lpmon', (e) => {
    const d = e.detail;
    if (isObj(d) && d.app && d.name) trigger(d.app, d.name, d.data);
  });

  // Engagements with status "expose" are announced as LP_OFFERS/OFFER_DISPLAY (lpmon renders
  // nothing itself); a reported impAccept as LP_OFFERS/OFFER_CLICK.
  const { engage, report } = api;
  api.engage = (req) => engage(req).then((a) => {
    for (const d of list(a.engagementDetails)) {
      if (isObj(d) && d.status === 'expose') trigger('LP_OFFERS', 'OFFER_DISPLAY', Object.assign({ pageId: a.pageId }, d));
    }
    return a;
  });
  api.report = (req) => report(req).then((a) => {
    for (const s of list(isObj(req) ? req.engagementAttributes : null)) {
      if (!isObj(s) || s.type !== 'impAccept') continue;
      const ctx = list(s.eContext)[0];
      trigger('LP_OFFERS', 'OFFER_CLICK', { campaignId: s.campaign, engagementId: s.engId, engagementRevision: s.revision, contextId: isObj(ctx) ? ctx.id : undefined, pageId: a.pageId });
    }
    return a;
  });

  return {
    // Called once lpmon is ready (ok) or has failed; resolves once the start-page call is handed
    // to lpmon (its answer may wait, e.g. for consent), so that calls queued before lpmon loaded
    // follow it; the layer's own calls wait for its answer. Without lpmon the page view is lost:
    // that is told too.
    start(ok) {
      started = ok;
      let issued;
      const handed = new Promise((resolve) => { issued = resolve; });
      const page = ok ? visit(nextUrl, tag.section, take(), issued) : api.engage().catch(told('SP_FAILED'));
      const done = page.then(noop, noop);
      open(done);
      return Promise.race([done, handed]);
    },
  };
}
