// The ops dashboard: live Engagement Activity as a hand-drawn SVG chart, and a visit viewer that
// turns Visit Information into a timeline. It uses lpmon's agent client the way a brand's agent
// tool would; everything from the server goes into the page as text, never as HTML. The campaign
// funnel card comes from dashboard-funnel.js.
import { createAgentClient } from '/pkg/index.js';
import { startFunnel } from '/dashboard-funnel.js';

const $ = (id) => document.getElementById(id);
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? '';
const SVG = 'http://www.w3.org/2000/svg';

const api = meta('lpmon-api');
const account = meta('lpmon-account');
const app = meta('lpmon-app');
const ACTIVITY_EVERY_MS = 15000;
const VISIT_EVERY_MS = 10000;

$('account').textContent = account;
$('token').value = meta('lpmon-agent-token');

let client = null;
function agent() {
  // Domains come from CSDS (the emulator names itself for `smt` and `leDataReporting`).
  client ??= createAgentClient({ accountId: account, csds: api, auth: { bearer: $('token').value.trim() } });
  return client;
}
$('token').addEventListener('change', () => { client = null; refreshActivity(); refreshVisit(); });

// ---- formatting -------------------------------------------------------------------------------
const clock = (ms, seconds = false) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(seconds ? { second: '2-digit' } : {}) });
const count = (n) => (n ?? 0).toLocaleString();
function duration(s) {
  if (!Number.isFinite(s) || s <= 0) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s % 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
const aht = (m) => (m && m.totalInteractiveChats ? m.totalHandlingTime / m.totalInteractiveChats : NaN);
function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}
function describeError(e) {
  const code = e.internalCode !== undefined ? `/${e.internalCode}` : '';
  return e.kind === 'http' ? `${e.status}${code} — ${e.message}` : `${e.kind ?? 'error'} — ${e.message}`;
}
function setLive(ok, text) {
  $('live').className = `pill ${ok ? 'ok' : 'bad'}`;
  $('live').textContent = text;
}

// ---- engagement activity --------------------------------------------------------------------
let request = { timeframe: 60, interval: 5, skillIds: 'all', agentIds: 'all' };

for (const b of $('timeframes').querySelectorAll('button')) {
  b.addEventListener('click', () => {
    for (const o of $('timeframes').querySelectorAll('button')) o.classList.toggle('on', o === b);
    request = { ...request, timeframe: Number(b.dataset.timeframe), interval: Number(b.dataset.interval) };
    refreshActivity();
  });
}

/** Stacked bars (interactive + non-interactive chats) and a line of connected engagements. */
function drawChart(intervals, window) {
  const box = $('chart');
  const width = Math.max(box.clientWidth, 320);
  const height = 260;
  const pad = { left: 44, right: 16, top: 14, bottom: 30 };
  const data = [...intervals].reverse().map((i, n) => {
    const m = i.metricsData?.skillsMetricsPerAgent?.metricsTotals ?? i.metricsData?.metricsTotals ?? {};
    const covered = window.intervals[window.intervals.length - 1 - n];
    return {
      t: i.timestamp,
      inter: m.totalInteractiveChats ?? 0,
      non: m.totalNonInteractiveChats ?? 0,
      conn: m.connectedEngagements ?? 0,
      running: covered ? covered.to < covered.timestamp : false,
    };
  });
  // A round scale with a little headroom: 4 or 5 gridlines at steps of 1, 2 or 5 × 10^k.
  const top = Math.max(4, ...data.map((d) => Math.max(d.inter + d.non, d.conn))) * 1.1;
  const unit = Math.pow(10, Math.floor(Math.log10(top / 4)));
  const step = [1, 2, 5, 10].map((m) => m * unit).find((st) => top / st <= 5);
  const yMax = Math.ceil(top / step) * step;
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const y = (v) => pad.top + plotH - (v / yMax) * plotH;
  const slot = plotW / Math.max(data.length, 1);
  const barW = Math.max(2, Math.min(38, slot * 0.62));
  const svg = el('svg:svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'plot' });

  data.forEach((d, i) => {
    if (d.running) svg.append(el('svg:rect', { x: pad.left + slot * i, y: pad.top, width: slot, height: plotH, class: 'running-band' }));
  });
  for (let v = 0; v <= yMax; v += step) {
    svg.append(el('svg:line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(el('svg:text', { x: pad.left - 8, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, v));
  }
  const every = Math.ceil(data.length / Math.max(1, Math.floor(plotW / 64)));
  data.forEach((d, i) => {
    const cx = pad.left + slot * (i + 0.5);
    const g = el('svg:g', { class: `bar${d.running ? ' running' : ''}` });
    g.append(el('svg:title', {}, `${clock(d.t)}${d.running ? ' (in progress)' : ''}: ${d.inter} interactive, ${d.non} non-interactive, ${d.conn} connected`));
    g.append(el('svg:rect', { x: cx - barW / 2, y: y(d.inter), width: barW, height: y(0) - y(d.inter), class: 'interactive', rx: 2 }));
    g.append(el('svg:rect', { x: cx - barW / 2, y: y(d.inter + d.non), width: barW, height: y(d.inter) - y(d.inter + d.non), class: 'noninteractive', rx: 2 }));
    svg.append(g);
    if (i % every === 0 || i === data.length - 1) {
      svg.append(el('svg:text', { x: cx, y: height - 10, class: 'tick', 'text-anchor': 'middle' }, clock(d.t)));
    }
  });
  // The line joins finished intervals; the one still running gets a hollow, dashed mark.
  const x = (i) => pad.left + slot * (i + 0.5);
  const points = data.map((d, i) => (d.running ? null : `${x(i)},${y(d.conn)}`)).filter(Boolean).join(' ');
  svg.append(el('svg:polyline', { points, class: 'connected' }));
  data.forEach((d, i) => svg.append(el('svg:circle', { cx: x(i), cy: y(d.conn), r: 3.2, class: `connected-dot${d.running ? ' running' : ''}` })));
  const live = data.findIndex((d) => d.running);
  if (live >= 0) svg.append(el('svg:text', { x: x(live), y: pad.top + 8, class: 'now', 'text-anchor': 'middle' }, 'now'));
  box.replaceChildren(svg);
  box.dataset.bars = String(data.length);
}

function rankTable(tbody, rows, label) {
  const max = Math.max(1, ...rows.map(([, m]) => m.connectedEngagements));
  tbody.replaceChildren(...rows.map(([id, m]) => {
    const meter = el('span', { class: 'meter' }, el('i', { style: `width:${(100 * m.connectedEngagements) / max}%` }));
    return el('tr', {},
      el('td', {}, `${label} ${id}`),
      el('td', {}, meter, el('b', {}, count(m.connectedEngagements))),
      el('td', {}, count(m.totalInteractiveChats + m.totalNonInteractiveChats)),
      el('td', {}, duration(aht(m))));
  }));
  if (!rows.length) tbody.replaceChildren(el('tr', {}, el('td', { colspan: 4, class: 'none' }, 'no activity in this period')));
}

let activityBusy = false;
let activityAgain = false;
async function refreshActivity() {
  // One request at a time; a change made meanwhile (a new time frame) is fetched right after.
  if (activityBusy) { activityAgain = true; return; }
  activityBusy = true;
  try {
    const c = agent();
    const req = request;
    const [answer, window] = await Promise.all([c.engagementActivity(req), c.activityWindow(req)]);
    const totals = answer.skillsMetricsPerAgent?.metricsTotals ?? answer.metricsTotals ?? {};
    $('kpi-connected').textContent = count(totals.connectedEngagements);
    $('kpi-interactive').textContent = count(totals.totalInteractiveChats);
    $('kpi-noninteractive').textContent = count(totals.totalNonInteractiveChats);
    $('kpi-aht').textContent = duration(aht(totals));
    $('window').textContent = `Data from ${clock(window.from)} to ${clock(window.to)} · ${window.buckets} five-minute buckets · ${req.interval}-minute intervals`;
    drawChart(answer.metricsByIntervals ?? [], window);
    $('chart').dataset.timeframe = String(req.timeframe);
    const skills = Object.entries(answer.skillsMetricsPerAgent?.metricsPerSkill ?? {}).map(([id, s]) => [id, s.metricsTotals]);
    const agents = Object.entries(answer.agentsMetrics?.metricsPerAgent ?? {});
    const byConnected = (a, b) => b[1].connectedEngagements - a[1].connectedEngagements;
    rankTable($('skills').tBodies[0], skills.sort(byConnected), 'skill');
    rankTable($('agents').tBodies[0], agents.sort(byConnected).slice(0, 6), 'agent');
    $('activity-error').hidden = true;
    setLive(true, `live · updated ${clock(Date.now(), true)}`);
    $('activity').dataset.loaded = 'yes';
  } catch (e) {
    $('activity-error').hidden = false;
    $('activity-error').textContent = `Engagement Activity failed: ${describeError(e)}`;
    setLive(false, 'not connected');
  } finally {
    activityBusy = false;
    if (activityAgain) { activityAgain = false; refreshActivity(); }
  }
}

// ---- visit viewer ---------------------------------------------------------------------------
/** The demo shop's vid/sid, from lpmon's state in localStorage (same origin as the demo). */
function currentVisitor() {
  try {
    const state = JSON.parse(localStorage.getItem(`lpmon:${account}:${app}`) ?? 'null');
    if (state && state.vid && state.sid) return { vid: state.vid, sid: state.sid };
  } catch { /* no or unreadable state */ }
  return null;
}

const SDE_LABELS = {
  cartStatus: 'Cart', purchase: 'Purchase', viewedProduct: 'Viewed products', lead: 'Lead',
  serviceActivity: 'Service activity', visitorError: 'Error shown', marketingCampaignInfo: 'Marketing source',
  customerInfo: 'Customer info', personalInfo: 'Personal info',
};
const CHANNELS = ['direct', 'search', 'social', 'e-mail', 'referral'];
const money = (v) => (typeof v === 'number' ? v.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : '–');

/** A short line about an SDE event, from its server-named payload. */
function sdeSummary(kind, e) {
  const products = (list) => (list ?? []).map((p) => p.product?.name).filter(Boolean).join(', ');
  switch (kind) {
    case 'cartStatus': return `${e.numItems ?? '?'} items, total ${money(e.total)}${products(e.products) ? ` — ${products(e.products)}` : ''}`;
    case 'purchase': return `order ${e.orderId ?? '–'}, total ${money(e.total)}${products(e.cart?.products) ? ` — ${products(e.cart.products)}` : ''}`;
    case 'viewedProduct': return products(e.products) || 'products';
    case 'lead': return `${e.lead?.topic ?? 'lead'}${e.lead?.value != null ? `, value ${money(e.lead.value)}` : ''}`;
    case 'serviceActivity': return `${e.serviceActivity?.topic ?? 'service'} (status ${e.serviceActivity?.status ?? '–'})`;
    case 'visitorError': return `${e.visitorError?.code ?? ''} ${e.visitorError?.message ?? ''}`.trim();
    case 'marketingCampaignInfo': {
      const m = e.marketingCampaignInfo ?? {};
      return [CHANNELS[m.originatingChannel] ?? `channel ${m.originatingChannel ?? '–'}`, m.affiliate, m.campaignId].filter(Boolean).join(' · ');
    }
    case 'customerInfo': {
      const c = e.customerInfo ?? {};
      return [c.customerType, c.customerStatus, c.balance != null ? `balance ${money(c.balance)}` : null].filter(Boolean).join(' · ') || 'customer';
    }
    case 'personalInfo': {
      const p = e.personalInfo ?? {};
      return [p.name, p.surname].filter(Boolean).join(' ') || 'personal details';
    }
    default: return '';
  }
}

/** Pages, SDEs and engagements of a visit state, in time order. */
function timelineOf(s) {
  const items = [];
  const pages = new Map((s.pages ?? []).map((p) => [p.id, p]));
  for (const p of s.pages ?? []) {
    const sections = p.pageBasic?.sections?.length ? ` · sections ${p.pageBasic.sections.join(', ')}` : '';
    items.push({ t: p.startTime, kind: 'page', title: 'Page view', text: `${p.pageBasic?.url ?? p.url ?? p.id}${sections}`, note: `on page ${duration((p.timeOnPage ?? 0) / 1000)}` });
  }
  const where = (id) => {
    const p = pages.get(id);
    const url = p?.pageBasic?.url ?? p?.url;
    if (!url) return '';
    try { return `on ${new URL(url).pathname}`; } catch { return `on ${url}`; }
  };
  for (const e of s.events ?? []) {
    const [kind, body] = Object.entries(e)[0] ?? [];
    if (!kind) continue;
    items.push({ t: body?.serverTimeStamp, kind: 'sde', title: SDE_LABELS[kind] ?? kind, text: sdeSummary(kind, body ?? {}), note: where(body?.contexts?.page?.id) });
  }
  for (const g of s.engagements ?? []) {
    const en = g.engagement ?? {};
    const page = pages.get(en.pageId);
    const ids = `campaign ${en.campaignEntity?.id ?? '–'} · engagement ${en.engagementEntity?.id ?? '–'}`;
    items.push({ t: page?.startTime, kind: 'engagement', title: 'Engagement shown', text: ids, note: where(en.pageId) });
    for (const a of g.impressionAccepted ?? []) {
      items.push({ t: a.activityTime, kind: 'accepted', title: 'Engagement accepted', text: ids, note: `the visitor clicked ${where(a.pageId)}` });
    }
  }
  // Stable order: time, then pages before what happened on them.
  const rank = { page: 0, engagement: 1, sde: 2, accepted: 3 };
  return items.sort((a, b) => (a.t ?? 0) - (b.t ?? 0) || rank[a.kind] - rank[b.kind]);
}

function fact(label, value, extra = '') {
  return el('div', { class: 'fact' }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value ?? '–'), el('span', { class: 'extra' }, extra));
}

function showVisit(state) {
  const s = state.appSessions?.[0] ?? {};
  const person = s.personalInfo?.personalInfo;
  const customer = s.customerInfo?.customerInfo;
  const cart = s.cart?.cartStatus;
  const shown = (s.engagements ?? []).length;
  const accepted = (s.engagements ?? []).filter((g) => (g.impressionAccepted ?? []).length).length;
  const started = s.startTime ? clock(s.startTime, true) : '–';
  $('facts').replaceChildren(
    fact('Visitor', [person?.name, person?.surname].filter(Boolean).join(' ') || 'anonymous', customer ? [customer.customerType, customer.customerStatus].filter(Boolean).join(' · ') : ''),
    fact('Device', s.deviceFamily ?? '–', [s.deviceOS, s.ipv4].filter(Boolean).join(' · ')),
    fact('Session', started, `${(s.pages ?? []).length} pages · ${(s.events ?? []).length} SDEs`),
    fact('Cart', cart ? money(cart.total) : '–', cart ? `${cart.numItems ?? '?'} items` : 'no cart'),
    fact('Engagements', `${shown} shown`, accepted ? `${accepted} accepted` : 'none accepted'),
  );
  const items = timelineOf(s);
  $('timeline').replaceChildren(...items.map((it) => el('li', { class: it.kind },
    el('time', {}, it.t ? clock(it.t, true) : '–'),
    el('span', { class: 'dot', 'aria-hidden': 'true' }),
    el('div', { class: 'what' }, el('strong', {}, it.title), el('span', { class: 'text' }, it.text), el('span', { class: 'note' }, it.note)))));
  $('timeline').dataset.items = String(items.length);
  $('visit-body').hidden = false;
  $('visit-empty').hidden = true;
  $('visit').dataset.loaded = 'yes';
}

let shownVisit = null;
async function refreshVisit() {
  if (!shownVisit) return;
  try {
    const state = await agent().visitInfo({ visitorId: shownVisit.vid, sessionId: shownVisit.sid });
    $('visit-error').hidden = true;
    showVisit(state);
  } catch (e) {
    $('visit-error').hidden = false;
    $('visit-error').textContent = e.internalCode === 12
      ? 'This session started more than 6 hours ago: Visit Information no longer has it.'
      : `Visit Information failed: ${describeError(e)}`;
    $('visit').dataset.loaded = 'error';
  }
}

function useVisit(v) {
  if (!v) return;
  $('vid').value = v.vid;
  $('sid').value = v.sid;
  shownVisit = v;
  refreshVisit();
}

$('visit-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  useVisit({ vid: $('vid').value.trim(), sid: $('sid').value.trim() });
});
$('current').addEventListener('click', () => useVisit(currentVisitor()));

const params = new URLSearchParams(location.search);
useVisit(params.get('vid') && params.get('sid') ? { vid: params.get('vid'), sid: params.get('sid') } : currentVisitor());
refreshActivity();
setInterval(refreshActivity, ACTIVITY_EVERY_MS);
// The campaign funnel card; tests call `refresh()` to redraw at once.
window.lpmonDashboard = { funnel: startFunnel($('funnel'), api) };
setInterval(refreshVisit, VISIT_EVERY_MS);
let resized = null;
addEventListener('resize', () => { clearTimeout(resized); resized = setTimeout(refreshActivity, 150); });
