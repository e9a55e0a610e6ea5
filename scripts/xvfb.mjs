// A virtual X display for WebKitGTK (it has no headless mode). Xvfb picks a free display number
// itself (-displayfd) and is stopped by its PID.
import { spawn } from 'node:child_process';
import { stopProcess } from './tools.mjs';

/** Starts Xvfb; resolves to {display: ':N', pid, stop}. */
export function startXvfb() {
  const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x800x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { stop(); reject(new Error(`Xvfb did not start within 10 s: ${stderr}`)); }, 10000);
    const stop = () => stopProcess(child);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`Xvfb could not start: ${e.message}`)); });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited (${code}): ${stderr}`)); });
    child.stdio[3].on('data', (d) => {
      buf += d;
      const m = buf.match(/^(\d+)\n/);
      if (!m) return;
      clearTimeout(timer);
      resolve({ display: ':' + m[1], pid: child.pid, stop });
    });
  });
}
