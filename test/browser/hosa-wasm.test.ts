/**
 * The zoo model hosa-clive in headless Chromium (WASM): the page decodes each image with a canvas, core composites
 * alpha onto white, onnxruntime-web runs all of HOSA (model.onnx). The scores must equal runtime-node's (sharp, core,
 * onnxruntime-node) within 1e-4, and core's own TypeScript (`scoreHosa`) within 1e-4 (absolute).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseHosaModel, scoreHosa, toRgb } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';
import sharp from 'sharp';
import { skipReason } from './helpers/chromium.js';
import type { TextureSpec } from './helpers/textures.js';
import { type ZooModelSite, openZooModelSite, scoreInChromium } from './helpers/zoo-model-site.js';

const skip = skipReason();
const maybe = skip ? describe.skip : describe;
const MODEL_DIR = resolve('models/hosa-clive');
/** Absolute: HOSA scores are MOS points, so 1e-4 is far below any difference that matters. */
const within = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4;

/**
 * Textures with seeded grain, a blurred copy, and one with a soft alpha gradient (composited onto white in both
 * runtimes).
 */
const TEXTURES: TextureSpec[] = [
  [160, 120, 0, false],
  [97, 131, 2, false],
  [200, 150, 0, true],
];

maybe('hosa-clive in Chromium (WASM)', () => {
  let site: ZooModelSite;
  beforeAll(async () => {
    site = await openZooModelSite(MODEL_DIR, TEXTURES);
  }, 180_000);
  afterAll(async () => {
    await site?.close();
  });

  test('scores equal runtime-node and core within 1e-4', async () => {
    const node = await createScorer(MODEL_DIR, { device: 'cpu' });
    const model = parseHosaModel(JSON.parse(readFileSync(join(MODEL_DIR, 'hosa-model.json'), 'utf8')));
    const names = site.names;
    try {
      const web = await scoreInChromium(site);
      expect(web.device).toBe('wasm');
      const report: Record<string, { chromium: number; node: number; core: number }> = {};
      for (const name of names) {
        const file = join(site.dir, name);
        const fromNode = await node.score(file);
        const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        const rgba = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 4 as const };
        const fromCore = scoreHosa(toRgb(rgba), model);
        report[name] = { chromium: web.scores[name]!, node: fromNode, core: fromCore };
        expect({ name, nodeVsChromium: within(web.scores[name]!, fromNode) }).toEqual({ name, nodeVsChromium: true });
        expect({ name, coreVsOnnx: within(fromNode, fromCore) }).toEqual({ name, coreVsOnnx: true });
      }
      // The images differ, so equal scores are not an accident of a constant output.
      expect(new Set(Object.values(report).map((r) => r.node.toFixed(3))).size).toBe(names.length);
      mkdirSync(resolve('test-output/browser'), { recursive: true });
      writeFileSync(resolve('test-output/browser/hosa-wasm.json'), `${JSON.stringify(report, null, 2)}\n`);
    } finally {
      await node.dispose();
    }
  }, 240_000);
});
