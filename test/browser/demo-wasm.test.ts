/**
 * runtime-web in headless Chromium on WASM: the demo page scores the fixture images, and the
 * scores equal onnxruntime-node + core's within 1e-4, threaded (COOP/COEP) and single-threaded.
 * Every input type gives the same score. A screenshot and the scores go to test-output/browser/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Launched, launch, skipReason } from './helpers/chromium.js';
import { scoreInDemo, within } from './helpers/demo-page.js';
import { type FixtureSite, OUTPUT_DIR, startFixtureSite } from './helpers/fixture-site.js';

const skip = skipReason();
const maybe = skip ? describe.skip : describe;

maybe('runtime-web in Chromium (WASM)', () => {
  let site: FixtureSite;
  let browser: Launched;
  const report: Record<string, unknown> = {};

  beforeAll(async () => {
    site = await startFixtureSite();
    report.reference = Object.fromEntries(site.images.map((i) => [i.name, i.reference]));
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    writeFileSync(join(OUTPUT_DIR, 'wasm.json'), `${JSON.stringify(report, null, 2)}\n`);
    await browser?.close();
    await site?.close();
  });

  test('cross-origin isolated demo page: threaded WASM, scores equal onnxruntime-node within 1e-4', async () => {
    // 2 threads even on a 2-core machine (the default there is min(4, cores / 2) = 1), so the threaded path runs.
    const run = await scoreInDemo(
      browser.context,
      site.demoUrl({ device: 'auto', threads: '2' }),
      site.images.map((i) => i.path),
    );
    report.isolated = { device: run.device, reason: run.reason, threads: run.threads, scores: run.scores };
    expect(run.errors).toEqual([]);
    expect(run.crossOriginIsolated).toBe(true);
    expect(run.device).toBe('wasm');
    expect(run.reason).toMatch(/^auto: no WebGPU .*cross-origin isolated/);
    expect(run.threads).toBe(2);
    for (const img of site.images) {
      const got = run.scores[img.name]!;
      expect({ name: img.name, got, within: within(got, img.reference) }).toEqual({
        name: img.name,
        got,
        within: true,
      });
    }
    await run.page.screenshot({ path: join(OUTPUT_DIR, 'demo-wasm.png'), fullPage: true });
    const bars = await run.page.$$eval('.result .bar span', (els) => els.map((e) => (e as HTMLElement).style.width));
    expect(bars).toHaveLength(site.images.length);
    for (const w of bars) expect(w).toMatch(/^\d+(\.\d+)?%$/);
    await run.page.close();
  }, 240_000);

  test('without COOP/COEP and without a GPU adapter, webgpu falls back to single-threaded WASM, with the same ' +
    'scores', async () => {
    const run = await scoreInDemo(
      browser.context,
      site.demoUrl({ device: 'webgpu', isolated: '0' }),
      site.images.slice(0, 2).map((i) => i.path),
    );
    report.notIsolated = { device: run.device, reason: run.reason, threads: run.threads, scores: run.scores };
    expect(run.errors).toEqual([]);
    expect(run.crossOriginIsolated).toBe(false);
    expect(run.device).toBe('wasm');
    expect(run.threads).toBe(1);
    expect(run.reason).toMatch(
      /^webgpu requested, fell back: no WebGPU .*WASM with 1 thread \(page is not cross-origin isolated/,
    );
    for (const img of site.images.slice(0, 2)) expect(within(run.scores[img.name]!, img.reference)).toBe(true);
    await run.page.close();
  }, 240_000);

  test('the model is cached with the Cache API: a second scorer loads it from the cache', async () => {
    const run = await scoreInDemo(browser.context, site.demoUrl({ device: 'wasm' }), []);
    const out = await run.page.evaluate(async () => {
      const web = await import('/dist/iqa-zoo-web.js' as string);
      const cache = await caches.open('iqa-zoo-models');
      const keys = (await cache.keys()).map((r) => new URL(r.url).pathname);
      const progress: Array<{ phase: string; fromCache: boolean; loaded: number; total?: number }> = [];
      const scorer = await web.createScorer('/fixture/', {
        device: 'wasm',
        onProgress: (p: (typeof progress)[number]) => progress.push(p),
      });
      await scorer.dispose();
      return { keys, last: progress.filter((p) => p.phase === 'model').pop() };
    });
    expect(out.keys).toContain('/fixture/model.onnx');
    expect(out.last).toMatchObject({ fromCache: true });
    expect(out.last!.loaded).toBe(out.last!.total);
    await run.page.close();
  }, 240_000);

  test('every input type (URL, Blob, File, img, canvas, OffscreenCanvas, ImageBitmap, ImageData) gives the same ' +
    'score', async () => {
    const run = await scoreInDemo(browser.context, site.demoUrl({ device: 'wasm' }), []);
    const img = site.images[0]!;
    const scores = await run.page.evaluate(async (src) => {
      type S = {
        score(x: unknown): Promise<number>;
        scoreBatch(x: unknown[]): Promise<Array<{ score?: number; error?: { code: string } }>>;
      };
      const scorer = (window as unknown as { iqaDemo: { scorer: S } }).iqaDemo.scorer;
      const blob = await (await fetch(src)).blob();
      const bitmap = await createImageBitmap(blob);
      const el = new Image();
      el.src = src;
      await el.decode();
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const off = new OffscreenCanvas(bitmap.width, bitmap.height);
      off.getContext('2d')!.drawImage(bitmap, 0, 0);
      const inputs: Record<string, unknown> = {
        url: src,
        URL: new URL(src, location.href),
        Blob: blob,
        File: new File([blob], 'x.png', { type: 'image/png' }),
        HTMLImageElement: el,
        HTMLCanvasElement: canvas,
        OffscreenCanvas: off,
        ImageBitmap: bitmap,
        ImageData: ctx.getImageData(0, 0, canvas.width, canvas.height),
      };
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(inputs)) out[k] = await scorer.score(v);
      const batch = await scorer.scoreBatch([blob, new Blob(['not an image'], { type: 'text/plain' })]);
      return { out, batch: batch.map((b) => b.score ?? b.error?.code) };
    }, `/images/${img.name}`);
    report.inputTypes = scores;
    for (const [kind, s] of Object.entries(scores.out)) {
      expect({ kind, within: within(s, img.reference) }).toEqual({ kind, within: true });
    }
    expect(new Set(Object.values(scores.out)).size).toBe(1);
    expect(scores.batch).toEqual([scores.out.Blob, 'UNSUPPORTED_IMAGE']);
    await run.page.close();
  }, 240_000);
});
