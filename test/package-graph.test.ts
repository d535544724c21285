/**
 * The package graph (STYLE.md practice 12): every package imports only what its package.json
 * declares, and no two packages depend on each other, directly or through others. Reads every
 * workspace's package.json and every import in packages/<name>/src.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const workspaces = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] })
  .workspaces;
const packages = workspaces.map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest,
}));
const withSource = packages.filter((p) => statSync(join(root, p.dir, 'src'), { throwIfNoEntry: false })?.isDirectory());

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Bare specifiers of static imports and re-exports, `import()` and `require()` calls. */
function importedSpecifiers(source: string): string[] {
  // Comment lines (JSDoc examples name packages a user installs) are not imports.
  const text = source
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
    .join('\n');
  const found = new Set<string>();
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]!);
  return [...found].filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`; null for Node's builtins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const declared = (m: Manifest) =>
  new Set([
    ...Object.keys(m.dependencies ?? {}),
    ...Object.keys(m.peerDependencies ?? {}),
    ...Object.keys(m.optionalDependencies ?? {}),
  ]);

/** A cycle in `edges` as a path `a -> b -> a`, or null. */
function findCycle(edges: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): string[] | null => {
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === 'done') return null;
    state.set(node, 'open');
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    state.set(node, 'done');
    return null;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return null;
}

describe('the package graph', () => {
  test('the helpers find imports, package names and cycles (so the checks below can fail)', () => {
    const text =
      `import a from 'a';\nimport { b } from '@s/b/sub';\nexport * from "c";\nimport 'd';\n` +
      `const e = await import('e');\nrequire('f');\nimport x from './x.js';\n` +
      ` * import * as m from 'doc-only';\n// import('commented');`;
    expect(importedSpecifiers(text).sort()).toEqual(['@s/b/sub', 'a', 'c', 'd', 'e', 'f']);
    expect(['node:fs', 'path', 'fs/promises', '@s/b/sub', 'glob'].map(packageOf)).toEqual([
      null,
      null,
      null,
      '@s/b',
      'glob',
    ]);
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeNull();
  });

  test('every workspace package has src files to check', () => {
    expect(withSource.map((p) => p.manifest.name)).toEqual(
      expect.arrayContaining([
        '@iqa-zoo/core',
        '@iqa-zoo/image-node',
        '@iqa-zoo/train',
        '@iqa-zoo/export',
        '@iqa-zoo/runtime-node',
        '@iqa-zoo/runtime-web',
        '@iqa-zoo/service',
        '@iqa-zoo/queue',
        '@iqa-zoo/cli',
      ]),
    );
  });

  test.each(withSource.map((p) => [p.manifest.name, p] as const))(
    '%s imports only packages its package.json declares',
    (name, { dir, manifest }) => {
      const allowed = declared(manifest);
      const undeclared: string[] = [];
      for (const file of sourceFiles(join(root, dir, 'src'))) {
        for (const spec of importedSpecifiers(readFileSync(file, 'utf8'))) {
          const pkg = packageOf(spec);
          if (pkg !== null && pkg !== name && !allowed.has(pkg)) undeclared.push(`${relative(root, file)}: ${spec}`);
        }
      }
      expect(undeclared).toEqual([]);
    },
  );

  test('no two packages depend on each other, directly or through others', () => {
    const names = new Set(packages.map((p) => p.manifest.name));
    const edges = new Map(
      packages.map((p) => [p.manifest.name, [...declared(p.manifest)].filter((d) => names.has(d))]),
    );
    expect(findCycle(edges)).toBeNull();
  });

  test('core is platform-free: no node: imports, no onnxruntime, no DOM packages', () => {
    const core = packages.find((p) => p.manifest.name === '@iqa-zoo/core')!;
    const platform = sourceFiles(join(root, core.dir, 'src')).flatMap((file) =>
      importedSpecifiers(readFileSync(file, 'utf8'))
        .filter((s) => packageOf(s) === null || s.startsWith('onnxruntime'))
        .map((s) => `${relative(root, file)}: ${s}`),
    );
    expect(platform).toEqual([]);
  });
});
