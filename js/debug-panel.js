// lpmon's debug panel (built to dist/lpmon-debug.js). The script tag loads it only in debug mode
// (?lpmon_debug=1, data-debug, lpmon.debug(true)), so no other page downloads it. It is an
// overlay in a shadow root: the page's styles do not reach it and it moves nothing on the page.
// Alt+Shift+D or its button opens it; Tab moves between sections (Enter folds one), Escape closes.
// It reads what lpmon already keeps: debug mode's record (requests, answers, events, kept by
// js/track.js in the loader), the stored session and report queue, and, against the emulator only, the
// emulator's rule trace (a control endpoint, never the Monitoring answer). It also brings debug
// mode's audit (js/audit.js), so pages outside debug mode carry none of it.
import { log, note, watch } from './audit.js';

const CSS = `
:host{all:initial}
*{box-sizing:border-box}
.toggle,.box{position:fixed;right:12px;bottom:12px;z-index:2147483647;font:13px/1.4 system-ui,sans-serif;color:#111;background:#fff}
.toggle{border:2px solid #1a1a80;border-radius:6px;padding:6px 10px;cursor:pointer;font-weight:600;color:#1a1a80}
.box{width:min(360px,calc(100vw - 24px));max-height:calc(100vh - 24px);overflow:auto;border:2px solid #1a1a80;border-radius:8px;box-shadow:0 4px 24px #0004;padding:10px 12px}
h2{font-size:15px;margin:0 0 6px}
.bar{display:flex;gap:8px;align-items:center;justify-content:space-between}
button{font:inherit;color:#1a1a80;background:#eef;border:1px solid #1a1a80;border-radius:4px;padding:2px 8px;cursor:pointer}
:focus-visible{outline:3px solid #c60;outline-offset:2px}
summary{font-weight:600;cursor:pointer;padding:4px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:4px 0}
dt{color:#444}dd{margin:0;word-break:break-all}
pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;color:#111;margin:2px 0 6px;padding:4px 6px;max-height:140px;overflow:auto;font:12px/1.35 ui-monospace,monospace}
ol{margin:2px 0;padding-left:20px}li{margin:1px 0}
.granted,.chosen{color:#064}.pending{color:#850}.denied,.refused{color:#a00}
.muted{color:#555}
`;

const h = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
};
const json = (v) => JSON.stringify(v, null, 1);
const ago = (ms) => (ms < 60000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60000)} min`);
const clock = (t) => new Date(t).toISOString().slice(11, 23);
const read = (key) => {
  try { return JSON.parse(localStorage.getItem(key)); } catch (_) { return null; }
};

/** Adds the panel (closed) for the script tag's `lpmon` (api) and its `config`; returns what the
 * loader calls with its monitor: the audit and the record wrap it. */
export function open(api, config) {
  if (document.body) draw(api, config);
  else addEventListener('DOMContentLoaded', () => draw(api, config));
  // The lpTag layer tells of identity functions that did not answer in time as an lpTag event.
  const events = window.lpTag && window.lpTag.events;
  if (events && events.bind) {
    events.bind('lp_monitoringSDK', 'IDENTITY_TIMEOUT', (data) => api.debug() && note('event', { name: 'IDENTITY_TIMEOUT', data }));
  }
  return (m) => watch(m, api.debug, config.onEvent);
}

function draw(api, config) {
  const dbg = { log };
  const host = h('div', { id: 'lpmon-debug', 'data-lpmon': 'debug' });
  const root = host.attachShadow({ mode: 'open' });
  root.append(h('style', {}, CSS));
  const toggle = h('button', { class: 'toggle', 'aria-expanded': 'false', title: 'lpmon debug (Alt+Shift+D)' }, 'lpmon debug');
  const box = h('section', { class: 'box', role: 'dialog', 'aria-label': 'lpmon debug panel', hidden: '' });
  const refresh = h('button', { 'data-action': 'refresh' }, 'Refresh');
  const close = h('button', { 'data-action': 'close', 'aria-label': 'Close the lpmon debug panel' }, 'Close');
  box.append(h('div', { class: 'bar' }, h('h2', {}, 'lpmon debug'), h('span', {}, refresh, ' ', close)));
  const sections = {};
  for (const [id, title] of [['state', 'Consent, visitor, session'], ['engage', 'Last engage'], ['timeline', 'Timeline'],
    ['queue', 'Report queue'], ['rules', 'Rule trace (emulator)']]) {
    const body = h('div', { 'data-section': id });
    box.append(h('details', { open: '' }, h('summary', {}, title), body));
    sections[id] = body;
  }
  root.append(toggle, box);
  document.body.append(host);

  const key = `lpmon:${config.accountId}:${config.appInstallationId}`;
  const pairs = (rows) => h('dl', {}, ...rows.flatMap(([k, v, cls]) => [h('dt', {}, k), h('dd', cls ? { class: cls } : {}, v)]));
  const pre = (field, v) => h('pre', { 'data-field': field }, json(v));
  const fill = (id, ...kids) => sections[id].replaceChildren(...kids);

  // The Monitoring origin: the configured domain, or the one CSDS gave (cached by lpmon).
  const origin = () => {
    const d = config.domain;
    if (d) return { origin: /:\/\//.test(d) ? d.replace(/\/$/, '') : 'https://' + d, from: 'data-domain' };
    const c = read(`lpmon:csds:${config.accountId}`);
    return c ? { origin: c.origin, from: `CSDS (${config.csds || 'https://api.liveperson.net'}), looked up ${ago(Date.now() - c.at)} ago` } : { origin: '', from: 'CSDS: not looked up yet' };
  };

  function state() {
    const now = Date.now();
    const c = typeof api.consent === 'function' ? api.consent() : api.consent || 'granted';
    const s = read(key);
    const live = s && s.sid === api.getSid();
    const rows = [['consent', h('span', { 'data-field': 'consent' }, c), c], ['visitor', h('span', { 'data-field': 'vid' }, api.getVid() || '(none)')],
      ['visitor kept', api.getVid() ? 'until reset() or denied consent (no expiry of its own)' : '–']];
    if (live) {
      const expires = Math.min(s.last + 30 * 60000, s.started + 6 * 3600000);
      rows.push(['session', h('span', { 'data-field': 'sid' }, s.sid)], ['session age', ago(now - s.started)], ['last used', ago(now - s.last) + ' ago'],
        ['expires in', ago(expires - now) + ' (30 min idle, 6 h at most)']);
    } else rows.push(['session', api.getSid() || '(none: the next call opens one)']);
    const o = origin();
    rows.push(['monitoring host', h('span', { 'data-field': 'host' }, o.origin || '–')], ['from', o.from]);
    fill('state', pairs(rows));
  }

  // The last engage as lpmon got it (the lpTag layer passes it after the hooks) and its answer.
  function engage() {
    const log = dbg.log;
    let i = log.length;
    while (i-- && log[i].what !== 'engage');
    if (i < 0) return fill('engage', h('p', { class: 'muted' }, 'no engage yet'));
    const req = log[i].data || {};
    const answer = log.slice(i + 1).find((e) => /^engage (answer|failed)/.test(e.what));
    // Identities are gathered right before the call: a timeout after the previous call is this one's.
    let late;
    for (let j = i - 1; j >= 0 && !/^(engage|report)$/.test(log[j].what) && !late; j--) {
      if (log[j].data && log[j].data.name === 'IDENTITY_TIMEOUT') late = log[j];
    }
    const ids = (req.identities || []).map((x) => ({ iss: x.iss, acr: x.acr, sub: x.sub }));
    fill('engage', pairs([['sent at', clock(log[i].t)], ['identities that timed out', String(late ? late.data.count : 0)]]),
      h('div', {}, 'entry points'), pre('entry-points', req.entryPoints || []),
      h('div', {}, 'SDEs (after hooks)'), pre('engage-sdes', req.engagementAttributes || []),
      h('div', {}, 'identities'), pre('identities', ids),
      h('div', {}, answer ? answer.what : 'answer: waiting'),
      pre('engage-answer', answer ? answer.data : null));
  }

  function timeline() {
    const log = dbg.log;
    const events = log.filter((e) => e.what === 'event' && e.data);
    const n = (name) => events.filter((e) => e.data.name === name).length;
    const items = log.slice(-60).reverse().map((e) => {
      const d = e.data || {};
      const what = e.what === 'event' ? `${d.name} ${json(d.data).replace(/\s+/g, ' ')}`
        : e.what === 'report' ? `report ${(d.engagementAttributes || []).map((s) => s && s.type).join(', ')}`
          : e.what === 'engage' ? `engage ${(d.entryPoints || []).join(' ')}` : e.what;
      return h('li', {}, `${clock(e.t)} ${what}`);
    });
    const reported = log.filter((e) => e.what === 'report').flatMap((e) => (e.data && e.data.engagementAttributes) || []);
    fill('timeline', pairs([['requests sent', h('span', { 'data-field': 'requests' }, String(n('REQUEST_COMPLETE') + n('RETRY')))],
      ['retries', String(n('RETRY'))], ['calls', String(log.filter((e) => e.what === 'engage' || e.what === 'report').length)]]),
    h('ol', { reversed: '', 'data-field': 'timeline' }, ...items),
    h('div', {}, 'SDEs and impressions reported, in call order'), pre('reported', reported));
  }

  function queue() {
    const rows = [];
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (!k || !k.startsWith(key + ':q:')) continue;
        const e = read(k) || {};
        const types = ((e.body && e.body.engagementAttributes) || []).map((s) => s && s.type).join(', ');
        rows.push(h('li', {}, `${e.cycles ? `parked (retries ran out ${e.cycles}×)` : 'waiting'} · ${ago(Date.now() - e.at)} old · ${types || 'no SDEs'}`));
      }
    } catch (_) { /* storage blocked: lpmon keeps its queue in memory */ }
    fill('queue', rows.length ? h('ol', { 'data-field': 'queue' }, ...rows) : h('p', { class: 'muted', 'data-field': 'queue' }, 'empty: every report was delivered'));
  }

  // Only a loopback host can be the emulator: real LivePerson hosts are never asked.
  function rules() {
    const o = origin().origin;
    let loopback = false;
    try { loopback = /^(localhost|127\.[\d.]+|\[::1\])$/.test(new URL(o).hostname); } catch (_) { /* no origin yet */ }
    const vid = api.getVid();
    if (!loopback || !vid) return fill('rules', h('p', { class: 'muted' }, 'only against the emulator (a loopback host), once there is a visitor'));
    fetch(`${o}/__emulator/trace?limit=1&vid=${encodeURIComponent(vid)}`).then((r) => r.json()).then((entries) => {
      const t = entries[entries.length - 1];
      if (!t) return fill('rules', h('p', { class: 'muted' }, 'no decision yet'));
      const chosen = t.chosen ? `${t.chosen.engagementName} (${t.chosen.engagementId})` : t.outcome;
      fill('rules', pairs([['decision', h('span', { 'data-field': 'decision' }, chosen)], ['why', t.summary || '']]),
        h('ol', { 'data-field': 'rules' }, ...t.candidates.slice().sort((a, b) => b.priority - a.priority).map((c) =>
          h('li', { class: c.chosen ? 'chosen' : c.eligible ? '' : 'refused' },
            `${c.chosen ? 'chosen' : c.eligible ? 'eligible' : 'excluded'}: ${c.engagementName} (${c.engagementId}, priority ${c.priority}): ${c.why}`))));
    }, () => fill('rules', h('p', { class: 'muted' }, 'no rule trace here (not the emulator)')));
  }

  const render = () => { state(); engage(); timeline(); queue(); rules(); host.dataset.rendered = String(Date.now()); };
  let live;
  const show = (on) => {
    // While open, what lpmon keeps locally is shown live (the emulator is asked on Refresh).
    clearInterval(live);
    if (on) live = setInterval(() => { state(); engage(); timeline(); queue(); }, 2000);
    box.hidden = !on;
    toggle.hidden = on;
    toggle.setAttribute('aria-expanded', String(on));
    if (on) { render(); close.focus(); } else toggle.focus();
  };
  toggle.onclick = () => show(true);
  close.onclick = () => show(false);
  refresh.onclick = render;
  box.addEventListener('keydown', (e) => { if (e.key === 'Escape') show(false); });
  addEventListener('keydown', (e) => {
    if (e.altKey && e.shiftKey && e.code === 'KeyD') { e.preventDefault(); show(box.hidden); }
  });
  return host;
}
