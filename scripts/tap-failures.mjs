// The failed tests of a `node --test` TAP file, for the end of `npm test`'s output: CI shows
// the tail of a run, and there a failing test's name alone does not say what went wrong.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Up to `max` failures in the TAP file at `path`, each as lines: the test's suite path and
 * location, then the first `errorLines` lines of its error. Suites that failed only because a
 * test in them did are left out. [] when the file is missing. */
export function tapFailures(path, { root = process.cwd(), max = 10, errorLines = 8 } = {}) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n');
  const names = [];
  const found = [];
  let more = 0;
  for (let i = 0; i < lines.length; i++) {
    const sub = lines[i].match(/^( *)# Subtest: (.*)$/);
    if (sub) {
      const depth = sub[1].length / 4;
      names.length = depth;
      names.push(sub[2]);
      continue;
    }
    const bad = lines[i].match(/^( *)not ok \d+ - (.*?)(?: # .*)?$/);
    if (!bad) continue;
    const pad = bad[1] + '  ';
    const block = [];
    for (let j = i + 2; j < lines.length && lines[j] !== pad + '...'; j++) block.push(lines[j].slice(pad.length));
    const field = (key) => block.find((l) => l.startsWith(key + ': '))?.slice(key.length + 2);
    if (field('failureType') === "'subtestsFailed'") continue;
    if (found.length >= max) {
      more++;
      continue;
    }
    const title = [...names.slice(0, bad[1].length / 4), bad[2]].join(' › ');
    const location = (field('location') ?? '').replace(/^'|'$/g, '');
    const out = [`✖ ${title}${location ? ` (${relative(root, location)})` : ''}`];
    out.push(...errorOf(block).slice(0, errorLines).map((l) => '    ' + l));
    found.push(out);
  }
  if (more) found.push([`… and ${more} more failed (test-output/*.tap has them all)`]);
  return found;
}

/** The `error:` field of a test's YAML block: a quoted scalar or a `|-` block. */
function errorOf(block) {
  const at = block.findIndex((l) => l.startsWith('error: '));
  if (at < 0) return [];
  const value = block[at].slice('error: '.length);
  if (!value.startsWith('|')) return [value.replace(/^'|'$/g, '').replace(/''/g, "'")];
  const text = [];
  for (let j = at + 1; j < block.length && (block[j].startsWith('  ') || block[j] === ''); j++) text.push(block[j].slice(2));
  return text;
}
