// Short import and export names for the shipped wasm. wasm-opt's
// `--minify-imports-and-exports-and-modules` renames every import (module and name: wasm-bindgen's
// are like `./lpmon_bg.js` / `__wbg_toJson_cdbe6dc4f4273cb9`) and export to one or two letters and
// prints the mapping; this rewrites the wasm-bindgen glue (and its .d.ts) to match. Each name is
// spelled twice in the download (wasm and glue) and the hashes do not compress, so this saves
// about 1 KB gzipped. Anything unexpected in the glue fails the build instead of shipping a
// mismatch.
import { readFileSync, writeFileSync } from 'node:fs';

function fail(message) {
  throw new Error(`short-names: ${message}`);
}

/** The module names of the imports of a wasm binary (its import section, read directly). */
export function importModules(bytes) {
  let at = 8;
  const u32 = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      n |= (b & 0x7f) << shift;
      if (b < 0x80) return n >>> 0;
      shift += 7;
    }
  };
  const name = () => {
    const len = u32();
    const s = Buffer.from(bytes.subarray(at, at + len)).toString('utf8');
    at += len;
    return s;
  };
  const modules = new Set();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        modules.add(name());
        name();
        const kind = bytes[at++];
        if (kind === 0) u32(); // function: type index
        else if (kind === 1) { at++; const flags = u32(); u32(); if (flags & 1) u32(); } // table
        else if (kind === 2) { const flags = u32(); u32(); if (flags & 1) u32(); } // memory
        else if (kind === 3) { at += 2; } // global: type, mutability
        else fail(`import kind ${kind} not understood`);
      }
      return modules;
    }
    at = end;
  }
  return modules;
}

/** Rewrites `glue` (wasm-bindgen's unminified --target web output) for the mapping `map`. */
export function shortenGlue(glue, map, module) {
  const entries = [];
  for (const [from, name, short] of map.imports) {
    if (from === './lpmon_bg.js') {
      const key = new RegExp(`^(\\s+)${name}:`, 'gm');
      const found = glue.match(key);
      if (!found || found.length !== 1) fail(`import ${name}: ${found ? found.length : 0} keys in the glue`);
      glue = glue.replace(key, `$1${short}:`);
    } else {
      // Imported straight from a snippet module: the glue has a namespace import of it.
      const ns = glue.match(new RegExp(`import \\* as (import\\d+) from "${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
      if (!ns) fail(`no namespace import of ${from}`);
      entries.push(`        ${short}: ${ns[1]}.${name},`);
    }
  }
  const head = '    const import0 = {\n        __proto__: null,\n';
  if (!glue.includes(head)) fail('the import object is not where it used to be');
  glue = glue.replace(head, head + entries.map((e) => e + '\n').join(''));
  const modules = /    return \{\n        __proto__: null,\n        "\.\/lpmon_bg\.js": import0,\n(        "[^"]+": import\d+,\n)*    \};/;
  if (!modules.test(glue)) fail('the imports are not returned where they used to be');
  glue = glue.replace(modules, `    return { ${JSON.stringify(module)}: import0 };`);
  const exports = new Map(map.exports);
  glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, name) => {
    if (!exports.has(name)) fail(`the glue uses export ${name}, which the wasm does not have`);
    return `wasm.${exports.get(name)}`;
  });
  return glue;
}

/** Renames the wasm exports in a .d.ts (`readonly NAME:` or `export const NAME:`). */
export function shortenTypes(dts, map) {
  const exports = new Map(map.exports);
  return dts.replace(/^(\s*(?:readonly|export const) )([A-Za-z_$][\w$]*):/gm, (all, lead, name) =>
    exports.has(name) ? `${lead}${exports.get(name)}:` : all);
}

/** Applies the mapping printed by wasm-opt to the glue and type files of a wasm-bindgen package. */
export function shortenPackage({ wasm, glue, types, mapText }) {
  const start = mapText.indexOf('{');
  if (start < 0) fail('wasm-opt printed no mapping');
  const map = JSON.parse(mapText.slice(start));
  const modules = importModules(readFileSync(wasm));
  if (modules.size !== 1) fail(`expected one import module, found ${[...modules].join(', ')}`);
  writeFileSync(glue, shortenGlue(readFileSync(glue, 'utf8'), map, [...modules][0]));
  for (const t of types) writeFileSync(t, shortenTypes(readFileSync(t, 'utf8'), map));
}
