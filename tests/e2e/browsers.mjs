// One small page API over three drivers, so the same test files run in Chromium (playwright-core),
// Firefox (geckodriver) and WebKit (WebKitGTK's WebKitWebDriver under Xvfb). Firefox and WebKit
// are spoken to directly over the W3C WebDriver protocol (webdriver.mjs): Playwright cannot
// drive Debian's Firefox or WebKitGTK's MiniBrowser.
//
//   const b = await openBrowser('webkit');
//   const ctx = await b.newContext();          // storage of its own (see w3c.newContext)
//   const tab = await ctx.newTab();  await tab.goto(url);
//   await tab.run(async (arg) => …, arg);      // runs in the page: {ok: value} or {err: {...}}
//   await tab.evaluate((arg) => …, arg);       // the value itself; throws what the page threw
//   await tab.waitFor(() => cond);  await tab.click('#sel');  await tab.text('#sel');
//   await tab.press('Enter');                  // a real key press to the focused element
//   await tab.reload();  await tab.back();  await ctx.close();  await b.close();
//
// `b.newTab()` opens a tab in the browser's default context (kept for older callers).
import { launchBrowser } from './harness.mjs';
import { openFirefox, openWebKit } from './webdriver.mjs';

/** Every browser the suites run in; LPMON_BROWSERS=webkit (a comma-separated list) narrows a run. */
export const ALL_BROWSERS = ['chromium', 'firefox', 'webkit'];
export const BROWSERS = process.env.LPMON_BROWSERS
  ? process.env.LPMON_BROWSERS.split(',').map((b) => b.trim()).filter((b) => ALL_BROWSERS.includes(b))
  : ALL_BROWSERS;

/** Opens `name`; `opts.private` runs WebKit in its private browsing mode. */
export function openBrowser(name, opts = {}) {
  if (name === 'firefox') return openFirefox(opts);
  if (name === 'webkit') return openWebKit(opts);
  return openChromium(opts);
}

/** Wraps `fn` so its result (or thrown error) comes back as {ok} / {err}. */
export function wrapped(fn) {
  return `(async (arg) => {
    try { return { ok: await (${fn})(arg) }; }
    catch (e) { return { err: { name: e && e.name, kind: e && e.kind, status: e && e.status, internalCode: e && e.internalCode, queued: e && e.queued, message: String(e && e.message), isError: e instanceof window.Error } }; }
  })`;
}

/** `run`'s answer as `evaluate` gives it: the value, or the page's error thrown here. */
export function unwrap(r) {
  if (r && 'err' in r && r.err) {
    const e = new Error(`in the page: ${r.err.name}: ${r.err.message}`);
    e.page = r.err;
    throw e;
  }
  return r ? r.ok : undefined;
}

export const WAIT_MS = 15000;

async function openChromium() {
  const browser = await launchBrowser();
  const context = async (ctx) => ({
    newTab: async () => {
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // Console warnings (the browser's own included): WebDriver classic has no way to read them.
      const warnings = [];
      page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
      const run = (fn, arg = null) => page.evaluate(`${wrapped(fn)}(${JSON.stringify(arg)})`);
      return {
        errors,
        warnings,
        page,
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        back: () => page.goBack(),
        // A string expression: evaluated by the driver, so a page's CSP does not apply to it.
        run,
        evaluate: async (fn, arg = null) => unwrap(await run(fn, arg)),
        waitFor: (fn, arg = null, { timeout = WAIT_MS } = {}) => page.waitForFunction(fn, arg, { timeout }),
        click: (selector) => page.click(selector),
        press: (key) => page.keyboard.press(key),
        text: (selector) => page.textContent(selector),
        visible: (selector) => page.isVisible(selector),
        setOffline: (off) => ctx.setOffline(off),
        close: () => page.close(),
      };
    },
    close: () => ctx.close(),
  });
  const home = await context(await browser.newContext());
  return {
    name: 'chromium',
    canGoOffline: true,
    newTab: home.newTab,
    newContext: async () => context(await browser.newContext()),
    close: () => browser.close(),
  };
}
