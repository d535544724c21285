#!/usr/bin/env node
// Builds the scoring packages (@iqa-zoo/core, image-node, runtime-node) of an older commit into a folder of their
// own, so a benchmark can time the old and the new code in one process (scripts/bench-paths.mjs --old DIR).
// DIR (default: the system's temporary folder, iqa-zoo-old-<commit>) is outside the repository, so jest never sees
// a second copy of the packages. DIR/node_modules links every package of this repository's node_modules
// (onnxruntime-node, sharp, typescript, the model packages) except those three, which resolve to the old build.
// Prints DIR; exits non-zero if git or tsc fails.
// Usage: node scripts/bench-old-build.mjs [--commit HEAD] [--out DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({ options: { commit: { type: 'string', default: 'HEAD' }, out: { type: 'string' } } });
const sha = execFileSync('git', ['rev-parse', '--short', a.commit]).toString().trim();
const out = path.resolve(a.out ?? path.join(os.tmpdir(), `iqa-zoo-old-${sha}`));
const repo = process.cwd();
if (`${out}${path.sep}`.startsWith(`${repo}${path.sep}`))
  throw new Error(`Expected --out outside the repository (jest would find the old packages) but received ${out}`);
const packages = ['core', 'image-node', 'runtime-node'];
rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'node_modules', '@iqa-zoo'), { recursive: true });
const tar = execFileSync('git', ['archive', a.commit, 'tsconfig.base.json', ...packages.map((p) => `packages/${p}`)]);
execFileSync('tar', ['-x', '-C', out], { input: tar });
const modules = path.join(repo, 'node_modules');
for (const name of readdirSync(modules)) {
  if (name !== '@iqa-zoo' && name !== '.bin')
    symlinkSync(path.join(modules, name), path.join(out, 'node_modules', name));
}
for (const name of readdirSync(path.join(modules, '@iqa-zoo'))) {
  const target = packages.includes(name) ? path.join(out, 'packages', name) : path.join(modules, '@iqa-zoo', name);
  symlinkSync(target, path.join(out, 'node_modules', '@iqa-zoo', name));
}
const tsc = path.join(modules, 'typescript', 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-b', ...packages.map((p) => `packages/${p}`)], { cwd: out, stdio: 'inherit' });
console.log(`built ${packages.join(', ')} of ${a.commit} (${sha}) into ${out}`);
