/**
 * @iqa-zoo/core must run unchanged in Node and in browsers: no `node:*` or Node built-ins,
 * no onnxruntime, no DOM globals. This test reads the sources (it may use node:fs itself).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const coreDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(coreDir, 'src');
const deps = Object.keys(
  (JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {},
);

const NODE_BUILTINS = [
  'fs',
  'path',
  'url',
  'os',
  'crypto',
  'buffer',
  'stream',
  'util',
  'worker_threads',
  'child_process',
  'zlib',
  'http',
  'https',
  'events',
  'module',
  'process',
];
const FORBIDDEN_GLOBALS = [
  'document',
  'window',
  'HTMLImageElement',
  'HTMLCanvasElement',
  'OffscreenCanvas',
  'navigator',
  'Buffer',
  'process',
  'require',
  '__dirname',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Removes comments, so documentation may mention `window` or `node:*`. */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

function importSpecifiers(code: string): string[] {
  const patterns = [
    /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
  ];
  return patterns.flatMap((re) => Array.from(code.matchAll(re), (m) => m[1]!));
}

/** What is wrong with one source text: forbidden imports and DOM/Node globals. */
function problems(code: string): string[] {
  const clean = stripComments(code);
  const out: string[] = [];
  for (const spec of importSpecifiers(clean)) {
    if (spec.startsWith('node:') || NODE_BUILTINS.includes(spec)) out.push(`imports ${spec}`);
    else if (spec.includes('onnxruntime')) out.push(`imports ${spec}`);
    else if (!spec.startsWith('.') && !deps.includes(spec)) out.push(`imports ${spec}, not a dependency of core`);
  }
  for (const name of FORBIDDEN_GLOBALS)
    if (new RegExp(`(?<![\\w.'"])${name}\\b(?!['"])`).test(clean)) out.push(`uses ${name}`);
  if (/onnxruntime/.test(clean)) out.push('mentions onnxruntime in code');
  return out;
}

describe('core is platform-free', () => {
  const files = sourceFiles(srcDir);

  it('finds the sources', () => {
    expect(files.map((f) => relative(srcDir, f))).toEqual(
      expect.arrayContaining(['index.ts', 'errors.ts', 'preprocess/to-tensor.ts', 'metrics/logistic.ts']),
    );
  });

  it.each(files.map((f) => [relative(srcDir, f), f]))('%s has no node:, onnxruntime or DOM', (_name, file) => {
    expect(problems(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the check itself catches each kind of violation', () => {
    expect(problems(`import { readFileSync } from 'node:fs';`)).toEqual(['imports node:fs']);
    expect(problems(`import * as ort from 'onnxruntime-web';`)).toContain('imports onnxruntime-web');
    expect(problems(`const m = await import('fs');`)).toEqual(['imports fs']);
    expect(problems(`const c = document.createElement('canvas');`)).toEqual(['uses document']);
    expect(problems(`export const ok = img instanceof HTMLImageElement;`)).toEqual(['uses HTMLImageElement']);
    expect(problems(`const w = window.innerWidth;`)).toEqual(['uses window']);
    expect(problems(`import sharp from 'sharp';`)).toEqual(['imports sharp, not a dependency of core']);
    // documentation may name them
    expect(
      problems(`/** no DOM: no document, no window, no onnxruntime */\n// node:fs is not used\nexport const x = 1;`),
    ).toEqual([]);
  });
});
