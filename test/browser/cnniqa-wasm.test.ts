/**
 * The zoo model cnniqa-clive in headless Chromium (WASM): the page decodes each image with a canvas, core composites
 * alpha onto white and cuts the grey, locally contrast-normalised 32x32 patches, onnxruntime-web runs CNNIQA
 * (model.onnx) on them. The scores must equal runtime-node's (sharp, core, onnxruntime-node) within 1e-4 (absolute:
 * scores are MOS points). One image is smaller than a patch (upscaled by core, as the card says).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createScorer } from '@iqa-zoo/runtime-node';
import { skipReason } from './helpers/chromium.js';
import type { TextureSpec } from './helpers/textures.js';
import { type ZooModelSite, openZooModelSite, scoreInChromium } from './helpers/zoo-model-site.js';

const maybe = skipReason() ? describe.skip : describe;
const MODEL_DIR = resolve('models/cnniqa-clive');
const within = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4;

/** Textures of several grids (5x3, 3x4 blurred, 7x5 with alpha, 1 upscaled from 20x28). */
const TEXTURES: TextureSpec[] = [
  [160, 120, 0, false],
  [97, 131, 2, false],
  [240, 170, 0, true],
  [20, 28, 0, false],
];

maybe('cnniqa-clive in Chromium (WASM)', () => {
  let site: ZooModelSite;
  beforeAll(async () => {
    site = await openZooModelSite(MODEL_DIR, TEXTURES, 60);
  }, 180_000);
  afterAll(async () => {
    await site?.close();
  });

  test('scores equal runtime-node within 1e-4', async () => {
    const node = await createScorer(MODEL_DIR, { device: 'cpu' });
    try {
      const web = await scoreInChromium(site);
      expect(web.device).toBe('wasm');
      expect(web.reason).toContain('every 32px patch');
      const report: Record<string, { chromium: number; node: number }> = {};
      for (const name of site.names) {
        const fromNode = await node.score(join(site.dir, name));
        report[name] = { chromium: web.scores[name]!, node: fromNode };
        expect({ name, nodeVsChromium: within(web.scores[name]!, fromNode) }).toEqual({ name, nodeVsChromium: true });
      }
      // The images differ, so equal scores are not an accident of a constant output.
      expect(new Set(Object.values(report).map((r) => r.node.toFixed(3))).size).toBe(site.names.length);
      mkdirSync(resolve('test-output/browser'), { recursive: true });
      writeFileSync(resolve('test-output/browser/cnniqa-wasm.json'), `${JSON.stringify(report, null, 2)}\n`);
    } finally {
      await node.dispose();
    }
  }, 240_000);
});
