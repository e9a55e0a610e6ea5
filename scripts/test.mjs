// `npm test`: set-up, build, then every test suite; ends with each runner's summary and a final
// "N passed, M failed" line. Exits non-zero when anything failed.
// With WebKit's end-to-end suites a run takes longer than 15 minutes on a 2-core machine, so
// `npm test` runs them in Chromium and Firefox and WebKit only its wasm-bindgen tests;
//   --webkit   (`npm run test:webkit`, run by .ci/run after `npm test`) the end-to-end suites in
//              WebKit, building only what is missing;
//   --all      everything in one run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, run, tee, env, stopping, stopProcess } from './tools.mjs';
import { startXvfb } from './xvfb.mjs';
import { tapFailures } from './tap-failures.mjs';

const args = process.argv.slice(2);
const webkitOnly = args.includes('--webkit');
const allBrowsers = args.includes('--all');
/** The e2e files whose suites run in every browser of BROWSERS (the others are Chromium's). */
const e2eDir = join(root, 'tests', 'e2e');
const EVERY_BROWSER = readdirSync(e2eDir).filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => /\bBROWSERS\b/.test(readFileSync(join(e2eDir, f), 'utf8'))).map((f) => join(e2eDir, f));
const results = [];
mkdirSync(join(root, 'test-output'), { recursive: true });
const started = Date.now();

/** Sums cargo's `test result:` lines and node's `# pass`/`# fail` lines in `out`. */
function counts(out) {
  let passed = 0;
  let failed = 0;
  for (const m of out.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  const np = out.match(/^[#ℹ] pass (\d+)$/m);
  const nf = out.match(/^[#ℹ] fail (\d+)$/m);
  // A node test that timed out is reported as cancelled: it failed.
  const nc = out.match(/^[#ℹ] cancelled (\d+)$/m);
  if (np) passed += Number(np[1]);
  if (nf) failed += Number(nf[1]);
  if (nc) failed += Number(nc[1]);
  const summary = [...out.matchAll(/^.*(test result: .*|[#ℹ] (pass|fail) \d+)$/gm)].map((m) => m[0].trim());
  return { passed, failed, summary };
}

/** Minutes a step may take before it is stopped and failed: several times what a fresh 2-core
 * machine needs, so that only a hang reaches it, and the run still ends inside CI's 90 minutes. */
const STEP_MIN = 20;

/** Runs a step; `tap`: the TAP file it writes, whose failed tests join its summary lines. */
async function step(name, cmd, args, { limitMin = STEP_MIN, tap, ...opts } = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const t = Date.now();
  if (tap) rmSync(tap, { force: true });
  const { code, out } = await tee(cmd, args, { ...opts, limitMs: limitMin * 60000 });
  const c = counts(out);
  const ok = code === 0;
  // A runner that crashed before reporting still counts as one failure.
  if (!ok && c.failed === 0) c.failed = 1;
  if (tap && !ok) c.summary.push(...tapFailures(tap, { root }).flat());
  results.push({ name, ok, seconds: Math.round((Date.now() - t) / 1000), ...c });
  return ok;
}

/** Starts the emulator for the wasm-bindgen tests; resolves to {api, stop}. */
function emulator() {
  const child = spawn(join(root, 'target', 'debug', 'lpmon-emulator'), ['--site-port', '0', '--api-port', '0', '--root', root, '--log', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.on('exit', (c) => reject(new Error(`emulator exited (${c})`)));
    child.stdout.on('data', (d) => {
      buf += d;
      if (!buf.includes('\n')) return;
      const { api } = JSON.parse(buf.split('\n')[0]);
      resolve({ api, stop: () => stopProcess(child) });
    });
  });
}

const setupOk = (await run('node', [join(root, 'scripts', 'setup.mjs')])) === 0;
if (!setupOk) {
  console.error('set-up failed');
  process.exit(1);
}

const missing = ['pkg/lpmon_bg.wasm', 'dist/lpmon.js', 'target/debug/lpmon-emulator'].some((f) => !existsSync(join(root, f)));
let built = true;
if (!webkitOnly || missing) {
  built = await step('build', 'node', [join(root, 'scripts', 'build.mjs')]);
  if (built && !webkitOnly) await step('size gate (wasm + glue + loader, gzip)', 'node', [join(root, 'scripts', 'size-gate.mjs')]);
  if (built && !webkitOnly) await step('symbol check (monitoring and agent wasm: no core::fmt, no panic messages)', 'node', [join(root, 'scripts', 'symbol-check.mjs')]);
  await step('emulator build', 'cargo', ['build', '-p', 'lpmon-emulator']);
}
if (!webkitOnly) {
// `--features agent` adds the agent-side models and client to the core's tests (a superset).
await step('native tests (core + agent + emulator)', 'cargo', ['test', '--workspace', '--features', 'agent']);
await step('format (rustfmt --check)', 'cargo', ['fmt', '--all', '--', '--check']);
await step('clippy (native)', 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
await step('clippy (native, agent)', 'cargo', ['clippy', '--workspace', '--all-targets', '--features', 'agent', '--', '-D', 'warnings']);
await step('clippy (wasm32)', 'cargo', ['clippy', '--all-targets', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']);
await step('clippy (wasm32, shipped build)', 'cargo', ['clippy', '--lib', '--target', 'wasm32-unknown-unknown', '--features', 'tiny', '--', '-D', 'warnings']);
await step('clippy (wasm32, agent build)', 'cargo', ['clippy', '--all-targets', '--target', 'wasm32-unknown-unknown', '--features', 'agent', '--', '-D', 'warnings']);
await step('clippy (wasm32, shipped agent build)', 'cargo', ['clippy', '--lib', '--target', 'wasm32-unknown-unknown', '--features', 'agent,tiny', '--', '-D', 'warnings']);
if (built) {
  // The agent types and helpers as a TypeScript user sees them; `@ts-expect-error` lines must fail.
  await step('types (agent surface, tsc)', 'tsc', ['--noEmit', '--strict', '--target', 'esnext', '--lib', 'esnext,dom',
    '--module', 'esnext', '--moduleResolution', 'bundler', join(root, 'tests', 'types', 'agent-usage.ts')]);
}
}

// WebKitGTK has no headless mode: one virtual display for every WebKit run, stopped by PID at the end.
let xvfb = null;
try {
  xvfb = await startXvfb();
} catch (e) {
  results.push({ name: 'start Xvfb (for WebKit)', ok: false, passed: 0, failed: 1, summary: [String(e.message)] });
}
const display = xvfb ? { DISPLAY: xvfb.display } : {};

// The wasm-bindgen tests' emulator (the e2e suites start their own).
let emu = null;
if (!webkitOnly) {
  try {
    emu = await emulator();
  } catch (e) {
    results.push({ name: 'start emulator', ok: false, passed: 0, failed: 1, summary: [String(e)] });
  }
}
if (emu) {
  const browserEnv = {
    env: {
      ...env,
      LPMON_API: emu.api,
      CHROMEDRIVER: '/usr/bin/chromedriver',
      WASM_BINDGEN_TEST_TIMEOUT: '60',
    },
  };
  for (const browser of ['--chrome', '--firefox']) {
    await step(`browser tests ${browser.slice(2)} (wasm-bindgen-test)`, 'wasm-pack', ['test', '--headless', browser, '--mode', 'no-install', '.', '--test', 'web'], browserEnv);
  }
  if (xvfb) {
    // wasm-bindgen-test-runner knows safaridriver; WebKitGTK's WebKitWebDriver speaks the same W3C
    // protocol and, asked for a session with no capabilities, starts MiniBrowser in automation mode.
    await step('browser tests webkit (wasm-bindgen-test)', 'wasm-pack', ['test', '--headless', '--safari', '--safaridriver', '/usr/bin/WebKitWebDriver',
      '--mode', 'no-install', '.', '--test', 'web'], { env: { ...browserEnv.env, ...display } });
  }
  await emu.stop();
}
if (built) {
  const browsers = webkitOnly ? 'webkit' : allBrowsers ? 'chromium,firefox,webkit' : 'chromium,firefox';
  const title = { webkit: 'WebKit', 'chromium,firefox': 'Chromium, Firefox', 'chromium,firefox,webkit': 'Chromium, Firefox, WebKit' }[browsers];
  // A test file has 7 minutes (the longest takes 2 on this machine): one that hangs, in a hook
  // even, fails by name, and the files after it still run.
  const tap = join(root, 'test-output', 'e2e.tap');
  await step(`end-to-end (${title})`, 'node', ['--test', '--test-concurrency=1', '--test-timeout=420000', '--test-reporter=spec',
    '--test-reporter-destination=stdout', '--test-reporter=tap', '--test-reporter-destination=' + tap,
    ...(webkitOnly ? EVERY_BROWSER : [join(root, 'tests', 'e2e')])],
  { env: { ...env, ...display, LPMON_BROWSERS: browsers }, limitMin: webkitOnly ? 12 : allBrowsers ? 60 : 40, tap });
}
await xvfb?.stop();

/** Seconds spent in the e2e suites of each browser (top-level suites named "… in <browser>"). */
function browserTimes() {
  let tap = '';
  try { tap = readFileSync(join(root, 'test-output', 'e2e.tap'), 'utf8'); } catch { return null; }
  const times = {};
  for (const m of tap.matchAll(/^(?:not )?ok \d+ - .* in (chromium|firefox|webkit)\n  ---\n  duration_ms: ([\d.]+)/gm)) {
    times[m[1]] = (times[m[1]] || 0) + Number(m[2]) / 1000;
  }
  return Object.keys(times).length ? times : null;
}

console.log('\n=== summary');
const times = browserTimes();
if (times) {
  console.log('e2e suites per browser: ' + Object.entries(times).map(([b, t]) => `${b} ${Math.round(t)}s`).join(', '));
}
for (const r of results) {
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name} (${r.seconds}s): ${r.passed} passed, ${r.failed} failed`);
  for (const line of r.summary) console.log(`       ${line}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const bad = results.filter((r) => !r.ok).length;
console.log(`\n${Math.round((Date.now() - started) / 1000)}s; ${results.length - bad} of ${results.length} steps ok`);
if (stopping.signal) console.log(`stopped by ${stopping.signal}: the steps after it did not run`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || bad > 0 ? 1 : 0);
