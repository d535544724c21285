#!/usr/bin/env node
// Fails when a line of TypeScript or JavaScript source is over MAX_LINE characters (issue 19). Biome's
// formatter wraps code at the same width (biome.jsonc's lineWidth) but never splits a string, a template
// or a comment, so those are checked here.
//   node scripts/check-line-length.mjs    (part of `npm run lint`)
// Prints `path:line: N characters (max 120)` for each such line and exits 1 if there is any.
// The files: those git tracks and the untracked ones it does not ignore (as biome sees them), less the
// generated ones biome skips too.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MAX_LINE = 120;

export const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** Generated files, which biome.jsonc excludes too: the model packages' index.js / index.d.ts, build output. */
export const GENERATED = [/^models\/[^/]+\/index\.(js|d\.ts)$/, /(^|\/)dist\//];

// Path prefixes the check skips. Empty: since the last pass over packages/core, train, export, runtime-node,
// runtime-web and test/browser (issue 19) the check covers the whole repository. Add nothing here: split the
// string or rewrap the comment instead.
export const ALLOWED_PREFIXES = [];

/**
 * The paths (relative, `/`-separated) this check reads: sources by extension, less generated files
 * and the paths under `allowed` (default ALLOWED_PREFIXES, which is empty).
 *
 * @example
 * sourcePaths(['a.ts', 'README.md', 'models/x/index.js']); // ['a.ts']
 */
export function sourcePaths(paths, allowed = ALLOWED_PREFIXES) {
  return paths.filter(
    (p) =>
      EXTENSIONS.some((ext) => p.endsWith(ext)) &&
      !GENERATED.some((re) => re.test(p)) &&
      !allowed.some((prefix) => p.startsWith(prefix)),
  );
}

/**
 * The lines of `files` (relative to `root`) longer than `max` characters (Unicode code points), in
 * file order. A listed file that no longer exists (deleted, not yet committed) is skipped.
 *
 * @example
 * longLines(['src/a.ts'], { root: '/repo' }); // [{ path: 'src/a.ts', line: 12, length: 131 }]
 */
export function longLines(files, { root = process.cwd(), max = MAX_LINE } = {}) {
  const found = [];
  for (const file of files) {
    const full = path.join(root, file);
    if (!existsSync(full)) continue;
    readFileSync(full, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const length = [...text.replace(/\r$/, '')].length;
        if (length > max) found.push({ path: file, line: i + 1, length });
      });
  }
  return found;
}

/** The files git tracks under `root` and the untracked ones it does not ignore. */
export function gitFiles(root) {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.split('\0').filter(Boolean))];
}

/** `path:line: N characters (max M)`, one line per finding. */
export function formatFindings(found, max = MAX_LINE) {
  return found.map((f) => `${f.path}:${f.line}: ${f.length} characters (max ${max})\n`).join('');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const found = longLines(sourcePaths(gitFiles(root)), { root });
  process.stdout.write(formatFindings(found));
  if (found.length > 0) {
    process.stderr.write(
      `${found.length} line(s) over ${MAX_LINE} characters: split the string or rewrap the comment\n`,
    );
    process.exit(1);
  }
}
