// The demo brand page's own code: what a brand writes around lpmon. It engages on load, shows
// "Message us" only for an engagement with status "expose", and lets lpmon.track() report the
// impressions (displayed once it was in view for a second, accepted on click). The
// "try the targeting rules" buttons report SDEs or change the page's section, then engage again.
// The panel also asks the emulator's trace (a control endpoint, not part of the LivePerson API)
// which rule matched. Everything from the server goes into the page as text, never as HTML.
// An ES module like the rest of www/; `lpmon` is the script tag's global.
const $ = (id) => document.getElementById(id);
const button = $('message-us');
const api = document.querySelector('script[data-domain]').getAttribute('data-domain');
let tracked = null;
let displayed = Promise.resolve();
let sections = [];

function refresh(status) {
  $('status').textContent = status;
  $('vid').textContent = lpmon.getVid() || '–';
  $('sid').textContent = lpmon.getSid() || '–';
}

function log(what, value) {
  var li = document.createElement('li');
  li.textContent = what + ' → ' + JSON.stringify(value);
  var list = $('answers');
  list.insertBefore(li, list.firstChild);
  while (list.children.length > 8) list.removeChild(list.lastChild);
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
  var url = api + '/__emulator/trace?limit=1&vid=' + encodeURIComponent(answer.visitorId) +
    '&sid=' + encodeURIComponent(answer.sessionId);
  return fetch(url).then(function (r) { return r.json(); }).then(function (entries) {
    var entry = entries[entries.length - 1];
    if (!entry) return;
    $('engagement').textContent = entry.outcome === 'expose' ? entry.chosen.engagementName + ' (' + entry.chosen.engagementId + ')'
      : entry.outcome === 'conversation' ? 'open conversation' : 'nothing';
    $('why').textContent = entry.summary;
    var rules = $('rules');
    while (rules.firstChild) rules.removeChild(rules.firstChild);
    if (!entry.candidates.length) {
      rules.appendChild(document.createElement('li')).textContent = entry.outcome === 'conversation'
        ? 'not evaluated: an open conversation takes the place of any engagement' : 'not evaluated';
    }
    entry.candidates.slice().sort(function (a, b) { return b.priority - a.priority; }).forEach(function (c) {
      var li = document.createElement('li');
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
    var details = answer.engagementDetails || [];
    var offer = details.filter(function (d) { return d.status === 'expose'; })[0];
    var talk = details.filter(function (d) { return d.status === 'conversation'; })[0];
    $('conversation').hidden = !talk;
    $('end-conversation').hidden = !talk;
    if (talk) $('conversation').textContent = 'You have an open conversation (' + talk.conversationId + ').';
    // The offer on the button changes: the one before is closed (impClose if it was displayed
    // and not accepted), the new one tracked.
    if (tracked) tracked.close();
    tracked = null;
    displayed = Promise.resolve();
    button.hidden = !offer;
    button.textContent = '💬 Message us';
    if (offer) {
      button.setAttribute('data-engagement-id', String(offer.engagementId));
      displayed = new Promise(function (resolve) {
        tracked = lpmon.track(button, offer, { onAccept: accepted, onDisplay: function () { log('impDisplay', offer.engagementId); resolve(); } });
      });
    } else button.removeAttribute('data-engagement-id');
    return explain(answer);
  }, failed('engage'));
}

// lpmon reported impAccept; `start` is what a messaging client needs to open the conversation.
function accepted(start, sent) {
  log('impAccept', start);
  button.textContent = '💬 Connecting you to an agent…';
  refresh('accepted');
  // If accepting opened a conversation, the next answer (once the accept arrived) says so.
  sent.then(engage);
}

// Before a step changes what is offered, the offer on screen gets its second in view to count
// as displayed (the funnel then shows every step), but no more than 1.5 s.
function seen() {
  return Promise.race([displayed, new Promise(function (resolve) { setTimeout(resolve, 1500); })]);
}

// Runs one targeting step (report something, or change the page), then engages again.
function step(control, action) {
  control.addEventListener('click', function () {
    var all = document.querySelectorAll('.try button');
    Array.prototype.forEach.call(all, function (b) { b.disabled = true; });
    seen().then(action).then(engage, failed(control.id)).then(function () {
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
  var inSport = sections.indexOf('Sport') >= 0;
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

// The loader may not have run yet (async): wait for its `ready` promise.
(function whenReady() {
  if (!window.lpmon || !window.lpmon.ready) return setTimeout(whenReady, 20);
  window.lpmon.ready.then(function (ok) {
    if (!ok) return refresh('lpmon unavailable');
    refresh('ready');
    engage();
  });
})();
