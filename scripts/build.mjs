// Builds the shipped package: wasm (wasm-pack, then wasm-opt from the npm registry), the minified
// ESM glue in pkg/, and the script-tag bundle in dist/. Prints the gzipped sizes.
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { root, run, fail, env } from './tools.mjs';
import { shortenPackage } from './short-names.mjs';
import { stubAllocFailure, NAMED_WASM, NAMED_AGENT_WASM } from './alloc-failure.mjs';
import { zeroDeadData } from './dead-data.mjs';
import { stubNeverCalled } from './never-called.mjs';

const pkg = join(root, 'pkg');
const dist = join(root, 'dist');
// Measured, each: `--flatten --rereloop` before `-Oz` restructures control flow a little smaller;
// `--one-caller-inline-max-function-size=25` keeps larger single-caller functions out of line,
// which makes the binary bigger but compresses ~1 KB better (inlined copies are unique text);
// `--low-memory-unused`: Rust puts the stack first, so addresses below 1024 would be touched only
// by a stack 1 MiB deep; it lets wasm-opt fold constant offsets into loads and stores.
const WASM_OPT_FLAGS = [
  '--flatten', '--rereloop', '-Oz', '-Oz', '--converge', '--one-caller-inline-max-function-size=25',
  '--low-memory-unused', '--strip-target-features', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--strip-debug', '--strip-producers',
];


// A clean build: whatever pkg/ and dist/ held before goes first. A leftover there can change the
// package (a `pkg/.gitignore` from a plain `wasm-pack build` hides pkg/agent/ from `npm pack`) or
// be shipped although nothing built it.
rmSync(pkg, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });

async function step(what, cmd, args) {
  const code = await run(cmd, args);
  if (code !== 0) fail(`${what} failed (exit ${code})`);
}

// wasm-pack must not download anything: no-install mode uses the wasm-bindgen on PATH, and its own
// wasm-opt is disabled (Cargo.toml metadata and --no-opt) in favour of binaryen's from npm.
await step('wasm-pack build', 'wasm-pack', [
  'build', '--target', 'web', '--release', '--mode', 'no-install', '--no-opt', '--no-pack', '--no-gitignore',
  '--out-dir', 'pkg', '--out-name', 'lpmon', '.', '--features', 'tiny',
]);
const wasm = join(pkg, 'lpmon_bg.wasm');
// The monitor's methods are typed by hand (the `Monitor` interface of src/bindings/types.rs): the
// wasm exports them as functions of a handle, which src/bindings/glue.js wraps.
if (!readFileSync(join(pkg, 'lpmon.d.ts'), 'utf8').includes('engage(request?: EngageRequest)')) fail('pkg/lpmon.d.ts: the Monitor interface is missing');
// The allocation-failure path's bodies become `unreachable` (scripts/alloc-failure.mjs), so that
// wasm-opt drops the formatting code only they reach.
const stub = stubAllocFailure(readFileSync(wasm));
if (stub.stubbed.length !== 2) fail(`alloc-failure: expected 2 functions to stub, found ${stub.stubbed.join(', ') || 'none'}`);
writeFileSync(wasm, stub.bytes);
// So do functions that are linked but never run (scripts/never-called.mjs checks why).
function stubUnused(file) {
  let out;
  try { out = stubNeverCalled(readFileSync(file), file); } catch (e) { fail(e.message); }
  if (out.stubbed.length !== 1) fail(`never-called: expected 1 function to stub in ${file}, found ${out.stubbed.join(', ') || 'none'}`);
  writeFileSync(file, out.bytes);
}
stubUnused(wasm);
// wasm-bindgen's module, renamed `raw` for the glue entry (src/bindings/glue.js and
// agent/glue.js) that bundles it: its imports of the primitives' copy (pkg/snippets/) point at
// src/platform/primitives.js (`primitives`, relative to `raw`), which the entry imports too. One
// module instance, so the entry can hand it the wasm's `wake` export.
function rawGlue(file, raw, primitives) {
  const text = readFileSync(file, 'utf8');
  // Only the import statements: the keys of the wasm's import object keep the module's name.
  const snippet = /(from\s*)(["'])\.\/snippets\/[^"']*\/src\/platform\/primitives\.js\2/g;
  if (!text.match(snippet)) fail(`${file}: no import of the snippet primitives.js`);
  // The entry's own init (src/bindings/init.js) uses wasm-bindgen's imports and finishing step.
  const inner = ['__wbg_get_imports', '__wbg_finalize_init'];
  for (const name of inner) if (!text.includes(`function ${name}(`)) fail(`${file}: no ${name} to export`);
  writeFileSync(raw, `${text.replace(snippet, `$1'${primitives}'`)}\nexport { ${inner.join(', ')} };\n`);
  rmSync(file);
  // Nor is initSync offered (init.js): out of the types too.
  const types = file.replace(/\.js$/, '.d.ts');
  const declared = /\nexport type SyncInitInput = [^\n]*\n\n\/\*\*(?:(?!\*\/)[\s\S])*\*\/\nexport function initSync\([^\n]*\n/;
  const dts = readFileSync(types, 'utf8');
  if (!declared.test(dts)) fail(`${types}: initSync's declaration not found`);
  writeFileSync(types, dts.replace(declared, '\n'));
}
// Optimized with names kept (the same code as with --strip-debug), so the symbol check sees what
// ships; the names go in the next run.
await step('wasm-opt', 'wasm-opt', [...WASM_OPT_FLAGS.filter((f) => f !== '--strip-debug'), '--debuginfo', wasm, '-o', wasm]);
// The constants of the code that path alone reached stay in the data section: zeroed
// (scripts/dead-data.mjs).
const dead = zeroDeadData(readFileSync(wasm), wasm);
if (dead.zeroed === 0) fail('dead-data: nothing to zero; the leftovers changed, update scripts/dead-data.mjs');
writeFileSync(wasm, dead.bytes);
copyFileSync(wasm, NAMED_WASM);
// Then imports and exports get one- or two-letter names (a run of its own: --converge would
// repeat the pass); scripts/short-names.mjs rewrites the glue and its types with the mapping.
const features = WASM_OPT_FLAGS.filter((f) => f.startsWith('--enable-'));
const opt = spawnSync('wasm-opt', [...features, '--strip-debug', '--minify-imports-and-exports-and-modules', wasm, '-o', wasm], {
  cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24,
});
if (opt.status !== 0) fail(`wasm-opt failed (exit ${opt.status})`);
shortenPackage({
  wasm, glue: join(pkg, 'lpmon.js'), types: [join(pkg, 'lpmon.d.ts'), join(pkg, 'lpmon_bg.wasm.d.ts')], mapText: opt.stdout,
});
// --bundle pulls the platform's JS primitives (pkg/snippets/) into the glue: one self-contained
// file for pkg/ and dist/. Its entry is src/bindings/glue.js, which makes the monitor object
// around wasm-bindgen's module (renamed lpmon_raw.js until then).
rawGlue(join(pkg, 'lpmon.js'), join(pkg, 'lpmon_raw.js'), '../src/platform/primitives.js');
await step('minify glue', 'esbuild', [join(root, 'src', 'bindings', 'glue.js'), '--bundle', '--minify', '--format=esm', '--target=es2020',
  `--outfile=${join(pkg, 'lpmon.js')}`, '--log-level=warning']);
rmSync(join(pkg, 'lpmon_raw.js'));
rmSync(join(pkg, 'snippets'), { recursive: true, force: true });
// terser after esbuild: its compressor finds what esbuild's minifier leaves (measured: glue 3,368 →
// 3,314 B gzip, loader 3,815 → 3,668 B); default (safe) compress options, two passes, plus
// `unsafe_arrows` (glue 3,327 → 3,307 B, loader 3,668 → 3,665 B): a function expression that uses no
// `this` becomes an arrow, which is unsafe only for one called with `new`, or through its
// `prototype` or `arguments`; neither file does that with a function expression.
async function terser(file, ...flags) {
  await step(`terser ${file}`, 'terser', [file, ...flags, '--compress', 'passes=2,unsafe_arrows=true', '--mangle', '-o', file]);
}
await terser(join(pkg, 'lpmon.js'), '--module', '--ecma', '2020');
// The npm entry: js/index.js with the glue, js/track.js and js/audit.js bundled in (its dynamic
// imports of them become inline), so a page that loads lpmon as ES modules asks for one module and
// the .wasm, as an empty wasm-bindgen module does, instead of four modules and the .wasm.
// Measured in the bench's start-up page (two runs, medians of 40 and 60 fresh loads each): 95.9 and
// 88.1 ms unbundled, 80.5 and 77.0 ms bundled, against 77.2 and 75.5 ms for the empty module. Its
// paths stay right from pkg/: `../pkg/lpmon_bg.wasm` and the agent module, which stays a module of
// its own (agent tools alone load it).
const entry = join(pkg, 'index.js');
await step('bundle npm entry', 'esbuild', [join(root, 'js', 'index.js'), '--bundle', '--minify', '--format=esm', '--target=es2020',
  '--external:../pkg/agent/lpmon_agent.js', `--outfile=${entry}`, '--log-level=warning']);
await terser(entry, '--module', '--ecma', '2020');
const imported = [...readFileSync(entry, 'utf8').matchAll(/\bimport\s*\(\s*(["'])([^"']*)\1/g)].map((m) => m[2]);
if (imported.join() !== '../pkg/agent/lpmon_agent.js') fail(`pkg/index.js imports ${imported.join(', ') || 'nothing'}; only the agent module should stay apart`);

// The agent wasm (feature `agent`, no_std like the consumer's: `tiny`): Visit Information and
// Engagement Activity clients, fetched by js/index.js only when an agent tool first calls them, so
// brand pages never load it.
const agentDir = join(pkg, 'agent');
await step('wasm-pack build (agent)', 'wasm-pack', [
  'build', '--target', 'web', '--release', '--mode', 'no-install', '--no-opt', '--no-pack', '--no-gitignore',
  '--out-dir', 'pkg/agent', '--out-name', 'lpmon_agent', '.', '--features', 'agent,tiny',
]);
const agentWasm = join(agentDir, 'lpmon_agent_bg.wasm');
const agentDts = join(agentDir, 'lpmon_agent.d.ts');
writeFileSync(agentDts, readFileSync(agentDts, 'utf8').replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, ''));
// As for the monitoring wasm: the allocation-failure path stubbed, optimized with names kept for
// the symbol check, then stripped.
const agentStub = stubAllocFailure(readFileSync(agentWasm));
if (agentStub.stubbed.length !== 2) fail(`alloc-failure (agent): expected 2 functions to stub, found ${agentStub.stubbed.join(', ') || 'none'}`);
writeFileSync(agentWasm, agentStub.bytes);
stubUnused(agentWasm);
await step('wasm-opt (agent)', 'wasm-opt', [...WASM_OPT_FLAGS.filter((f) => f !== '--strip-debug'), '--debuginfo', agentWasm, '-o', agentWasm]);
writeFileSync(agentWasm, zeroDeadData(readFileSync(agentWasm), agentWasm).bytes);
copyFileSync(agentWasm, NAMED_AGENT_WASM);
await step('wasm-opt (agent, strip names)', 'wasm-opt', [...features, '--strip-debug', agentWasm, '-o', agentWasm]);
// --bundle: the agent build shares the platform, so its glue imports the same JS primitives.
rawGlue(join(agentDir, 'lpmon_agent.js'), join(agentDir, 'lpmon_agent_raw.js'), '../../src/platform/primitives.js');
await step('minify glue (agent)', 'esbuild', [join(root, 'src', 'bindings', 'agent', 'glue.js'), '--bundle', '--minify', '--format=esm',
  '--target=es2020', `--outfile=${join(agentDir, 'lpmon_agent.js')}`, '--log-level=warning']);
rmSync(join(agentDir, 'lpmon_agent_raw.js'));
rmSync(join(agentDir, 'snippets'), { recursive: true, force: true });

mkdirSync(dist, { recursive: true });
await step('bundle loader', 'esbuild', [join(root, 'js', 'loader.js'), '--bundle', '--minify', '--format=iife',
  '--target=es2017', `--outfile=${join(dist, 'lpmon.js')}`, '--log-level=warning']);
await terser(join(dist, 'lpmon.js'), '--ecma', '2017');
// The debug panel: a file of its own, which the loader imports only in debug mode.
await step('bundle debug panel', 'esbuild', [join(root, 'js', 'debug-panel.js'), '--bundle', '--minify', '--format=esm',
  '--target=es2020', `--outfile=${join(dist, 'lpmon-debug.js')}`, '--log-level=warning']);
// The inline pre-load snippet the README shows (tests/e2e/snippet.test.mjs keeps them identical).
await step('minify snippet', 'esbuild', [join(root, 'js', 'snippet.js'), '--minify', '--target=es2017',
  `--outfile=${join(dist, 'snippet.min.js')}`, '--log-level=warning']);
copyFileSync(join(pkg, 'lpmon.js'), join(dist, 'lpmon_glue.js'));
copyFileSync(wasm, join(dist, 'lpmon_bg.wasm'));

export function sizes() {
  const files = {
    wasm: wasm, glue: join(pkg, 'lpmon.js'), loader: join(dist, 'lpmon.js'), snippet: join(dist, 'snippet.min.js'), entry,
    panel: join(dist, 'lpmon-debug.js'),
    agentWasm, agentGlue: join(agentDir, 'lpmon_agent.js'),
  };
  const out = {};
  for (const [name, path] of Object.entries(files)) {
    const raw = readFileSync(path);
    out[name] = {
      raw: statSync(path).size,
      gzip: gzipSync(raw, { level: 9 }).length,
      brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  }
  out.total = ['raw', 'gzip', 'brotli'].reduce((t, k) => ({ ...t, [k]: out.wasm[k] + out.glue[k] + out.loader[k] }), {});
  return out;
}

const s = sizes();
writeFileSync(join(dist, 'sizes.json'), JSON.stringify(s, null, 2) + '\n');
console.log('lpmon build: bytes      raw    gzip  brotli');
for (const k of ['wasm', 'glue', 'loader', 'total', 'snippet', 'entry', 'panel', 'agentWasm', 'agentGlue']) {
  if (k === 'entry') console.log('  npm entry (pkg/index.js: the glue inside; with the wasm, what an ESM page loads):');
  if (k === 'panel') console.log('  debug panel (dist/lpmon-debug.js, loaded in debug mode only):');
  if (k === 'agentWasm') console.log('  agent side (pkg/agent/, loaded on first agent call only):');
  console.log(`  ${k.padEnd(9)} ${String(s[k].raw).padStart(8)} ${String(s[k].gzip).padStart(7)} ${String(s[k].brotli).padStart(7)}`);
}
