// The test side of the site origin, in every browser alike: a loopback proxy in front of the
// emulator's site listener that does what WebDriver cannot (and Playwright does only for
// Chromium): hold a file back, answer a path with a page of the test's own, run a script before
// any script of a page (`init`), see every request and response (order, content type, body hash),
// and hear uncaught page errors. The Monitoring API stays on the emulator's other origin.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const TEST = '/__lpmon_test__/';

/** Reports uncaught errors to the proxy before the page goes on (a synchronous request). */
const ERRORS = `(function () {
  function tell(message) {
    try {
      var x = new XMLHttpRequest();
      x.open('POST', '${TEST}error', false);
      x.send(String(message));
    } catch (e) { /* the page is going away */ }
  }
  addEventListener('error', function (e) { if (e.error || e.message) tell(e.message); });
  addEventListener('unhandledrejection', function (e) { tell((e.reason && e.reason.message) || e.reason); });
})();`;

/** Starts the proxy in front of `upstream` (the emulator's site origin); resolves to its handle. */
export async function startSiteProxy(upstream) {
  const target = new URL(upstream);
  const routes = new Map();
  const inits = [];
  const journal = [];
  const errors = [];

  const injected = () => [ERRORS, ...inits.map((fn) => `(${fn})();`)]
    .map((_, i) => `<script src="${TEST}init/${i}.js"></script>`).join('');

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://proxy');
    if (url.pathname === TEST + 'error') {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => { errors.push(body); res.writeHead(204).end(); });
      return;
    }
    const init = url.pathname.match(/^\/__lpmon_test__\/init\/(\d+)\.js$/);
    if (init) {
      const i = Number(init[1]);
      const body = i === 0 ? ERRORS : `(${inits[i - 1]})();`;
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(body);
      return;
    }
    // `start`: when the request reached the site; `end`: when its answer was sent (ms, one clock).
    const entry = { path: url.pathname, method: req.method, status: 0, contentType: undefined, sha256: undefined, start: performance.now(), end: undefined };
    res.on('finish', () => { entry.end = performance.now(); });
    journal.push(entry);
    const route = routes.get(url.pathname);
    if (route?.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
    if (route?.fulfill) {
      const { status = 200, headers = {}, contentType = 'text/html', body = '' } = route.fulfill;
      const text = contentType.startsWith('text/html') ? injectInto(body, injected()) : body;
      Object.assign(entry, { status, contentType, sha256: sha(Buffer.from(text)) });
      res.writeHead(status, { ...headers, 'content-type': contentType, 'cache-control': 'no-store' }).end(text);
      return;
    }
    const headers = { ...req.headers, host: target.host, 'accept-encoding': 'identity' };
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      const type = answer.headers['content-type'] || '';
      entry.status = answer.statusCode;
      entry.contentType = type;
      const hash = createHash('sha256');
      if (type.startsWith('text/html')) {
        // Pages get the error recorder and the init scripts first, ahead of their own scripts.
        const chunks = [];
        answer.on('data', (d) => chunks.push(d));
        answer.on('end', () => {
          const text = injectInto(Buffer.concat(chunks).toString('utf8'), injected());
          entry.sha256 = sha(Buffer.from(text));
          const out = { ...answer.headers };
          delete out['content-length'];
          res.writeHead(answer.statusCode, out).end(text);
        });
        return;
      }
      res.writeHead(answer.statusCode, answer.headers);
      answer.on('data', (d) => { hash.update(d); res.write(d); });
      answer.on('end', () => { entry.sha256 = hash.digest('hex'); res.end(); });
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  server.keepAliveTimeout = 1000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;

  return {
    origin,
    /** Uncaught errors of every page served since the last `clear` (messages). */
    errors,
    /** Every request since the last `clear`: {path, method, status, contentType, sha256, start, end}. */
    journal,
    /** Requests of `pathname` wait `delayMs`, or get `fulfill: {status, headers, contentType, body}`. */
    route: (pathname, how) => routes.set(pathname, how),
    /** Runs `fn` (no arguments) in every page before the page's own scripts. */
    init: (fn) => inits.push(String(fn)),
    /** Forgets the init scripts only. */
    clearInits: () => { inits.length = 0; },
    /** Forgets routes, init scripts, the journal and the errors. */
    clear: () => {
      routes.clear();
      inits.length = 0;
      journal.length = 0;
      errors.length = 0;
    },
    stop: () => new Promise((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}

function sha(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `html` with `tags` as the first thing of its head (or of the document, when it has no head). */
function injectInto(html, tags) {
  const head = html.match(/<head[^>]*>/i);
  if (head) return html.slice(0, head.index + head[0].length) + tags + html.slice(head.index + head[0].length);
  const doctype = html.match(/^\s*<!doctype[^>]*>/i);
  const at = doctype ? doctype[0].length : 0;
  return html.slice(0, at) + tags + html.slice(at);
}
