import * as tf from '@tensorflow/tfjs';
import { foldIntoScoreLayer, linearFit } from '../../src/training/score-refit.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('linearFit', () => {
  it('recovers an exact line and the least-squares line of noisy points', () => {
    const fit = linearFit([0, 1, 2, 3], [1, 3, 5, 7]);
    expect(fit.scale).toBeCloseTo(2, 12);
    expect(fit.offset).toBeCloseTo(1, 12);
    // y = [0, 2, 1]: mean x 1, mean y 1, sxy = (-1)(-1) + 0 + (1)(0) = 1, sxx = 2.
    expect(linearFit([0, 1, 2], [0, 2, 1])).toEqual({ scale: 0.5, offset: 0.5 });
  });

  it('names what cannot be fitted', () => {
    expect(() => linearFit([1, 1, 1], [0, 1, 2])).toThrow(/every training row scored the same/);
    expect(() => linearFit([1, 2], [0])).toThrow(/received 2 and 1/);
  });
});

describe('foldIntoScoreLayer', () => {
  it('makes the model score scale * s + offset', () => {
    const input = tf.input({ shape: [3] });
    const out = tf.layers.dense({ units: 1, name: 'score', biasInitializer: 'ones' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const x = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 4],
    ]);
    const before = Array.from((model.predict(x) as tf.Tensor).dataSync());
    foldIntoScoreLayer(model, { scale: -3, offset: 0.5 });
    const after = Array.from((model.predict(x) as tf.Tensor).dataSync());
    after.forEach((v, i) => {
      expect(v).toBeCloseTo(-3 * before[i]! + 0.5, 5);
    });
  });
});
