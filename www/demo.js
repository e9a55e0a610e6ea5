// The demo brand page's own code: what a brand writes around lpmon. It engages on load, shows
// "Message us" only for an engagement with status "expose", and reports the impressions.
// Everything from the server goes into the page as text, never as HTML.
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var button = $('message-us');
  var shown = null;

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

  function engage() {
    return lpmon.engage({ entryPoints: [location.href] }).then(function (answer) {
      log('engage', answer);
      refresh(answer.created ? 'new session' : 'session kept');
      var offer = answer.engagementDetails.filter(function (d) { return d.status === 'expose'; })[0];
      var talk = answer.engagementDetails.filter(function (d) { return d.status === 'conversation'; })[0];
      $('conversation').hidden = !talk;
      if (talk) $('conversation').textContent = 'You have an open conversation (' + talk.conversationId + ').';
      shown = offer || null;
      button.hidden = !offer;
      if (!offer) return;
      return lpmon.report({ engagementAttributes: [impression('impDisplay', offer)] }).then(function (r) {
        log('report impDisplay', r);
      });
    }, failed('engage'));
  }

  button.addEventListener('click', function () {
    if (!shown) return;
    lpmon.report({ engagementAttributes: [impression('impAccept', shown)] }).then(function (r) {
      log('report impAccept', r);
      button.textContent = '💬 Connecting you to an agent…';
      refresh('accepted');
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
})();
