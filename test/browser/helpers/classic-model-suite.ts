/**
 * The browser test of a classic zoo model whose ONNX graph computes everything from the pixels (BRISQUE, HOSA): its
 * textures scored in headless Chromium (WASM; the page decodes with a canvas, core composites alpha onto white,
 * onnxruntime-web runs model.onnx) equal runtime-node's (sharp, core, onnxruntime-node) within 1e-4, and runtime-node's
 * equal core's own TypeScript implementation within 1e-4 (absolute: scores are MOS points, so 1e-4 is far below any
 * difference that matters); a report of the three per image.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type RawImage, toRgb } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';
import sharp from 'sharp';
import { skipReason } from './chromium.js';
import type { TextureSpec } from './textures.js';
import { type ZooModelSite, openZooModelSite, scoreInChromium } from './zoo-model-site.js';

const within = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4;

/**
 * Registers the suite for `models/<id>`, writing `test-output/browser/<report>.json`. `coreScorer(modelDir)` returns
 * core's TypeScript scorer of an RGB image, built from the model folder's own parameter file.
 *
 * @example
 * describeClassicModelInChromium({ id: 'hosa-clive', textures, report: 'hosa-wasm', coreScorer: (dir) => ... });
 */
export function describeClassicModelInChromium(options: {
  id: string;
  textures: TextureSpec[];
  report: string;
  coreScorer: (modelDir: string) => (rgb: RawImage) => number;
}): void {
  const maybe = skipReason() ? describe.skip : describe;
  const modelDir = resolve('models', options.id);
  maybe(`${options.id} in Chromium (WASM)`, () => {
    let site: ZooModelSite;
    beforeAll(async () => {
      site = await openZooModelSite(modelDir, options.textures);
    }, 180_000);
    afterAll(async () => {
      await site?.close();
    });

    test('scores equal runtime-node and core within 1e-4', async () => {
      const node = await createScorer(modelDir, { device: 'cpu' });
      const scoreInCore = options.coreScorer(modelDir);
      try {
        const web = await scoreInChromium(site);
        expect(web.device).toBe('wasm');
        const report: Record<string, { chromium: number; node: number; core: number }> = {};
        for (const name of site.names) {
          const file = join(site.dir, name);
          const fromNode = await node.score(file);
          const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
          const rgba = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 4 as const };
          const fromCore = scoreInCore(toRgb(rgba));
          report[name] = { chromium: web.scores[name]!, node: fromNode, core: fromCore };
          expect({ name, nodeVsChromium: within(web.scores[name]!, fromNode) }).toEqual({ name, nodeVsChromium: true });
          expect({ name, coreVsOnnx: within(fromNode, fromCore) }).toEqual({ name, coreVsOnnx: true });
        }
        // The images differ, so equal scores are not an accident of a constant output.
        expect(new Set(Object.values(report).map((r) => r.node.toFixed(3))).size).toBe(site.names.length);
        mkdirSync(resolve('test-output/browser'), { recursive: true });
        writeFileSync(resolve(`test-output/browser/${options.report}.json`), `${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await node.dispose();
      }
    }, 240_000);
  });
}
