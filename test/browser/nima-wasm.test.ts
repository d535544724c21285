/**
 * The zoo model nima-mobilenetv2-clive in headless Chromium (WASM): the page decodes each image with a canvas and
 * runtime-web's scoreBatch gives { score, std } (the card's 30 crops; the std is that of the mixture of the crops'
 * predicted distributions). Both must equal runtime-node's (sharp, core, onnxruntime-node) within 1e-4.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createScorer } from '@iqa-zoo/runtime-node';
import { skipReason } from './helpers/chromium.js';
import type { TextureSpec } from './helpers/textures.js';
import { type ZooModelSite, openZooModelSite } from './helpers/zoo-model-site.js';

const skip = skipReason();
const maybe = skip ? describe.skip : describe;
const MODEL_DIR = resolve('models/nima-mobilenetv2-clive');
/** Absolute or relative: scores and stds are MOS points. */
const within = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));

/** Textures with seeded grain, a blurred copy, and one with a soft alpha gradient (composited onto white in both). */
const TEXTURES: TextureSpec[] = [
  [260, 240, 0, false],
  [231, 297, 2, false],
  [300, 250, 0, true],
];

type Outcome = { score?: number; std?: number; error?: unknown };

/** Scores every texture in a page with runtime-web's scoreBatch on WASM. */
async function scoreBatchInChromium(site: ZooModelSite): Promise<{ device: string; outcomes: Outcome[] }> {
  const page = await site.browser.context.newPage();
  try {
    await page.goto(`${site.server.url}/images/${site.names[0]}`);
    return await page.evaluate(async (files) => {
      const lib = await import('/dist/iqa-zoo-web.js' as string);
      const scorer = await lib.createScorer('/model/', { device: 'wasm', cache: false });
      const outcomes = (await scorer.scoreBatch(files.map((f: string) => `/images/${f}`))) as Outcome[];
      const out = { device: scorer.device as string, outcomes: outcomes.map((o) => ({ score: o.score, std: o.std })) };
      await scorer.dispose();
      return out;
    }, site.names);
  } finally {
    await page.close();
  }
}

maybe('nima-mobilenetv2-clive in Chromium (WASM)', () => {
  let site: ZooModelSite;
  beforeAll(async () => {
    site = await openZooModelSite(MODEL_DIR, TEXTURES);
  }, 180_000);
  afterAll(async () => {
    await site?.close();
  });

  test('score and std equal runtime-node within 1e-4', async () => {
    const node = await createScorer(MODEL_DIR, { device: 'cpu' });
    try {
      const web = await scoreBatchInChromium(site);
      expect(web.device).toBe('wasm');
      const fromNode = await node.scoreBatch(site.names.map((n) => join(site.dir, n)));
      const report: Record<string, { chromium: Outcome; node: Outcome }> = {};
      site.names.forEach((name, i) => {
        const c = web.outcomes[i]!;
        const n = fromNode[i]!;
        report[name] = { chromium: c, node: { score: n.score, std: n.std } };
        expect({ name, score: within(c.score!, n.score!), std: within(c.std!, n.std!) }).toEqual({
          name,
          score: true,
          std: true,
        });
      });
      // The images differ, so equal numbers are not an accident of a constant output.
      expect(new Set(fromNode.map((o) => o.score!.toFixed(3))).size).toBe(site.names.length);
      expect(fromNode.every((o) => o.std! > 0)).toBe(true);
      mkdirSync(resolve('test-output/browser'), { recursive: true });
      writeFileSync(resolve('test-output/browser/nima-wasm.json'), `${JSON.stringify(report, null, 2)}\n`);
    } finally {
      await node.dispose();
    }
  }, 300_000);
});
