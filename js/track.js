// Impressions that count themselves (`monitor.track`), shared by the ESM entry (js/index.js) and
// the script-tag loader. Watching elements is the page's side of things, so it is plain JS: the
// wasm core only sees the reports. Debug mode's audit and record (js/audit.js) wrap a monitor from
// outside, so pages outside debug mode carry none of it.

const sent = {}; // 'impDisplay' + contextId, … → 1: once per engagement context and page view

/** An lpmon event, delivered the way the wasm delivers its own: `onEvent`, then window 'lpmon'. */
export function emit(onEvent, name, data) {
  const detail = { app: 'lp_monitoringSDK', name, data };
  try { onEvent(detail); } catch (_) { /* none, or the page's bug */ }
  dispatchEvent(new CustomEvent('lpmon', { detail }));
}

/** Adds `track` to monitor `m`; `conv(answer)` is the wasm's conversationContext, `onEvent` the
 * config's callback. */
export function withTrack(m, conv, onEvent) {
  m.track = (el, d, o = {}) => {
    const c = d.contextId;
    // The session that offered the engagement (track is called when the answer is shown).
    const a = { visitorId: m.getVid(), sessionId: m.getSid() };
    let visible, timer, was, seen;
    const send = (type) => {
      if (sent[type + c]) return;
      sent[type + c] = 1;
      const e = { type, campaign: d.campaignId, engId: d.engagementId, revision: d.engagementRevision };
      if (type !== 'impClose') e.eContext = [{ type: 'engagementContext', id: c }];
      // The impression belongs to the session that offered the engagement.
      if (m.getSid() !== a.sessionId) emit(onEvent, 'IMPRESSIONS_DROPPED', { dropped: 1 });
      else return m.report({ engagementAttributes: [e] }).catch(() => {});
    };
    const display = () => { send('impDisplay'); if (!seen++ && o.onDisplay) o.onDisplay(); };
    // Viewable: at least half of it in the viewport, the page visible, for one second.
    const check = () => {
      if (!el.isConnected) return stop();
      const on = visible && document.visibilityState === 'visible';
      if (on === was) return;
      was = on;
      clearTimeout(timer);
      if (on) timer = setTimeout(() => el.isConnected && display(), 1000);
    };
    const io = new IntersectionObserver((es) => {
      visible = es[es.length - 1].intersectionRatio >= 0.5;
      check();
    }, { threshold: 0.5 });
    const click = () => {
      if (sent['impAccept' + c]) return;
      // An element activated was seen, even if not yet for a whole second.
      display();
      const delivered = Promise.resolve(send('impAccept'));
      let ctx;
      try { ctx = conv({ visitorId: a.visitorId, sessionId: a.sessionId, engagementDetails: [d] }); } catch (_) { /* no session */ }
      if (o.onAccept) o.onAccept(ctx, delivered);
    };
    function stop() {
      clearTimeout(timer);
      io.disconnect();
      el.removeEventListener('click', click);
      document.removeEventListener('visibilitychange', check);
    }
    io.observe(el);
    el.addEventListener('click', click);
    document.addEventListener('visibilitychange', check);
    return {
      close() {
        stop();
        if (sent['impDisplay' + c] && !sent['impAccept' + c]) send('impClose');
      },
    };
  };
  return m;
}
