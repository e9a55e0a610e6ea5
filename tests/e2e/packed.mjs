// The npm package as a brand gets it: `npm pack` of the repository (after the build), installed
// from the tarball into www/spa-example. Installing is the slow part, so it is skipped when the
// tarball and the example's package.json are the same as at the last install (a stamp in
// node_modules); a fresh machine installs once. `installClean` installs the tarball alone into an
// empty folder under test-output/ (lpmon has no dependencies, so that is quick).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, output } from './harness.mjs';

export const spa = join(root, 'www', 'spa-example');
const STAMP = join(spa, 'node_modules', '.lpmon-install-stamp');

/** A synchronous child blocks the event loop, so no test timeout can end it: each gets its own. */
const CHILD_MS = 150000;

function npm(args, cwd) {
  const once = () => spawnSync('npm', args, {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: CHILD_MS, killSignal: 'SIGKILL',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let run = once();
  // npm itself stuck (a registry or cache lock) is not what these tests are about: one more try.
  if (run.error?.code === 'ETIMEDOUT') {
    console.error(`npm ${args.join(' ')} took over ${CHILD_MS / 1000} s; trying once more`);
    run = once();
  }
  if (run.status !== 0) {
    const why = run.error ? `${run.error.message} (limit ${CHILD_MS / 1000} s)` : `exit ${run.status ?? run.signal}`;
    throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed: ${why}\n${run.stdout}\n${run.stderr}`);
  }
  return run.stdout;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Packs the package; returns npm's report ({filename, files, …}) and the tarball's path. */
export function pack() {
  const dir = join(output, 'pack');
  mkdirSync(dir, { recursive: true });
  const [report] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root));
  return { ...report, tarball: join(dir, report.filename) };
}

/** Packs, and installs the tarball into the SPA example unless that install is current. */
export function installPacked() {
  const packed = pack();
  mkdirSync(join(spa, 'vendor'), { recursive: true });
  const vendored = join(spa, 'vendor', 'lpmon.tgz');
  copyFileSync(packed.tarball, vendored);
  const stamp = sha256(readFileSync(vendored)) + ' ' + sha256(readFileSync(join(spa, 'package.json')));
  const current = existsSync(STAMP) && readFileSync(STAMP, 'utf8') === stamp;
  if (!current) {
    // Same version, new contents: npm would keep the old copy, so it goes first.
    rmSync(join(spa, 'node_modules', 'lpmon'), { recursive: true, force: true });
    npm(['install', '--no-audit', '--no-fund', '--loglevel=error'], spa);
    writeFileSync(STAMP, stamp);
  }
  return { ...packed, reinstalled: !current };
}

/** Installs `tarball` with `npm install` into a new, empty folder under test-output/; returns the
 * folder and the file URL Node resolves `lpmon` to there (through package.json `exports`). */
export function installClean(tarball) {
  const dir = join(output, 'packed-install');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'lpmon-packed-check', private: true, type: 'module' }) + '\n');
  npm(['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball], dir);
  const resolve = spawnSync(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('lpmon'))"],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: CHILD_MS, killSignal: 'SIGKILL' });
  if (resolve.status !== 0) throw new Error(`resolving lpmon in ${dir} failed:\n${resolve.stderr}`);
  return { dir, entry: resolve.stdout.trim() };
}
