/**
 * The browser test of a zoo patch model (CNNIQA, WaDIQaM-NR): its textures scored in headless Chromium (WASM, the page
 * decodes with a canvas, core cuts the patches, onnxruntime-web runs the model, core aggregates) equal runtime-node's
 * (sharp, core, onnxruntime-node) within 1e-4 (absolute: scores are MOS points); a report of both per image.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createScorer } from '@iqa-zoo/runtime-node';
import { skipReason } from './chromium.js';
import type { TextureSpec } from './textures.js';
import { type ZooModelSite, openZooModelSite, scoreInChromium } from './zoo-model-site.js';

const within = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4;

/**
 * Registers the suite for `models/<id>`, writing `test-output/browser/<report>.json`; `reason` is a text the scorer's
 * device reason must contain (the protocol in words), if given.
 *
 * @example
 * describePatchModelInChromium({ id: 'cnniqa-clive', textures: [[160, 120, 0, false]], report: 'cnniqa-wasm' });
 */
export function describePatchModelInChromium(options: {
  id: string;
  textures: TextureSpec[];
  report: string;
  reason?: string;
}): void {
  const maybe = skipReason() ? describe.skip : describe;
  const modelDir = resolve('models', options.id);
  maybe(`${options.id} in Chromium (WASM)`, () => {
    let site: ZooModelSite;
    beforeAll(async () => {
      site = await openZooModelSite(modelDir, options.textures, 60);
    }, 180_000);
    afterAll(async () => {
      await site?.close();
    });

    test('scores equal runtime-node within 1e-4', async () => {
      const node = await createScorer(modelDir, { device: 'cpu' });
      try {
        const web = await scoreInChromium(site);
        expect(web.device).toBe('wasm');
        if (options.reason) expect(web.reason).toContain(options.reason);
        const report: Record<string, { chromium: number; node: number }> = {};
        for (const name of site.names) {
          const fromNode = await node.score(join(site.dir, name));
          report[name] = { chromium: web.scores[name]!, node: fromNode };
          expect({ name, nodeVsChromium: within(web.scores[name]!, fromNode) }).toEqual({
            name,
            nodeVsChromium: true,
          });
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
