// Runs before `npm pack` and `npm publish` (package.json "prepack"): the package goes out whole
// or not at all. npm honours a .gitignore or .npmignore inside a folder it packs, and a plain
// `wasm-pack build` leaves `pkg/.gitignore` ("*"), which silently drops pkg/agent/ from the
// tarball. Such files in the build's output folders are leftovers, so they go; then every file
// package.json `files` names must be there.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, fail } from './tools.mjs';

const IGNORE_FILES = new Set(['.gitignore', '.npmignore']);

/** Removes ignore files anywhere under `dir`; returns their paths (relative to the root). */
export function removeIgnoreFiles(dir) {
  const removed = [];
  if (!existsSync(dir)) return removed;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removed.push(...removeIgnoreFiles(path));
    else if (IGNORE_FILES.has(entry.name)) {
      rmSync(path);
      removed.push(relative(root, path));
    }
  }
  return removed;
}

/** The entries of package.json `files` that are not on disk (entries are plain paths, no globs). */
export function missingFiles() {
  const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return files.filter((f) => !existsSync(join(root, f)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const removed = ['pkg', 'dist'].flatMap((d) => removeIgnoreFiles(join(root, d)));
  if (removed.length) console.error(`prepack: removed build leftovers that would hide files from npm: ${removed.join(', ')}`);
  const missing = missingFiles();
  if (missing.length) fail(`prepack: package.json "files" names files that are missing (run npm run build): ${missing.join(', ')}`);
}
