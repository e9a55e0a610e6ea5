// The lpTag compatibility layer, bundled into dist/lpmon.js: the part of the LivePerson web tag's
// page-facing surface that monitoring needs, so page code written for the original tag keeps
// working. `installLpTag` replaces `lpTag.events`, `lpTag.sdes` and `lpTag.newPage`, keeps
// `lpTag.section`, `lpTag.identities` and `lpTag.hooks` as the page's own values (read at every
// call), and drains what an lpTag snippet queued before lpmon arrived (`sdes`, `_defB`, `_defT`,
// `ev`). Every call it makes goes through `api` (window.lpmon), one after another.

const noop = () => {};
const isObj = (x) => !!x && typeof x === 'object';
const list = (x) => (x == null ? [] : [].concat(x));
const isImpression = (s) => /^imp/.test(s.type);
// A page callback that throws is the page's bug: surface it, but never inside lpmon's flow.
const rethrow = (e) => setTimeout(() => { throw e; });
const guard = (fn, ...args) => {
  try { return fn(...args); } catch (e) { rethrow(e); }
};

export function installLpTag(w, tag, api) {
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
  const add = (sdes) => {
    for (const s of list(sdes)) {
      if (!isObj(s)) continue;
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
      sdes = list(isObj(options.data) ? options.data.sdes : null).filter(isObj);
    }
    return { sdes, callbacks: waiting.splice(0) };
  };

  // Hands the call's outcome to the lpTag.sdes.send callbacks: callback(error, answer).
  const settle = (batch, answer) => answer.then(
    (a) => { batch.callbacks.forEach((cb) => guard(cb, null, a)); return a; },
    (e) => { batch.callbacks.forEach((cb) => guard(cb, e)); throw e; });

  // lpTag.identities: functions that each call back with {iss, acr, sub}; one that does not
  // answer within 2 s is left out (the lpTag event IDENTITY_TIMEOUT says how many: debug panel).
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

  const withIds = (req, ids) => {
    if (ids) req.identities = ids;
    return req;
  };

  // A page view: the start-page engagement call with the URL, the sections (`sec://…`), the
  // pending SDEs and the identities. Impression events cannot ride on it: they follow in a report.
  const visit = (url, issued) => {
    const batch = take();
    return settle(batch, identities().then((ids) => {
      const entryPoints = [url || w.location.href];
      for (const s of list(tag.section)) if (s !== '' && s != null) entryPoints.push('sec://' + s);
      const req = withIds({ entryPoints }, ids);
      const sdes = batch.sdes.filter((s) => !isImpression(s));
      const impressions = batch.sdes.filter(isImpression);
      if (sdes.length) req.engagementAttributes = sdes;
      const answer = api.engage(req);
      issued();
      return answer.then((a) => {
        pageId = a.pageId;
        return impressions.length ? api.report(withIds({ engagementAttributes: impressions, pageId }, ids)).then(() => a) : a;
      });
    }));
  };

  // The next call for SDEs added after the page view: a report (none when nothing is left).
  const sendPending = () => {
    const batch = take();
    return settle(batch, batch.sdes.length
      ? identities().then((ids) => api.report(withIds({ engagementAttributes: batch.sdes, pageId }, ids)))
      : Promise.resolve());
  };

  const queue = (task) => {
    const run = chain.then(task);
    chain = run.then(noop, noop);
    run.catch(noop); // failures reach the callbacks and the REQUEST_COMPLETE events
  };

  // Pushes of the same tick travel together, in the call lpmon makes right after.
  const flushSoon = () => {
    if (started && !flushing) flushing = setTimeout(() => { flushing = 0; queue(sendPending); });
  };

  // ---- install
  tag.events = { bind, unbind, trigger, hasFired };
  tag.defer = (fn) => { if (typeof fn === 'function') guard(fn); };
  const early = tag.sdes;
  tag.sdes = {
    push(sdes) { add(sdes); flushSoon(); },
    send(sde, cb) {
      if (typeof sde === 'function') [cb, sde] = [sde, undefined];
      add(sde);
      if (typeof cb === 'function') waiting.push(cb);
      queue(sendPending);
    },
    get: (type) => store.filter((s) => !type || s.type === type),
  };
  tag.newPage = (url, options) => {
    const o = isObj(options) ? options : {};
    if (o.section !== undefined) tag.section = o.section;
    store = [];
    pageId = undefined;
    add(o.sdes);
    if (started) queue(() => visit(url, noop));
    else nextUrl = url;
  };
  tag.identities = tag.identities || [];
  tag.hooks = tag.hooks || [];

  // What an lpTag snippet queued before lpmon: deferred binds and triggers, `ev` entries
  // ({appName, eventName, data} or [appName, eventName, data], triggered), then the SDEs.
  for (const q of [tag._defB, tag._defT, tag.ev]) {
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
    // Called once lpmon is ready (ok) or has failed; resolves once the start-page call is sent.
    start(ok) {
      started = ok;
      if (!ok) return open();
      return new Promise((issued) => {
        const page = visit(nextUrl, issued);
        page.then(issued, issued);
        open(page.then(noop, noop));
      });
    },
  };
}
