/**
 * runtime-web from a Vite app (issue 7): packages/runtime-web/test/vite-app imports
 * `@iqa-zoo/runtime-web` as a user would (the package's `exports`, i.e. its built dist/), Vite's
 * `build()` bundles it into a temp folder, and headless Chromium opens the result, served with
 * COOP/COEP. The scores must equal runtime-node's on the same PNG files within 1e-4, with the
 * onnxruntime-web .wasm found the three ways docs/runtime-web.md describes: Vite's own emitted asset
 * (no `wasmPaths`: single-threaded, as runtime-web lowers the thread count without it), the files
 * copied into Vite's `public/ort/` with `wasmPaths: '/ort/'`, and the files imported with `?url`.
 * The bundle must hold no sharp, onnxruntime-node or `node:` imports.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { mulberry32 } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';
import sharp from 'sharp';
import { build, type Rollup } from 'vite';
import { startDemoServer } from '../packages/runtime-web/demo/server.mjs';
import { type Launched, launch, skipReason } from './browser/helpers/chromium.js';
import { within } from './browser/helpers/demo-page.js';
import { createFixtureModel, writeFixtureModelDir } from './helpers/fixture-model.js';

const APP = resolve('packages/runtime-web/test/vite-app');
const WASM = 'ort-wasm-simd-threaded.jsep.wasm';
const MJS = 'ort-wasm-simd-threaded.jsep.mjs';

const skip = skipReason();
const maybe = skip ? describe.skip : describe;

/** Seeded pixels: RGB, or RGBA with an alpha ramp across the width. */
function pixels(width: number, height: number, seed: number, channels: 3 | 4): Uint8Array {
  const rand = mulberry32(seed);
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    for (let c = 0; c < 3; c++) data[i * channels + c] = Math.min(255, ((x + c * 40) * 255) / width / 2 + rand() * 120);
    if (channels === 4) data[i * channels + 3] = (x * 255) / (width - 1);
  }
  return data;
}

interface PageRun {
  state: string;
  text: string;
  device?: string;
  threads?: string;
  reason?: string;
  scores: Record<string, number>;
  /** Paths of every .wasm and .mjs the page (or its workers) requested. */
  wasmRequests: string[];
  errors: string[];
}

maybe('runtime-web bundled by Vite', () => {
  let tmp: string;
  let output: Rollup.RollupOutput;
  let server: { url: string; close(): Promise<void> };
  let browser: Launched;
  const references: Record<string, number> = {};

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'iqa-vite-'));
    // The app resolves the package through its exports (dist/): build it (incremental, under a second when current).
    execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-b', 'packages/runtime-web'], {
      stdio: 'pipe',
    });
    // The documented recipe: onnxruntime-web's .wasm copied into Vite's public folder, under ort/.
    const ortDist = dirname(createRequire(join(APP, 'main.ts')).resolve(`onnxruntime-web/${WASM}`));
    mkdirSync(join(tmp, 'public/ort'), { recursive: true });
    for (const f of [WASM, MJS]) copyFileSync(join(ortDist, f), join(tmp, 'public/ort', f));
    const built = await build({
      root: APP,
      configFile: false,
      logLevel: 'silent',
      publicDir: join(tmp, 'public'),
      build: { outDir: join(tmp, 'site'), emptyOutDir: true },
    });
    output = (Array.isArray(built) ? built[0] : built) as Rollup.RollupOutput;

    const fixture = await createFixtureModel();
    await writeFixtureModelDir(join(tmp, 'model'), fixture);
    mkdirSync(join(tmp, 'images'));
    const scorer = await createScorer(join(tmp, 'model'), { device: 'cpu' });
    for (const [name, w, h, channels] of [
      ['opaque-96x64.png', 96, 64, 3],
      ['alpha-70x90.png', 70, 90, 4],
    ] as const) {
      const file = join(tmp, 'images', name);
      await sharp(pixels(w, h, w * h, channels), { raw: { width: w, height: h, channels } })
        .png()
        .toFile(file);
      references[name] = await scorer.score(file);
    }
    await scorer.dispose();
    server = await startDemoServer({
      port: 0,
      quiet: true,
      mounts: { '/': join(tmp, 'site'), '/fixture/': join(tmp, 'model'), '/images/': join(tmp, 'images') },
    });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens the built app with `params` and waits until it has scored every fixture image (or failed). */
  async function open(params: Record<string, string>): Promise<PageRun> {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const wasmRequests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (/\.(wasm|mjs)$/.test(path)) wasmRequests.push(path);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${new URL(r.url()).pathname}`);
    });
    const images = Object.keys(references)
      .map((n) => `/images/${n}`)
      .join(',');
    await page.goto(`${server.url}?${new URLSearchParams({ model: '/fixture/', images, ...params })}`);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state !== 'loading', null, {
      timeout: 60_000,
    });
    const run = await page.evaluate(() => {
      const s = document.getElementById('status')!;
      const scores = Object.fromEntries(
        [...document.querySelectorAll('#scores li')].map((li) => [
          (li as HTMLElement).dataset.src!.replace('/images/', ''),
          Number((li as HTMLElement).dataset.score),
        ]),
      );
      return {
        state: s.dataset.state!,
        text: s.textContent ?? '',
        device: s.dataset.device,
        threads: s.dataset.threads,
        reason: s.dataset.reason,
        scores,
        coi: self.crossOriginIsolated,
      };
    });
    await page.close();
    expect(run.coi).toBe(params.isolated !== '0');
    return { ...run, wasmRequests, errors };
  }

  function expectReferenceScores(run: PageRun): void {
    expect({ state: run.state, text: run.text, errors: run.errors }).toEqual({
      state: 'done',
      text: expect.any(String),
      errors: [],
    });
    expect(run.device).toBe('wasm');
    for (const [name, reference] of Object.entries(references)) {
      const got = run.scores[name]!;
      expect({ name, got, reference, within: within(got, reference) }).toEqual({ name, got, reference, within: true });
    }
  }

  test(
    'the bundle holds runtime-web, core and onnxruntime-web, ' + 'and no sharp, onnxruntime-node or node: imports',
    () => {
      const chunks = output.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
      const modules = chunks.flatMap((c) => c.moduleIds);
      expect(modules.some((m) => m.endsWith('packages/runtime-web/dist/scorer.js'))).toBe(true);
      expect(modules.some((m) => m.includes('packages/core/dist/'))).toBe(true);
      expect(modules.some((m) => m.endsWith('node_modules/onnxruntime-web/dist/ort.bundle.min.mjs'))).toBe(true);
      expect(modules.filter((m) => /node_modules\/(sharp|onnxruntime-node|@img)\/|^node:|^\0?node:/.test(m))).toEqual(
        [],
      );
      const imports = chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]);
      expect(
        imports.filter((i) => i.startsWith('node:') || /^(fs|path|os|crypto|url|sharp|onnxruntime-node)$/.test(i)),
      ).toEqual([]);
      for (const c of chunks) {
        expect(c.code).not.toMatch(/\bfrom\s*["'](node:|sharp["'])|\bimport\s*\(\s*["'](node:|sharp["'])/);
      }
      // Vite emits onnxruntime-web's .wasm as an asset (its `new URL(..., import.meta.url)`), and public/ort/
      // comes along.
      const assets = output.output.filter((o) => o.type === 'asset').map((o) => o.fileName);
      expect(assets).toContainEqual(expect.stringMatching(/^assets\/ort-wasm-simd-threaded\.jsep-[\w-]+\.wasm$/));
    },
  );

  test("wasmPaths '/ort/' (public/ort/), cross-origin isolated, 2 threads: " +
    "scores equal runtime-node's within 1e-4", async () => {
    const run = await open({ wasmPaths: '/ort/', threads: '2' });
    expectReferenceScores(run);
    expect(run.threads).toBe('2');
    // The loader (.mjs) comes from wasmPaths too, in the page and in the worker thread.
    expect([...new Set(run.wasmRequests)].sort()).toEqual([`/ort/${MJS}`, `/ort/${WASM}`]);
  }, 90_000);

  test("wasmPaths from Vite `?url` imports of onnxruntime-web's .wasm and .mjs, 2 threads: same scores", async () => {
    const run = await open({ wasmPaths: 'url-imports', threads: '2' });
    expectReferenceScores(run);
    expect(run.threads).toBe('2');
    expect(run.wasmRequests.length).toBeGreaterThanOrEqual(2);
    for (const path of run.wasmRequests)
      expect(path).toMatch(/^\/assets\/ort-wasm-simd-threaded\.jsep-[\w-]+\.(wasm|mjs)$/);
    expect(run.wasmRequests.some((p) => p.endsWith('.mjs'))).toBe(true);
  }, 90_000);

  test("no wasmPaths: Vite's emitted .wasm is found; " +
    '2 threads asked on an isolated page are lowered to 1, saying why; same scores', async () => {
    // With threads, onnxruntime-web's workers would load the app's chunk (see docs): runtime-web refuses that.
    const run = await open({ threads: '2' });
    expectReferenceScores(run);
    expect(run.threads).toBe('1');
    expect(run.reason).toMatch(
      /numThreads as requested would be 2, but without wasmPaths for the \.mjs .*pass wasmPaths/,
    );
    expect(run.wasmRequests).toHaveLength(1);
    expect(run.wasmRequests[0]).toMatch(/^\/assets\/ort-wasm-simd-threaded\.jsep-[\w-]+\.wasm$/);
  }, 90_000);
});
