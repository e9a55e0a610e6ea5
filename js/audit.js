// Debug mode's audit and record, which wrap a monitor from outside: the debug panel's file brings
// them to the script tag, js/index.js to the npm package. `log` is what the panel shows (calls,
// answers, events); the audit warns when an offered engagement gets no impDisplay.
import { emit } from './track.js';

/** Debug mode's record: {t, what, data} of calls, answers, failures and lpmon events. */
export const log = [];
export const note = (what, data) => {
  log.push({ t: Date.now(), what, data });
  if (log.length > 300) log.shift();
};
let listening;

/** Records lpmon events while `on()` is true, from now on (one listener for the page). */
export function listen(on) {
  if (!listening) listening = addEventListener('lpmon', (e) => on() && note('event', e.detail)) || 1;
}

/**
 * Audits and records monitor `m` while `on()` is true; `onEvent` is its config's callback. An
 * `expose` with no impDisplay 10 s after the answer, or after its tracked element first came on
 * screen, gives IMPRESSION_MISSING and one console warning; a tracked element is judged only
 * while on screen (track reports it within a second then). With `later`, events are recorded
 * only once `listen` is called (or `on()` is true now): outside debug mode no listener runs on
 * every event.
 */
export function watch(m, on, onEvent, later) {
  if (!later || on()) listen(on);
  const audits = {}; // contextId → { d, el?, shown? } until its impDisplay
  const audit = (c) => {
    const a = audits[c];
    if (!a || !on() || (a.el && !a.shown)) return;
    delete audits[c];
    const d = a.d;
    emit(onEvent, 'IMPRESSION_MISSING', { campaignId: d.campaignId, engagementId: d.engagementId, contextId: c });
    console.warn(`lpmon: engagement ${d.engagementId} of campaign ${d.campaignId} was offered (status expose, context ${c}) but no impDisplay was reported within 10 s; report it, or let lpmon.track(element, detail) do it`);
  };
  const wrap = (what, call) => (req) => {
    if (on()) note(what, req);
    for (const s of (what === 'report' && req && req.engagementAttributes) || []) {
      if (s && s.type === 'impDisplay') delete audits[((s.eContext || [])[0] || {}).id];
    }
    return call.call(m, req).then((a) => {
      if (!on()) return a;
      note(what + ' answer', a);
      for (const d of (a && a.engagementDetails) || []) {
        if (!d || d.status !== 'expose') continue;
        audits[d.contextId] = { d };
        setTimeout(() => audit(d.contextId), 10000);
      }
      return a;
    }, (e) => {
      if (on()) note(what + ' failed', { kind: e && e.kind, message: e && e.message });
      throw e;
    });
  };
  m.engage = wrap('engage', m.engage);
  m.report = wrap('report', m.report);
  const { track } = m;
  m.track = (el, d, o) => {
    const w = audits[d && d.contextId];
    if (w) {
      w.el = el;
      // Its own observer: on screen is at least half in view on a visible page.
      new IntersectionObserver((es) => {
        w.shown = es[es.length - 1].intersectionRatio >= 0.5 && document.visibilityState === 'visible';
        if (w.shown && !w.seen) w.seen = setTimeout(() => audit(d.contextId), 10000);
      }, { threshold: 0.5 }).observe(el);
    }
    return track.call(m, el, d, o);
  };
  return m;
}
