#!/usr/bin/env node
/**
 * Builds the browser ESM bundle of @iqa-zoo/runtime-web into dist/browser/:
 *   iqa-zoo-web.js                       the package with @iqa-zoo/core and onnxruntime-web inside
 *   ort-wasm-simd-threaded.jsep.wasm     onnxruntime-web's WebAssembly (WASM and WebGPU backends)
 *   ort-wasm-simd-threaded.jsep.mjs      its loader, for pages that set `wasmPaths` to this folder
 * onnxruntime-web looks for the .wasm next to the bundle (import.meta.url) unless `wasmPaths` says otherwise.
 *
 * Usage: node packages/runtime-web/scripts/build-browser.mjs [--outdir DIR]
 * As a module: `await buildBrowser({ outdir })` returns esbuild's metafile.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repo = resolve(pkgDir, '../..');

/** The onnxruntime-web files that must be served next to the bundle (or under `wasmPaths`). */
export const ORT_FILES = ['ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs'];

/** Bundles src/index.ts for browsers and copies the onnxruntime-web runtime files beside it. */
export async function buildBrowser({
  outdir = join(pkgDir, 'dist/browser'),
  minify = true,
  logLevel = 'warning',
} = {}) {
  await mkdir(outdir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(pkgDir, 'src/index.ts')],
    outfile: join(outdir, 'iqa-zoo-web.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    metafile: true,
    logLevel,
    alias: { '@iqa-zoo/core': join(repo, 'packages/core/src/index.ts') },
    // src/ort-env.ts: in this bundle onnxruntime-web's worker threads load the bundle itself, which is safe.
    define: { __IQA_ZOO_PREBUILT__: 'true' },
  });
  const require = createRequire(join(pkgDir, 'package.json'));
  const ortDist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
  await Promise.all(ORT_FILES.map((f) => copyFile(join(ortDist, f), join(outdir, f))));
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? resolve(process.argv[at + 1]) : undefined;
  const meta = await buildBrowser({ outdir, logLevel: 'info' });
  console.log(
    `built ${Object.keys(meta.outputs)
      .filter((f) => f.endsWith('.js'))
      .join(', ')} + ${ORT_FILES.join(', ')}`,
  );
}
