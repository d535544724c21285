/**
 * The line-length check (scripts/check-line-length.mjs, run by `npm run lint`): it finds a line over
 * 120 characters and only such lines, and skips what it should, so the check itself can fail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALLOWED_PREFIXES, formatFindings, longLines, MAX_LINE, sourcePaths } from '../scripts/check-line-length.mjs';

describe('check-line-length', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'line-length-'));
    mkdirSync(join(dir, 'src'));
    const long = `const s = '${'x'.repeat(MAX_LINE)}';`;
    writeFileSync(join(dir, 'src/long.ts'), `// short\n${long}\nconst ok = 1;\n`);
    writeFileSync(join(dir, 'src/short.mjs'), `export const a = '${'y'.repeat(MAX_LINE - 20)}';\r\n`);
    // Exactly the limit passes; a character made of two UTF-16 units counts once.
    writeFileSync(join(dir, 'src/edge.ts'), `${'z'.repeat(MAX_LINE)}\n${'😀'.repeat(MAX_LINE)}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reports the long line with its path, line number and length, and no other', () => {
    const found = longLines(['src/long.ts', 'src/short.mjs', 'src/edge.ts', 'src/deleted.ts'], { root: dir });
    const length = `const s = '${'x'.repeat(MAX_LINE)}';`.length;
    expect(found).toEqual([{ path: 'src/long.ts', line: 2, length }]);
    expect(formatFindings(found)).toBe(`src/long.ts:2: ${length} characters (max 120)\n`);
  });

  test('a lower limit finds the shorter lines too', () => {
    expect(longLines(['src/short.mjs'], { root: dir, max: 50 }).map((f) => f.path)).toEqual(['src/short.mjs']);
  });

  test('reads sources only, not generated files, and every path unless an allow-list is given', () => {
    const paths = [
      'scripts/a.mjs',
      'packages/cli/src/b.ts',
      'packages/cli/dist/b.js',
      'models/brisque-clive/index.js',
      'models/brisque-clive/index.d.ts',
      'README.md',
      'test/c.test.ts',
      'test/browser/d.test.ts',
      'packages/core/src/e.ts',
    ];
    expect(sourcePaths(paths)).toEqual([
      'scripts/a.mjs',
      'packages/cli/src/b.ts',
      'test/c.test.ts',
      'test/browser/d.test.ts',
      'packages/core/src/e.ts',
    ]);
    expect(sourcePaths(paths, ['test/browser/', 'packages/core/'])).toEqual([
      'scripts/a.mjs',
      'packages/cli/src/b.ts',
      'test/c.test.ts',
    ]);
    // The whole repository is checked (issue 19): the allow-list is empty and stays so.
    expect(ALLOWED_PREFIXES).toEqual([]);
  });
});
