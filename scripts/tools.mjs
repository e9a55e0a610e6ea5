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

/** Process groups of the commands `tee` is running; a signal to this process reaches them too. */
const groups = new Set();
/** The signal that asked this process to stop, once one did: later `tee` calls start nothing,
 * so a caller goes on to its summary. Listening starts with the first `tee` (a listener replaces
 * Node's exit on that signal, which scripts that never call `tee` keep). */
export const stopping = { signal: null };
let listening = false;
function listen() {
  if (listening) return;
  listening = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      stopping.signal = sig;
      for (const pid of groups) killGroup(pid, 'SIGTERM');
    });
  }
}

function killGroup(pid, sig) {
  try { process.kill(-pid, sig); } catch { /* gone */ }
}

/**
 * Runs a command, streaming its output while also capturing it; resolves to {code, out}.
 * It runs in a process group of its own, killed whole once the command has exited (a browser or
 * server it left behind must not hold the pipes open, or outlive the run), or when it runs past
 * `limitMs` (0: no limit), so that a hang fails its step instead of the whole run.
 */
export function tee(cmd, args, { limitMs = 0, ...opts } = {}) {
  listen();
  if (stopping.signal) return Promise.resolve({ code: 1, out: `not started: stopped by ${stopping.signal}\n` });
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
    let out = '';
    let code = null;
    const note = (line) => { out += line; process.stderr.write(line); };
    const finish = () => {
      clearTimeout(limit);
      clearTimeout(drain);
      groups.delete(child.pid);
      resolve({ code: code ?? 1, out });
    };
    let drain = null;
    const limit = limitMs > 0 && setTimeout(() => {
      note(`\nlpmon: ${cmd} ran past its limit of ${limitMs / 60000} min and was stopped\n`);
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10000).unref();
    }, limitMs);
    if (child.pid) groups.add(child.pid);
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('error', () => { code = 127; finish(); });
    const exited = (c, signal) => { code ??= c ?? (signal ? 128 : 1); };
    child.on('exit', (c, signal) => {
      exited(c, signal);
      killGroup(child.pid, 'SIGKILL');
      // What the group wrote last may still be in the pipes: 'close' says it was read.
      drain = setTimeout(finish, 5000);
    });
    child.on('close', (c, signal) => { exited(c, signal); finish(); });
  });
}

/** Stops `child` with SIGTERM, and with SIGKILL when it is still there after `graceMs`: a stop
 * that waits for an exit must end (in an e2e `after` hook, or the test file's process never does). */
export function stopProcess(child, graceMs = 10000) {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, graceMs);
    child.once('exit', () => { clearTimeout(kill); done(); });
    try { child.kill('SIGTERM'); } catch { clearTimeout(kill); done(); }
  });
}

export function fail(message) {
  console.error(`\nlpmon: ${message}`);
  process.exit(1);
}
