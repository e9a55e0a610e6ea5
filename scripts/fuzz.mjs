// `npm run fuzz`: the long fuzzing pass. Coverage-guided libFuzzer targets (fuzz/, built with
// cargo-fuzz on the stable toolchain: RUSTC_BOOTSTRAP lets it pass libFuzzer's flags, and no
// sanitizer is needed for panics) plus the property tests with many more cases than `npm test`
// runs. Usage: node scripts/fuzz.mjs [--runs N] [--cases N]   (defaults: 1,000,000 and 20,000)
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, capture, run, tee, env, fail } from './tools.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg('--runs', 1_000_000);
const cases = arg('--cases', 20_000);
const targets = ['json', 'answer', 'sde', 'stored'];
const fuzzEnv = { env: { ...env, RUSTC_BOOTSTRAP: '1' } };

if (capture('cargo', ['fuzz', '--version']).code !== 0) {
  console.log('fuzz: installing cargo-fuzz (once)');
  if ((await run('cargo', ['install', 'cargo-fuzz', '--locked'])) !== 0 && (await run('cargo', ['install', 'cargo-fuzz'])) !== 0) {
    fail('could not install cargo-fuzz');
  }
}

const results = [];
for (const t of targets) {
  const corpus = join(root, 'fuzz', 'corpus', t);
  mkdirSync(corpus, { recursive: true });
  // Seeds: small hand-made inputs and the JSON examples of the source documents.
  cpSync(join(root, 'fuzz', 'seeds'), corpus, { recursive: true });
  for (const f of readdirSync(join(root, 'src', 'core', 'agent', 'fixtures'))) {
    cpSync(join(root, 'src', 'core', 'agent', 'fixtures', f), join(corpus, f));
  }
  const started = Date.now();
  const { code, out } = await tee('cargo', ['fuzz', 'run', '--sanitizer', 'none', '-O', t, corpus, '--',
    `-runs=${runs}`, '-max_len=8192', '-print_final_stats=1'], { ...fuzzEnv, cwd: root });
  const done = out.match(/Done (\d+) runs in (\d+) second/);
  results.push({ target: t, ok: code === 0, runs: done ? Number(done[1]) : 0, seconds: done ? Number(done[2]) : Math.round((Date.now() - started) / 1000) });
}

console.log(`\n=== property tests, ${cases} cases each`);
const t0 = Date.now();
const prop = await tee('cargo', ['test', '--lib', 'fuzz_tests'], { env: { ...env, PROPTEST_CASES: String(cases) } });
results.push({ target: `proptest (6 properties x ${cases})`, ok: prop.code === 0, runs: 6 * cases, seconds: Math.round((Date.now() - t0) / 1000) });

console.log('\n=== fuzz summary');
for (const r of results) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.target.padEnd(32)} ${String(r.runs).padStart(10)} inputs in ${r.seconds}s`);
const total = results.reduce((n, r) => n + r.runs, 0);
console.log(`${total} inputs in total`);
mkdirSync(join(root, 'test-output'), { recursive: true });
writeFileSync(join(root, 'test-output', 'fuzz.json'), JSON.stringify(results, null, 2) + '\n');
process.exit(results.every((r) => r.ok) ? 0 : 1);
