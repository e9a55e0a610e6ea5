// Shared helpers of lpmon's scripts: running commands with cargo's bin dir on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { delimiter, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cargoBin = join(process.env.CARGO_HOME || join(homedir(), '.cargo'), 'bin');
export const env = {
  ...process.env,
  PATH: [join(root, 'node_modules', '.bin'), cargoBin, process.env.PATH].join(delimiter),
};

/** Runs a command, inheriting stdio; resolves to its exit code. */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Runs a command and returns {code, out} with stdout+stderr captured (nothing printed). */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', ...opts });
  return { code: r.error ? 127 : r.status ?? 1, out: `${r.stdout || ''}${r.stderr || ''}` };
}

/** Runs a command, streaming its output while also capturing it; resolves to {code, out}. */
export function tee(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('error', () => resolve({ code: 127, out }));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

export function fail(message) {
  console.error(`\nlpmon: ${message}`);
  process.exit(1);
}
