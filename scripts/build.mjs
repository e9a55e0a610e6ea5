// Builds the shipped package: wasm (wasm-pack, then wasm-opt from the npm registry), the minified
// ESM glue in pkg/, and the script-tag bundle in dist/. Prints the gzipped sizes.
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { root, run, fail } from './tools.mjs';

const pkg = join(root, 'pkg');
const dist = join(root, 'dist');
const WASM_OPT_FLAGS = [
  '-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--strip-debug', '--strip-producers',
];

async function step(what, cmd, args) {
  const code = await run(cmd, args);
  if (code !== 0) fail(`${what} failed (exit ${code})`);
}

// wasm-pack must not download anything: no-install mode uses the wasm-bindgen on PATH, and its own
// wasm-opt is disabled (Cargo.toml metadata and --no-opt) in favour of binaryen's from npm.
await step('wasm-pack build', 'wasm-pack', [
  'build', '--target', 'web', '--release', '--mode', 'no-install', '--no-opt', '--no-pack',
  '--out-dir', 'pkg', '--out-name', 'lpmon', '.', '--features', 'tiny',
]);
const wasm = join(pkg, 'lpmon_bg.wasm');
// Every field of an engage request is optional, so the request is too (wasm-bindgen has no
// attribute for an optional JsValue parameter that costs nothing in the .wasm).
const dts = join(pkg, 'lpmon.d.ts');
// `[Symbol.dispose]` needs TypeScript 5.2 with lib esnext: left out so older set-ups type-check.
const typed = readFileSync(dts, 'utf8').replace('engage(request: EngageRequest)', 'engage(request?: EngageRequest)')
  .replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/m, '');
if (!typed.includes('engage(request?: EngageRequest)')) fail('pkg/lpmon.d.ts: the engage signature changed; update build.mjs');
writeFileSync(dts, typed);
await step('wasm-opt', 'wasm-opt', [...WASM_OPT_FLAGS, wasm, '-o', wasm]);
await step('minify glue', 'esbuild', [join(pkg, 'lpmon.js'), '--minify', '--format=esm', '--target=es2020',
  '--allow-overwrite', `--outfile=${join(pkg, 'lpmon.js')}`, '--log-level=warning']);

mkdirSync(dist, { recursive: true });
await step('bundle loader', 'esbuild', [join(root, 'js', 'loader.js'), '--bundle', '--minify', '--format=iife',
  '--target=es2017', `--outfile=${join(dist, 'lpmon.js')}`, '--log-level=warning']);
// The inline pre-load snippet the README shows (tests/e2e/snippet.test.mjs keeps them identical).
await step('minify snippet', 'esbuild', [join(root, 'js', 'snippet.js'), '--minify', '--target=es2017',
  `--outfile=${join(dist, 'snippet.min.js')}`, '--log-level=warning']);
copyFileSync(join(pkg, 'lpmon.js'), join(dist, 'lpmon_glue.js'));
copyFileSync(wasm, join(dist, 'lpmon_bg.wasm'));

export function sizes() {
  const files = { wasm: wasm, glue: join(pkg, 'lpmon.js'), loader: join(dist, 'lpmon.js'), snippet: join(dist, 'snippet.min.js') };
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
for (const k of ['wasm', 'glue', 'loader', 'total', 'snippet']) {
  console.log(`  ${k.padEnd(8)} ${String(s[k].raw).padStart(8)} ${String(s[k].gzip).padStart(7)} ${String(s[k].brotli).padStart(7)}`);
}
