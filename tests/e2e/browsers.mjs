// One small page API over two drivers, so reliability tests run unchanged in Chromium
// (playwright-core) and Firefox (geckodriver, spoken to directly over the W3C WebDriver protocol:
// Playwright cannot drive Debian's Firefox).
//
//   const b = await openBrowser('firefox');
//   const tab = await b.newTab();  await tab.goto(url);
//   await tab.run(async (arg) => …, arg);   // runs in the page, resolves to a JSON value
//   await tab.reload();  await b.close();
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from './harness.mjs';

export const BROWSERS = ['chromium', 'firefox'];

export function openBrowser(name) {
  return name === 'firefox' ? openFirefox() : openChromium();
}

/** Wraps `fn` so its result (or thrown error) comes back as {ok} / {err}. */
function wrapped(fn) {
  return `(async (arg) => {
    try { return { ok: await (${fn})(arg) }; }
    catch (e) { return { err: { name: e && e.name, kind: e && e.kind, status: e && e.status, internalCode: e && e.internalCode, message: String(e && e.message) } }; }
  })`;
}

async function openChromium() {
  const browser = await launchBrowser();
  const context = await browser.newContext();
  const tab = async () => {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    return {
      errors,
      goto: (url) => page.goto(url),
      reload: () => page.reload(),
      // A string expression: evaluated by the driver, so a page's CSP does not apply to it.
      run: (fn, arg = null) => page.evaluate(`${wrapped(fn)}(${JSON.stringify(arg)})`),
      waitFor: (fn, arg = null) => page.waitForFunction(fn, arg, { timeout: 15000 }),
      setOffline: (off) => context.setOffline(off),
      close: () => page.close(),
    };
  };
  return { name: 'chromium', newTab: tab, close: () => browser.close() };
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function openFirefox() {
  const port = await freePort();
  const bin = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'bin', 'geckodriver');
  // System access lets the test switch Firefox's offline mode (chrome context), like Playwright's setOffline.
  const driver = spawn(bin, ['--port', String(port), '--log', 'error', '--allow-system-access'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const r = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json();
    if (!r.ok) throw new Error(`webdriver ${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try {
      await fetch(base + '/status');
      break;
    } catch (e) {
      if (i > 100) throw new Error('geckodriver did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const { sessionId } = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless'], prefs: { 'dom.min_background_timeout_value': 4, 'network.disable-localhost-when-offline': true } },
        timeouts: { script: 60000, pageLoad: 30000 },
      },
    },
  });
  const s = (path) => `/session/${sessionId}${path}`;
  // The first window stays open for the session's life: closing the last window ends a session.
  const home = await call('GET', s('/window'));
  let current = home;
  const focus = async (handle) => {
    if (current !== handle) {
      await call('POST', s('/window'), { handle });
      current = handle;
    }
  };
  const tab = async () => {
    const handle = (await call('POST', s('/window/new'), { type: 'tab' })).handle;
    return {
      errors: [],
      goto: async (url) => { await focus(handle); await call('POST', s('/url'), { url }); },
      reload: async () => { await focus(handle); await call('POST', s('/refresh'), {}); },
      run: async (fn, arg = null) => {
        await focus(handle);
        const script = `const done = arguments[arguments.length - 1]; ${wrapped(fn)}(arguments[0]).then(done);`;
        return call('POST', s('/execute/async'), { script, args: [arg] });
      },
      waitFor: async (fn, arg = null) => {
        await focus(handle);
        const until = Date.now() + 15000;
        while (Date.now() < until) {
          const v = await call('POST', s('/execute/sync'), { script: `return !!(${fn})(arguments[0]);`, args: [arg] });
          if (v) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`timed out waiting for ${fn}`);
      },
      setOffline: async (off) => {
        await call('POST', s('/moz/context'), { context: 'chrome' });
        try {
          await call('POST', s('/execute/sync'), { script: 'Services.io.offline = arguments[0]; return Services.io.offline;', args: [off] });
        } finally {
          await call('POST', s('/moz/context'), { context: 'content' });
        }
      },
      close: async () => {
        await focus(handle);
        await call('DELETE', s('/window'));
        // New windows open from a live one: go back home.
        current = null;
        await focus(home);
      },
    };
  };
  return {
    name: 'firefox',
    newTab: tab,
    close: async () => {
      try { await call('DELETE', s('')); } catch { /* already gone */ }
      driver.kill('SIGTERM');
    },
  };
}
