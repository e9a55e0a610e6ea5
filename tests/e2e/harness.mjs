// End-to-end harness: the emulator as a real process on loopback, and headless Chromium
// (Debian's, driven by playwright-core) opening pages from the emulator's site origin while the
// API answers on another origin, so CORS is enforced for real.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { stopProcess } from '../../scripts/tools.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const output = join(root, 'test-output');
mkdirSync(output, { recursive: true });

const BIN = join(root, 'target', 'debug', 'lpmon-emulator');
/** The commented campaign file `npm start` uses; pass `['--campaigns', EXAMPLE_CAMPAIGNS]`. */
export const EXAMPLE_CAMPAIGNS = join(root, 'emulator', 'campaigns.example.toml');
export const ACCOUNT = '12345678';
export const APP = '8de29e3d-25b1-4d08-b713-8331ab222bfa';

/** Writes a campaign file for one test under test-output/ and returns its path. */
export function writeCampaigns(name, text) {
  const path = join(output, name);
  writeFileSync(path, text);
  return path;
}

/** Starts the emulator on free ports; resolves to {site, api, stop}. Extra arguments go to
 * the emulator, e.g. `['--campaigns', EXAMPLE_CAMPAIGNS]`. */
export function startEmulator(extraArgs = []) {
  if (!existsSync(BIN)) throw new Error(`build the emulator first: ${BIN} is missing`);
  const child = spawn(BIN, ['--site-port', '0', '--api-port', '0', '--root', root, '--log', 'warn', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the emulator did not start within 15 s')), 15000);
    child.on('exit', (code) => reject(new Error(`the emulator exited early (${code})`)));
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const { site, api } = JSON.parse(buf.slice(0, nl));
      resolve({
        site, api, pid: child.pid,
        stop: () => stopProcess(child),
      });
    });
  });
}

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** The emulator's control API. */
export function control(api) {
  const call = async (method, path, body) => {
    const r = await fetch(api + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    stats: () => call('GET', '/__emulator/stats'),
    requests: (since = 0) => call('GET', `/__emulator/requests?since=${since}`),
    sessions: () => call('GET', '/__emulator/sessions'),
    reset: () => call('POST', '/__emulator/reset'),
    /** Clears the journal once no request has come for `quietMs` (3 s at most): the keepalive
     * flush of pages just closed must not land in the next test's journal. */
    resetWhenQuiet: async (quietMs = 300) => {
      const until = Date.now() + 3000;
      let seen = -1;
      for (;;) {
        const n = (await call('GET', '/__emulator/requests')).length;
        if (n === seen || Date.now() > until) break;
        seen = n;
        await new Promise((r) => setTimeout(r, quietMs));
      }
      return call('POST', '/__emulator/reset');
    },
    fault: (f) => call('POST', '/__emulator/faults', f),
    clearFaults: () => call('DELETE', '/__emulator/faults'),
    advance: (ms) => call('POST', '/__emulator/clock', { advanceMs: ms }),
    trace: (vid) => call('GET', '/__emulator/trace' + (vid ? `?vid=${encodeURIComponent(vid)}` : '')),
    funnel: () => call('GET', '/__emulator/funnel'),
    campaigns: () => call('GET', '/__emulator/campaigns'),
    availability: (spec) => (spec ? call('POST', '/__emulator/availability', spec) : call('GET', '/__emulator/availability')),
    conversations: () => call('GET', '/__emulator/conversations'),
  };
}

/** Monitoring requests of one kind from the journal. */
export async function calls(ctl, endpoint) {
  return (await ctl.requests()).filter((r) => r.path.endsWith('/' + endpoint));
}

/** Polls `check` until it returns a truthy value (or throws after `ms`). */
export async function eventually(check, ms = 5000, what = 'condition') {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

/** The emulator (started with `args`) and a browser, for a test file's `before` hook. */
export async function openSuite(args = []) {
  const emu = await startEmulator(args);
  return { emu, ctl: control(emu.api), browser: await launchBrowser() };
}

/** Waits for `promise` (a close or a stop, in an `after` hook) at most `ms`: a hook that never
 * ends keeps its test from ever reporting, and the file's process from exiting. What it leaves
 * running goes when the file's process does (Playwright kills its browsers at exit). */
export function within(promise, ms = 15000, what = 'closing') {
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => {
      console.error(`lpmon e2e: ${what} took over ${ms / 1000} s; going on without it`);
      resolve();
    }, ms);
  });
  return Promise.race([Promise.resolve(promise).catch(() => {}), late]).finally(() => clearTimeout(timer));
}

/** Stops what `openSuite` started (for the `after` hook; safe when it failed half-way). */
export async function closeSuite(suite) {
  await within(suite?.browser?.close(), 15000, 'closing the browser');
  await suite?.emu?.stop();
}

/**
 * For suites that run in every browser of BROWSERS: the emulator (started with `args`), the page
 * API's browser `name`, and the site proxy (site-proxy.mjs) in front of the emulator's site:
 * pages are opened from `site.origin`. With `{ proxy: false }` there is no proxy (no `site`):
 * pages are opened from `emu.site`.
 */
export async function openBrowserSuite(name, args = [], { proxy = true } = {}) {
  const { openBrowser } = await import('./browsers.mjs');
  const { startSiteProxy } = await import('./site-proxy.mjs');
  const suite = {};
  try {
    suite.emu = await startEmulator(args);
    suite.ctl = control(suite.emu.api);
    if (proxy) suite.site = await startSiteProxy(suite.emu.site);
    suite.browser = await openBrowser(name);
  } catch (e) {
    await closeBrowserSuite(suite);
    throw e;
  }
  return suite;
}

/** Stops what `openBrowserSuite` started. */
export async function closeBrowserSuite(suite) {
  await within(suite?.browser?.close(), 15000, 'closing the browser');
  await suite?.site?.stop();
  await suite?.emu?.stop();
}

/** A fresh browser context for the next test of `suite`. `previous` is closed first, so calls still
 * in flight cannot land in the next test's journal. Then the emulator is reset once it is quiet,
 * and the site proxy's routes, init scripts and journal are forgotten, unless `keepSite` is set
 * (a suite whose init scripts hold for all its tests). */
export async function freshContext(suite, previous, { keepSite = false } = {}) {
  await previous?.close();
  await suite.ctl.resetWhenQuiet();
  if (!keepSite) suite.site?.clear();
  return suite.browser.newContext();
}

/** A new tab of `browser` on the ESM example page in manual mode (`site` + esm.html?manual, no
 * monitor yet), once the page is ready, with localStorage cleared (and sessionStorage too with
 * `{ session: true }`). */
export async function openManualTab(browser, site, { session = false } = {}) {
  const tab = await browser.newTab();
  await tab.goto(site + '/examples/esm.html?manual');
  await tab.waitFor(() => document.body.dataset.ready === 'yes');
  await tab.run(session
    ? () => { localStorage.clear(); sessionStorage.clear(); return true; }
    : () => { localStorage.clear(); return true; });
  return tab;
}
