// The reporting funnel card of the ops dashboard: for every campaign and engagement of the
// emulator's campaign file, how many exposures were displayed, accepted and led to a
// conversation, drawn as SVG funnels from GET /__emulator/funnel (refreshed every few seconds).
// Styles live in dashboard.css; text from the server only goes into the page as text.

const SVG = 'http://www.w3.org/2000/svg';
const STEPS = ['exposed', 'displayed', 'accepted', 'conversations'];
const COLORS = ['var(--interactive)', 'var(--noninteractive)', 'var(--ok)', 'var(--connected)'];
const EVERY_MS = 3000;

function el(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgEl(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

const percent = (ratio) => (ratio === null || ratio === undefined ? '–' : `${Math.round(ratio * 100)}%`);

// The share each step keeps of the one before it, as the server computed it.
const rates = (conversion) => [null, conversion.displayed, conversion.accepted, conversion.conversations];

// One funnel: a trapezoid per step, as wide as its count relative to the first step.
function drawFunnel(funnel, label, big) {
  const counts = funnel.counts;
  const rowH = big ? 30 : 24;
  const gap = big ? 16 : 14;
  const left = 96;
  const span = big ? 320 : 220;
  const width = left + span + 64;
  const height = STEPS.length * rowH + (STEPS.length - 1) * gap;
  const center = left + span / 2;
  const top = Math.max(counts.exposed, 1);
  const widthOf = (n) => (n > 0 ? Math.max(6, (span * n) / top) : 2);
  const stepRates = rates(funnel.conversion);

  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', class: 'funnel-chart' });
  const described = STEPS.map((step, i) => `${step} ${counts[step]}${i > 0 ? ` (${percent(stepRates[i])})` : ''}`).join(', ');
  svg.setAttribute('aria-label', `${label}: ${described}`);
  svg.append(svgEl('title', {}, `${label}: ${described}`));

  STEPS.forEach((step, i) => {
    const y = i * (rowH + gap);
    const w = widthOf(counts[step]);
    const next = i + 1 < STEPS.length ? widthOf(counts[STEPS[i + 1]]) : w;
    // The lower edge narrows toward the next step, which is what makes it read as a funnel.
    const bottom = Math.max(Math.min(w, next + (w - next) * 0.35), 2);
    const points = [
      [center - w / 2, y], [center + w / 2, y],
      [center + bottom / 2, y + rowH], [center - bottom / 2, y + rowH],
    ].map(([x, py]) => `${x.toFixed(1)},${py.toFixed(1)}`).join(' ');
    svg.append(svgEl('polygon', { points, style: `fill: ${COLORS[i]}`, opacity: counts[step] > 0 ? 0.9 : 0.25 }));
    svg.append(svgEl('text', { x: left - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end' }, step));
    svg.append(svgEl('text', { x: left + span + 8, y: y + rowH / 2 + 4, class: 'funnel-count', 'data-step': step }, String(counts[step])));
    if (i > 0) {
      svg.append(svgEl('text', { x: left + span + 8, y: y - gap / 2 + 4, class: 'funnel-rate', 'data-rate': step }, `↓ ${percent(stepRates[i])}`));
    }
  });
  return svg;
}

function campaignCard(campaign) {
  const card = el('article', 'funnel-campaign');
  card.dataset.campaignId = String(campaign.campaignId);
  card.append(el('h3', '', `${campaign.name} · priority ${campaign.priority}`));
  card.append(el('p', 'caption', `${campaign.goal || 'no goal given'} · overall ${percent(campaign.conversion.overall)}`));
  for (const engagement of campaign.engagements) {
    const figure = el('figure');
    figure.append(el('figcaption', '', engagement.name + (engagement.skill ? ` · skill ${engagement.skill}` : '')));
    const svg = drawFunnel(engagement, engagement.name, false);
    svg.dataset.engagementId = String(engagement.engagementId);
    figure.append(svg);
    card.append(figure);
  }
  return card;
}

/**
 * Draws the funnel into `section` (a dashboard card with `.funnel-body` and `.funnel-status`
 * inside) and keeps it fresh; returns `{ refresh }`.
 */
export function startFunnel(section, api) {
  const body = section.querySelector('.funnel-body');
  const status = section.querySelector('.funnel-status');
  let last = null;
  let renders = 0;
  const stamp = () => { status.textContent = `exposed → displayed → accepted → conversation · updated ${new Date().toLocaleTimeString([], { hourCycle: 'h23' })}`; };

  function render(data) {
    const total = el('div', 'funnel-total');
    const totalSvg = drawFunnel(data.totals, 'All campaigns', true);
    totalSvg.dataset.funnel = 'total';
    total.append(totalSvg);
    const grid = el('div', 'funnel-campaigns');
    if (!data.campaigns.length) grid.append(el('p', 'empty', 'The campaign file defines no campaign.'));
    // Highest priority first: the order in which the emulator tries campaigns.
    for (const campaign of [...data.campaigns].sort((a, b) => b.priority - a.priority)) grid.append(campaignCard(campaign));
    body.replaceChildren(total, grid);
    renders += 1;
    section.dataset.renders = String(renders);
  }

  async function refresh() {
    try {
      const r = await fetch(`${api}/__emulator/funnel`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const text = await r.text();
      // Redraw only when something changed, so the page does not flicker.
      if (text !== last) {
        last = text;
        render(JSON.parse(text));
      }
      stamp();
    } catch (e) {
      status.textContent = `cannot reach the emulator funnel: ${e.message}`;
    }
  }

  refresh();
  setInterval(() => { if (!document.hidden) refresh(); }, EVERY_MS);
  return { refresh };
}
