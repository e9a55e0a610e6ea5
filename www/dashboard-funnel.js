// The reporting funnel on the ops dashboard: for every campaign and engagement of the emulator's
// campaign file, how many exposures were displayed, accepted and led to a conversation, drawn as
// hand-made SVG funnels from GET /__emulator/funnel (refreshed every few seconds).
//
// Self-contained: include it with <script defer src="/dashboard-funnel.js"></script> on a page
// that has <section id="funnel"></section>. The API origin comes from the section's data-api
// attribute or from <meta name="lpmon-api" content="%LPMON_API%">. Text from the server only
// ever goes into the page through textContent.
(function () {
  var SVG = 'http://www.w3.org/2000/svg';
  var STEPS = ['exposed', 'displayed', 'accepted', 'conversations'];
  var COLORS = ['#3d7ea6', '#4f9d8a', '#e0a83a', '#e4572e'];
  var EVERY_MS = 3000;
  var CSS = [
    '#funnel { font: 14px/1.4 system-ui, sans-serif; color: #1d2a33; }',
    '#funnel .funnel-head { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }',
    '#funnel .funnel-head h2 { margin: 0; }',
    '#funnel .funnel-status { color: #6b7b86; font-size: 12px; }',
    '#funnel .funnel-total { margin: .75rem 0 1.25rem; }',
    '#funnel .funnel-campaigns { display: grid; grid-template-columns: repeat(auto-fill, minmax(23rem, 1fr)); gap: 1rem; }',
    '#funnel .funnel-campaign { background: #fff; border-radius: .75rem; padding: .9rem 1rem; box-shadow: 0 1px 3px #0002; }',
    '#funnel .funnel-campaign h3 { margin: 0; font-size: 1rem; }',
    '#funnel .funnel-goal { margin: .1rem 0 .6rem; color: #6b7b86; font-size: 12px; }',
    '#funnel figure { margin: 0 0 .75rem; }',
    '#funnel figcaption { font-weight: 600; font-size: 13px; margin-bottom: .25rem; }',
    '#funnel svg { display: block; max-width: 100%; height: auto; }',
    '#funnel svg text { font: 12px system-ui, sans-serif; fill: #1d2a33; }',
    '#funnel svg text.funnel-rate { fill: #6b7b86; font-size: 11px; }',
    '#funnel svg text.funnel-count { font-weight: 600; }',
    '#funnel .funnel-empty { color: #6b7b86; }'
  ].join('\n');

  var section = document.getElementById('funnel');
  if (!section) return;
  var meta = document.querySelector('meta[name="lpmon-api"]');
  var api = section.getAttribute('data-api') || (meta && meta.getAttribute('content')) || '';
  var last = null;
  var renders = 0;

  function el(name, className, text) {
    var node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function percent(ratio) {
    return ratio === null || ratio === undefined ? '–' : Math.round(ratio * 100) + '%';
  }

  // The share each step keeps of the one before it, as the server computed it.
  function rates(conversion) {
    return [null, conversion.displayed, conversion.accepted, conversion.conversations];
  }

  // One funnel: a trapezoid per step, as wide as its count relative to the first step.
  function drawFunnel(funnel, label, big) {
    var counts = funnel.counts;
    var rowH = big ? 30 : 24;
    var gap = big ? 16 : 14;
    var left = 96;
    var span = big ? 320 : 220;
    var width = left + span + 64;
    var height = STEPS.length * rowH + (STEPS.length - 1) * gap;
    var center = left + span / 2;
    var top = Math.max(counts.exposed, 1);
    var widthOf = function (n) { return n > 0 ? Math.max(6, span * n / top) : 2; };
    var stepRates = rates(funnel.conversion);

    var svg = svgEl('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, role: 'img' });
    var described = STEPS.map(function (step, i) {
      return step + ' ' + counts[step] + (i > 0 ? ' (' + percent(stepRates[i]) + ')' : '');
    }).join(', ');
    svg.setAttribute('aria-label', label + ': ' + described);
    svg.appendChild(svgEl('title', {}, label + ': ' + described));

    STEPS.forEach(function (step, i) {
      var y = i * (rowH + gap);
      var w = widthOf(counts[step]);
      var next = i + 1 < STEPS.length ? widthOf(counts[STEPS[i + 1]]) : w;
      // The lower edge narrows toward the next step, which is what makes it read as a funnel.
      var bottom = Math.max(Math.min(w, next + (w - next) * 0.35), 2);
      var points = [
        [center - w / 2, y], [center + w / 2, y],
        [center + bottom / 2, y + rowH], [center - bottom / 2, y + rowH]
      ].map(function (p) { return p[0].toFixed(1) + ',' + p[1].toFixed(1); }).join(' ');
      svg.appendChild(svgEl('polygon', { points: points, fill: COLORS[i], opacity: counts[step] > 0 ? 0.9 : 0.25 }));
      svg.appendChild(svgEl('text', { x: left - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end' }, step));
      svg.appendChild(svgEl('text', {
        x: left + span + 8, y: y + rowH / 2 + 4, 'class': 'funnel-count', 'data-step': step
      }, String(counts[step])));
      if (i > 0) {
        svg.appendChild(svgEl('text', {
          x: left + span + 8, y: y - gap / 2 + 4, 'class': 'funnel-rate', 'data-rate': step
        }, '↓ ' + percent(stepRates[i])));
      }
    });
    return svg;
  }

  function render(data) {
    var head = el('div', 'funnel-head');
    head.appendChild(el('h2', '', 'Funnel'));
    var status = el('span', 'funnel-status', 'exposed → displayed → accepted → conversation · updated ' +
      new Date().toLocaleTimeString());
    head.appendChild(status);

    var total = el('div', 'funnel-total');
    var totalSvg = drawFunnel(data.totals, 'All campaigns', true);
    totalSvg.setAttribute('data-funnel', 'total');
    total.appendChild(totalSvg);

    var grid = el('div', 'funnel-campaigns');
    if (!data.campaigns.length) grid.appendChild(el('p', 'funnel-empty', 'The campaign file defines no campaign.'));
    // Highest priority first: the order in which the emulator tries campaigns.
    data.campaigns.slice().sort(function (a, b) { return b.priority - a.priority; }).forEach(function (campaign) {
      var card = el('article', 'funnel-campaign');
      card.setAttribute('data-campaign-id', String(campaign.campaignId));
      card.appendChild(el('h3', '', campaign.name + ' · priority ' + campaign.priority));
      card.appendChild(el('p', 'funnel-goal', (campaign.goal || 'no goal given') + ' · overall ' +
        percent(campaign.conversion.overall)));
      campaign.engagements.forEach(function (engagement) {
        var figure = el('figure');
        figure.appendChild(el('figcaption', '', engagement.name + (engagement.skill ? ' · skill ' + engagement.skill : '')));
        var svg = drawFunnel(engagement, engagement.name, false);
        svg.setAttribute('data-engagement-id', String(engagement.engagementId));
        figure.appendChild(svg);
        card.appendChild(figure);
      });
      grid.appendChild(card);
    });

    while (section.firstChild) section.removeChild(section.firstChild);
    section.appendChild(head);
    section.appendChild(total);
    section.appendChild(grid);
    renders += 1;
    section.setAttribute('data-renders', String(renders));
  }

  function fail(message) {
    var status = section.querySelector('.funnel-status');
    var text = 'cannot reach the emulator funnel: ' + message;
    if (status) status.textContent = text;
    else section.appendChild(el('p', 'funnel-status', text));
  }

  function load() {
    return fetch(api + '/__emulator/funnel').then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    }).then(function (text) {
      // Redraw only when something changed, so the page does not flicker.
      if (text === last) {
        var status = section.querySelector('.funnel-status');
        if (status) status.textContent = status.textContent.replace(/updated .*$/, 'updated ' + new Date().toLocaleTimeString());
        return;
      }
      last = text;
      render(JSON.parse(text));
    }).catch(function (e) { fail(e.message); });
  }

  var style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
  window.lpmonDashboard = window.lpmonDashboard || {};
  window.lpmonDashboard.funnel = { refresh: load };
  load();
  setInterval(function () { if (!document.hidden) load(); }, EVERY_MS);
})();
