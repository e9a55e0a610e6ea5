// Installs what lpmon needs on a machine that has only Rust (rustup) and Node.js. Idempotent and
// quick when everything is present. Flags: --build-tools (npm packages, wasm target, wasm-bindgen,
// wasm-pack), --browsers (Chromium, ChromeDriver, Firefox, geckodriver, WebKitGTK's WebDriver and
// MiniBrowser, Xvfb). No flag: both.
import { existsSync, readFileSync, statSync, accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { root, run, capture, fail } from './tools.mjs';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

const args = process.argv.slice(2);
const all = args.length === 0;
const wantBuild = all || args.includes('--build-tools');
const wantBrowsers = all || args.includes('--browsers');

function log(msg) { console.log(`setup: ${msg}`); }

function lockedVersion(crate) {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`name = "${crate}"\\nversion = "([^"]+)"`));
  return m && m[1];
}

async function cargoInstall(crate, version) {
  const base = ['install', crate, ...(version ? ['--version', version] : [])];
  log(`installing ${crate}${version ? ' ' + version : ''} with cargo (a few minutes, once)`);
  if ((await run('cargo', [...base, '--locked'])) === 0) return;
  // A lock file entry missing from the registry mirror: let cargo pick compatible versions.
  log(`--locked install failed; retrying ${crate} without --locked`);
  if ((await run('cargo', base)) !== 0) fail(`could not install ${crate}`);
}

async function npmDeps() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && existsSync(lock) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh && existsSync(join(root, 'node_modules', '.bin', 'wasm-opt'))) return;
  log('installing npm packages');
  const cmd = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  if ((await run('npm', cmd)) !== 0) fail('npm could not install the packages');
}

async function wasmTarget() {
  if (capture('rustup', ['target', 'list', '--installed']).out.includes('wasm32-unknown-unknown')) return;
  log('adding the wasm32-unknown-unknown target');
  if ((await run('rustup', ['target', 'add', 'wasm32-unknown-unknown'])) !== 0) fail('rustup could not add the wasm32 target');
}

async function wasmBindgen() {
  const want = lockedVersion('wasm-bindgen');
  if (!want) fail('Cargo.lock names no wasm-bindgen version');
  if (capture('wasm-bindgen', ['--version']).out.trim() === `wasm-bindgen ${want}`) return;
  await cargoInstall('wasm-bindgen-cli', want);
}

async function wasmPack() {
  if (capture('wasm-pack', ['--version']).code === 0) return;
  await cargoInstall('wasm-pack');
}

function executable(p) {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

async function browsers() {
  const firefox = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].some(executable);
  const missing = [];
  if (!executable('/usr/bin/chromium')) missing.push('chromium');
  if (!executable('/usr/bin/chromedriver')) missing.push('chromium-driver');
  if (!firefox) missing.push('firefox-esr');
  // WebKit (Safari's engine): WebKitGTK's WebDriver and MiniBrowser, under a virtual display.
  if (!executable('/usr/bin/WebKitWebDriver') || !executable(MINIBROWSER)) missing.push('webkit2gtk-driver');
  if (!executable('/usr/bin/Xvfb')) missing.push('xvfb');
  if (missing.length) {
    const root_ = process.getuid && process.getuid() === 0;
    if (root_ && existsSync('/usr/bin/apt-get')) {
      log(`installing ${missing.join(' ')} with apt`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      if ((await run('apt-get', ['update', '-qq'], { env })) !== 0) fail('apt-get update failed');
      if ((await run('apt-get', ['install', '-y', '-qq', ...missing], { env })) !== 0) fail('apt-get install failed');
    } else {
      fail(`missing browsers: ${missing.join(', ')}. On Debian/Ubuntu run as root: apt-get install -y chromium chromium-driver firefox-esr webkit2gtk-driver xvfb`);
    }
  }
  if (capture('geckodriver', ['--version']).code !== 0) await cargoInstall('geckodriver');
}

if (wantBuild) {
  await npmDeps();
  await wasmTarget();
  await wasmBindgen();
  await wasmPack();
}
if (wantBrowsers) await browsers();
