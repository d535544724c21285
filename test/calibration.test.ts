/**
 * Calibration (pyiqa-style): every zoo model scores its committed calibration images as recorded
 * when it was added, in runtime-node; runtime-web gives the same scores on the same pixels.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { parseZooIndex, validateCard } from '@iqa-zoo/core';
import { createScorer as createNodeScorer } from '@iqa-zoo/runtime-node';
import { createScorer as createWebScorer } from '@iqa-zoo/runtime-web';

const MODELS = path.resolve('models');
const index = parseZooIndex(JSON.parse(readFileSync(path.join(MODELS, 'index.json'), 'utf8')));

interface Calibration {
  model: string;
  tolerance: number;
  images: Array<{ file: string; score: number }>;
}

describe.each(index.models)('zoo model %s', (id) => {
  const dir = path.join(MODELS, id);
  const calibrationFile = path.join(dir, 'calibration.json');

  it('has a valid card whose files exist', () => {
    const card = validateCard(JSON.parse(readFileSync(path.join(dir, 'card.json'), 'utf8')));
    expect(card.id).toBe(id);
    expect(existsSync(path.join(dir, card.files.onnx.path))).toBe(true);
    expect(existsSync(calibrationFile)).toBe(true);
  });

  it('reproduces its calibration scores in runtime-node and runtime-web', async () => {
    const calibration = JSON.parse(readFileSync(calibrationFile, 'utf8')) as Calibration;
    expect(calibration.images.length).toBeGreaterThanOrEqual(4);
    const node = await createNodeScorer(id, { device: 'cpu' });
    const card = node.card;
    const onnx = new Uint8Array(readFileSync(path.join(dir, card.files.onnx.path)));
    // The card's protocol in both: runtime-web on WASM would otherwise take the card's fast preset.
    const web = await createWebScorer({ card, onnx }, { device: 'wasm', preset: 'default' });
    try {
      for (const { file, score } of calibration.images) {
        const image = path.join(dir, 'calibration', file);
        const fromNode = await node.score(image);
        expect(Math.abs(fromNode - score)).toBeLessThanOrEqual(calibration.tolerance);
        const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        const fromWeb = await web.score({ data: new Uint8Array(data), width: info.width, height: info.height });
        expect(Math.abs(fromWeb - fromNode)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(fromNode)));
      }
      // The calibration set spans distortions: scores must not be constant.
      const scores = calibration.images.map((i) => i.score);
      expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(1);
    } finally {
      await node.dispose();
      await web.dispose();
    }
  }, 300_000);
});
