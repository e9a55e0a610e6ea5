// `npm start`: installs what is missing, builds lpmon and the emulator, then serves the demo.
// Extra arguments go to the emulator, e.g. `npm start -- --site-port 9000 --api-port 9001`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, run, env, fail } from './tools.mjs';

if ((await run('node', [join(root, 'scripts', 'setup.mjs'), '--build-tools'])) !== 0) fail('set-up failed');
if ((await run('node', [join(root, 'scripts', 'build.mjs')])) !== 0) fail('build failed');
if ((await run('cargo', ['build', '-p', 'lpmon-emulator'])) !== 0) fail('the emulator did not build');

const extra = process.argv.slice(2);
// The example campaign file tells the demo's targeting story; pass --campaigns FILE for your own,
// or --account/--app-installation-id for the single built-in engagement.
const ownSetup = extra.some((a) => /^--(campaigns|account|app-installation-id)(=|$)/.test(a));
const campaigns = ownSetup ? [] : ['--campaigns', join(root, 'emulator', 'campaigns.example.toml')];
const args = ['--root', root, '--site-port', '8030', '--api-port', '8031', ...campaigns, ...extra];
const child = spawn(join(root, 'target', 'debug', 'lpmon-emulator'), args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
let announced = false;
child.stdout.on('data', (d) => {
  if (announced) return process.stdout.write(d);
  const line = String(d).split('\n')[0];
  try {
    const { site, api } = JSON.parse(line);
    announced = true;
    console.log(`\nlpmon demo:      ${site}/`);
    console.log(`ES module usage: ${site}/examples/esm.html`);
    console.log(`ops dashboard:   ${site}/dashboard.html`);
    console.log(`emulator API:    ${api}  (control: ${api}/__emulator/stats)`);
    if (campaigns.length) console.log(`campaigns:       ${campaigns[1]}  (funnel: ${api}/__emulator/funnel)`);
    console.log('Ctrl-C to stop.');
  } catch {
    process.stdout.write(d);
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 0));
