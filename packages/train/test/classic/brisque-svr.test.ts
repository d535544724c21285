import { type BrisqueModel, brisqueFeatures, brisqueScore, parseBrisqueModel, scoreBrisque } from '@iqa-zoo/core';
import { addNoise, boxBlur, texturedImage } from '../../../core/test/fixtures/brisque-images.js';
import { fitSvr } from '../../src/classic/index.js';

/** 36 small images, blurred (radius 0..2) and noisy (amplitude 0..50) to different degrees, with a made-up MOS. */
function distortedSet(seed0: number): { images: ReturnType<typeof texturedImage>[]; mos: number[] } {
  const images = [];
  const mos = [];
  for (let i = 0; i < 36; i++) {
    const blur = i % 3;
    const noise = 10 * (Math.floor(i / 3) % 6);
    let img = texturedImage(48, 40, seed0 + i);
    if (blur > 0) img = boxBlur(img, blur);
    if (noise > 0) img = addNoise(img, noise, seed0 + i);
    images.push(img);
    mos.push(80 - 15 * blur - 0.6 * noise);
  }
  return { images, mos };
}

describe('BRISQUE SVR model as data', () => {
  it('scores like LIBSVM itself after a JSON round trip (1e-9)', () => {
    const train = distortedSet(100);
    const test = distortedSet(500);
    const rows = train.images.map((im) => Array.from(brisqueFeatures(im)));
    const fitted = fitSvr(rows, train.mos, { C: 64, gamma: 0.05, epsilon: 1 });
    const file = JSON.stringify({
      format: 'iqa-zoo/brisque-svr',
      version: 1,
      features: 'brisque-36',
      ...fitted.model,
    } satisfies BrisqueModel);
    const model = parseBrisqueModel(JSON.parse(file));
    const testRows = test.images.map((im) => Array.from(brisqueFeatures(im)));
    const theirs = fitted.libsvmPredict(testRows);
    fitted.dispose();
    testRows.forEach((row, i) => {
      expect(Math.abs(brisqueScore(row, model) - theirs[i]!)).toBeLessThan(1e-9);
    });
    expect(scoreBrisque(test.images[0]!, model)).toBe(brisqueScore(testRows[0]!, model));
    // The model learned something about the distortions: predictions rise with the made-up MOS.
    const hi = test.images.filter((_, i) => test.mos[i]! >= 60).map((im) => scoreBrisque(im, model));
    const lo = test.images.filter((_, i) => test.mos[i]! <= 30).map((im) => scoreBrisque(im, model));
    expect(Math.min(...hi)).toBeGreaterThan(Math.max(...lo));
  });
});
