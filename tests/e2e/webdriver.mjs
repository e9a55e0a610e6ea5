// A small W3C WebDriver client (https://www.w3.org/TR/webdriver2/) behind the page API of
// browsers.mjs, for Firefox (geckodriver) and WebKit (WebKitGTK's WebKitWebDriver). One driver
// process and one session per browser; tabs are windows of that session.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startXvfb } from '../../scripts/xvfb.mjs';
import { wrapped, unwrap, WAIT_MS } from './browsers.mjs';
import { stopProcess } from '../../scripts/tools.mjs';

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** WebDriver's code points for the keys `press` knows by name (others are sent as they are). */
const KEYS = { Enter: '\uE007', Tab: '\uE004', Escape: '\uE00C' };

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `bin` on a free port and opens a session with `capabilities`; resolves to {call, s, stop}. */
async function session(bin, args, capabilities, env = process.env) {
  const port = await freePort();
  const driver = spawn(bin, [...args, `--port=${port}`], { stdio: ['ignore', 'ignore', 'inherit'], env });
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
  const stop = () => stopProcess(driver);
  for (let i = 0; ; i++) {
    try {
      await fetch(base + '/status');
      break;
    } catch {
      if (i > 100 || driver.exitCode !== null) {
        await stop();
        throw new Error(`${bin} did not start`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const { sessionId } = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    return { call, s: (path) => `/session/${sessionId}${path}`, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * The page API over one W3C session. `offline(call, s, off)` switches the browser offline, when
 * the browser has a way to (Firefox does, WebKitGTK does not: `canGoOffline` tells tests).
 * `tabType`: what a new tab is opened as ('tab' or 'window').
 */
function w3cBrowser(name, { call, s, stop }, { offline, tabType = 'tab', cleanup = async () => {} }) {
  let home;
  let current;
  const focus = async (handle) => {
    if (current !== handle) {
      await call('POST', s('/window'), { handle });
      current = handle;
    }
  };
  const exec = async (handle, script, args) => {
    await focus(handle);
    return call('POST', s('/execute/sync'), { script, args });
  };
  const waitUntil = async (handle, script, arg, timeout, what) => {
    const until = Date.now() + timeout;
    for (;;) {
      let v;
      try {
        v = await exec(handle, script, [arg]);
      } catch (e) {
        // A page being replaced (navigation, reload) cannot run scripts for a moment.
        if (Date.now() > until) throw e;
      }
      if (v) return v;
      if (Date.now() > until) throw new Error(`${name}: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const newTab = async (origins) => {
    const handle = (await call('POST', s('/window/new'), { type: tabType })).handle;
    const run = async (fn, arg = null) => {
      await focus(handle);
      const script = `const done = arguments[arguments.length - 1]; ${wrapped(fn)}(arguments[0]).then(done);`;
      return call('POST', s('/execute/async'), { script, args: [arg] });
    };
    const element = async (selector) => {
      await waitUntil(handle, 'return !!document.querySelector(arguments[0]);', selector, WAIT_MS, selector);
      return (await call('POST', s('/element'), { using: 'css selector', value: selector }))[ELEMENT];
    };
    const tab = {
      errors: [],
      // Not observable over WebDriver classic (Chromium's tabs have them).
      warnings: null,
      goto: async (url) => {
        await focus(handle);
        origins.add(new URL(url).origin);
        await call('POST', s('/url'), { url });
      },
      reload: async () => { await focus(handle); await call('POST', s('/refresh'), {}); },
      back: async () => { await focus(handle); await call('POST', s('/back'), {}); },
      run,
      evaluate: async (fn, arg = null) => unwrap(await run(fn, arg)),
      waitFor: async (fn, arg = null, { timeout = WAIT_MS } = {}) => {
        await waitUntil(handle, `return !!(${fn})(arguments[0]);`, arg, timeout, String(fn));
      },
      click: async (selector) => {
        const id = await element(selector);
        await call('POST', s(`/element/${id}/click`), {});
      },
      // Input actions: the browser's own key handling (a button's Enter or Space clicks it).
      press: async (key) => {
        await focus(handle);
        const value = KEYS[key] || key;
        await call('POST', s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }] });
        await call('DELETE', s('/actions'));
      },
      text: async (selector) => {
        await element(selector);
        return exec(handle, 'return document.querySelector(arguments[0]).textContent;', [selector]);
      },
      visible: (selector) => exec(handle, `const el = document.querySelector(arguments[0]);
        if (!el) return false;
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';`, [selector]),
      setOffline: async (off) => {
        if (!offline) throw new Error(`${name} has no offline switch reachable over WebDriver`);
        await offline(call, s, off);
      },
      close: async () => {
        await focus(handle);
        await call('DELETE', s('/window'));
        // New windows open from a live one: go back home.
        current = null;
        await focus(home);
      },
    };
    return tab;
  };

  /**
   * A browser context as far as WebDriver allows: one session has one cookie jar and one
   * storage per origin, so a context is its tabs plus, at close, the localStorage and
   * sessionStorage of every origin they visited cleared (what a fresh Playwright context gives).
   */
  const newContext = () => {
    const tabs = [];
    const origins = new Set();
    return {
      newTab: async () => {
        const tab = await newTab(origins);
        tabs.push(tab);
        const close = tab.close;
        tab.close = async () => {
          tabs.splice(tabs.indexOf(tab), 1);
          await close();
        };
        return tab;
      },
      close: async () => {
        for (const tab of [...tabs]) await tab.close();
        for (const origin of origins) {
          // A path the site does not have: a page of the origin that runs no lpmon.
          await focus(home);
          await call('POST', s('/url'), { url: origin + '/__blank_for_storage_clearing__' });
          await exec(home, 'localStorage.clear(); sessionStorage.clear(); return true;', []);
        }
        if (origins.size) await call('POST', s('/url'), { url: 'about:blank' });
        origins.clear();
      },
    };
  };

  return (async () => {
    // The first window stays open for the session's life: closing the last window ends a session.
    home = await call('GET', s('/window'));
    current = home;
    const defaultContext = newContext();
    return {
      name,
      canGoOffline: !!offline,
      newTab: defaultContext.newTab,
      newContext: async () => newContext(),
      close: async () => {
        try { await call('DELETE', s('')); } catch { /* already gone */ }
        await stop();
        await cleanup();
      },
    };
  })();
}

export async function openFirefox() {
  const bin = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'bin', 'geckodriver');
  // System access lets the test switch Firefox's offline mode (chrome context), like Playwright's setOffline.
  const sess = await session(bin, ['--log', 'error', '--allow-system-access'], {
    browserName: 'firefox',
    'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless'], prefs: { 'dom.min_background_timeout_value': 4, 'network.disable-localhost-when-offline': true } },
    timeouts: { script: 60000, pageLoad: 30000 },
  });
  const offline = async (call, s, off) => {
    await call('POST', s('/moz/context'), { context: 'chrome' });
    try {
      await call('POST', s('/execute/sync'), { script: 'Services.io.offline = arguments[0]; return Services.io.offline;', args: [off] });
    } finally {
      await call('POST', s('/moz/context'), { context: 'content' });
    }
  };
  return w3cBrowser('firefox', sess, { offline });
}

/**
 * WebKitGTK's MiniBrowser in automation mode under Xvfb: the display of the test runner when
 * DISPLAY is set, otherwise an Xvfb of its own (stopped with the browser). `opts.private` adds
 * MiniBrowser's private browsing mode.
 */
export async function openWebKit(opts = {}) {
  let xvfb = null;
  let display = process.env.DISPLAY;
  if (!display) {
    xvfb = await startXvfb();
    display = xvfb.display;
  }
  try {
    const sess = await session('WebKitWebDriver', [], {
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation', ...(opts.private ? ['--private'] : [])] },
      timeouts: { script: 60000, pageLoad: 30000 },
    }, { ...process.env, DISPLAY: display });
    // A WebKitGTK tab opened over WebDriver stays behind the first one: its document is hidden,
    // so it runs no animation frames and no IntersectionObserver callbacks. A window is in front.
    return await w3cBrowser('webkit', sess, { tabType: 'window', cleanup: async () => { await xvfb?.stop(); } });
  } catch (e) {
    await xvfb?.stop();
    throw e;
  }
}
