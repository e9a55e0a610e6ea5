// The demo brand page's own code: what a brand writes around lpmon. It engages on load, shows
// "Message us" only for an engagement with status "expose", and reports the impressions. The
// "try the targeting rules" buttons report SDEs or change the page's section, then engage again.
// The panel also asks the emulator's trace (a control endpoint, not part of the LivePerson API)
// which rule matched. Everything from the server goes into the page as text, never as HTML.
// An ES module like the rest of www/; `lpmon` is the script tag's global.
const $ = (id) => document.getElementById(id);
const button = $('message-us');
const api = document.querySelector('script[data-domain]').getAttribute('data-domain');
let shown = null;
let sections = [];

function refresh(status) {
  $('status').textContent = status;
  $('vid').textContent = lpmon.getVid() || '–';
  $('sid').textContent = lpmon.getSid() || '–';
}

function log(what, value) {
  let li = document.createElement('li');
  li.textContent = what + ' → ' + JSON.stringify(value);
  let list = $('answers');
  list.insertBefore(li, list.firstChild);
  while (list.children.length > 8) list.removeChild(list.lastChild);
}

function impression(type, e) {
  return {
    type: type, campaign: e.campaignId, engId: e.engagementId, revision: e.engagementRevision,
    eContext: [{ type: 'engagementContext', id: e.contextId }]
  };
}

function failed(what) {
  return function (err) {
    log(what + ' failed', { name: err.name, kind: err.kind, status: err.status, message: err.message });
    refresh('error: ' + err.message);
  };
}

// The page's entry points: its URL, plus its sections as sec://… (what lpTag.section does).
function entryPoints() {
  return [location.href].concat(sections.map(function (s) { return 'sec://' + s; }));
}

// Asks the emulator why the last answer offered what it did, and shows it in the panel.
function explain(answer) {
  let url = api + '/__emulator/trace?limit=1&vid=' + encodeURIComponent(answer.visitorId) +
    '&sid=' + encodeURIComponent(answer.sessionId);
  return fetch(url).then(function (r) { return r.json(); }).then(function (entries) {
    let entry = entries[entries.length - 1];
    if (!entry) return;
    $('engagement').textContent = entry.outcome === 'expose' ? entry.chosen.engagementName + ' (' + entry.chosen.engagementId + ')'
      : entry.outcome === 'conversation' ? 'open conversation' : 'nothing';
    $('why').textContent = entry.summary;
    let rules = $('rules');
    while (rules.firstChild) rules.removeChild(rules.firstChild);
    if (!entry.candidates.length) {
      rules.appendChild(document.createElement('li')).textContent = entry.outcome === 'conversation'
        ? 'not evaluated: an open conversation takes the place of any engagement' : 'not evaluated';
    }
    entry.candidates.slice().sort(function (a, b) { return b.priority - a.priority; }).forEach(function (c) {
      let li = document.createElement('li');
      li.className = c.chosen ? 'chosen' : c.eligible ? 'eligible' : 'refused';
      li.textContent = (c.chosen ? '✓ ' : c.eligible ? '○ ' : '✗ ') + c.engagementName +
        ' (priority ' + c.priority + '): ' + c.why;
      rules.appendChild(li);
    });
  }, function () {
    $('why').textContent = 'the emulator trace is not reachable';
  });
}

function engage() {
  return lpmon.engage({ entryPoints: entryPoints() }).then(function (answer) {
    log('engage', answer);
    refresh(answer.created ? 'new session' : 'session kept');
    let details = answer.engagementDetails || [];
    let offer = details.filter(function (d) { return d.status === 'expose'; })[0];
    let talk = details.filter(function (d) { return d.status === 'conversation'; })[0];
    $('conversation').hidden = !talk;
    $('end-conversation').hidden = !talk;
    if (talk) $('conversation').textContent = 'You have an open conversation (' + talk.conversationId + ').';
    shown = offer || null;
    button.hidden = !offer;
    button.textContent = '💬 Message us';
    if (offer) button.setAttribute('data-engagement-id', String(offer.engagementId));
    else button.removeAttribute('data-engagement-id');
    let explained = explain(answer);
    if (!offer) return explained;
    return lpmon.report({ engagementAttributes: [impression('impDisplay', offer)] }).then(function (r) {
      log('report impDisplay', r);
      return explained;
    });
  }, failed('engage'));
}

// Runs one targeting step (report something, or change the page), then engages again.
function step(control, action) {
  control.addEventListener('click', function () {
    let all = document.querySelectorAll('.try button');
    Array.prototype.forEach.call(all, function (b) { b.disabled = true; });
    Promise.resolve().then(action).then(engage, failed(control.id)).then(function () {
      Array.prototype.forEach.call(all, function (b) { b.disabled = false; });
      document.body.setAttribute('data-steps', String(Number(document.body.getAttribute('data-steps') || 0) + 1));
    });
  });
}

step($('add-to-cart'), function () {
  return lpmon.report({ engagementAttributes: [{
    type: 'cart', total: 250, currency: 'USD', numItems: 2,
    products: [{ product: { name: 'Ridge Runner 2', category: 'shoes', sku: 'RR2', price: 125 }, quantity: 2 }]
  }] }).then(function (r) { log('report cart', r); });
});

step($('become-vip'), function () {
  return lpmon.report({ engagementAttributes: [{ type: 'ctmrinfo', info: { ctype: 'vip', cstatus: 'gold' } }] })
    .then(function (r) { log('report ctmrinfo', r); });
});

step($('section-sport'), function () {
  let inSport = sections.indexOf('Sport') >= 0;
  sections = inSport ? [] : ['Sport'];
  $('section-sport').setAttribute('aria-pressed', String(!inSport));
  $('section-sport').textContent = inSport ? '🏃 Go to section Sport' : '🏠 Leave section Sport';
});

// The emulator's control endpoint stands in for the agent closing the conversation.
$('end-conversation').addEventListener('click', function () {
  fetch(api + '/__emulator/conversations/close', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ vid: lpmon.getVid() })
  }).then(engage, failed('end conversation'));
});

button.addEventListener('click', function () {
  if (!shown) return;
  let accepted = shown;
  lpmon.report({ engagementAttributes: [impression('impAccept', accepted)] }).then(function (r) {
    log('report impAccept', r);
    button.textContent = '💬 Connecting you to an agent…';
    refresh('accepted');
    // If accepting opened a conversation, the next answer says so.
    return engage();
  }, failed('report impAccept'));
});

// The loader may not have run yet (async): wait for its `ready` promise.
(function whenReady() {
  if (!window.lpmon || !window.lpmon.ready) return setTimeout(whenReady, 20);
  window.lpmon.ready.then(function (ok) {
    if (!ok) return refresh('lpmon unavailable');
    refresh('ready');
    engage();
  });
})();
