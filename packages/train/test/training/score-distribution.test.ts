import * as tf from '@tensorflow/tfjs';
import {
  distributionMeans,
  distributionOutput,
  emdLoss,
  normalCdf,
  scoreDistribution,
} from '../../src/training/score-distribution.js';
import { DistributionMoments, distributionMoments } from '../../src/networks/distribution-moments.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('normalCdf', () => {
  it('matches the standard normal CDF to 6 digits (scipy.stats.norm.cdf)', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.841344746, 6);
    expect(normalCdf(-1.96)).toBeCloseTo(0.024997895, 6);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 6);
  });
});

describe('scoreDistribution', () => {
  it('bins N(50, 10) on 0-100 into 10 bins: symmetric, (Phi(1) - Phi(0)) / (Phi(5) - Phi(-5)) in bins 5 and 6', () => {
    const p = scoreDistribution(50, 10, 10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(p[4]).toBeCloseTo(0.341344746 / 0.999999427, 5);
    expect(p[5]).toBeCloseTo(p[4]!, 6);
    expect(p[3]).toBeCloseTo((0.977249868 - 0.841344746) / 0.999999427, 5);
    for (let i = 0; i < 5; i++) expect(p[i]).toBeCloseTo(p[9 - i]!, 6);
    // Its mean over bins 1..10 is 5.5, which the card maps back to MOS 50.
    const { scale, offset } = distributionOutput(10);
    expect(distributionMeans(p, 10)[0]! * scale + offset).toBeCloseTo(50, 4);
  });

  it('renormalises the mass left outside [0, 100]: a MOS near the top puts most in bin 10 and sums to 1', () => {
    const p = scoreDistribution(95, 20, 10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Math.max(...p)).toBe(p[9]);
    // Truncated at 100, the distribution's mean sits below the MOS.
    expect(distributionMeans(p, 10)[0]! * 10 - 5).toBeLessThan(95);
  });

  it('puts all mass in the MOS bin for a std of 0, clamped to the first and last bins', () => {
    expect(Array.from(scoreDistribution(42, 0, 10))).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(scoreDistribution(100, 0, 10)[9]).toBe(1);
    expect(scoreDistribution(-3, 0, 10)[0]).toBe(1);
  });

  it('refuses a negative or missing std', () => {
    expect(() => scoreDistribution(50, -1, 10)).toThrow(/Expected a finite MOS and std >= 0 but received 50 and -1/);
    expect(() => scoreDistribution(50, Number.NaN, 10)).toThrow(RangeError);
  });
});

describe('distributionOutput', () => {
  it('maps bin i to its centre on 0-100: mean 1 -> 5, mean 10 -> 95', () => {
    const { scale, offset } = distributionOutput(10);
    expect([1 * scale + offset, 10 * scale + offset]).toEqual([5, 95]);
    expect(distributionOutput(5)).toEqual({ scale: 20, offset: -10 });
  });
});

describe('emdLoss', () => {
  it('is sqrt(mean of squared CDF differences), averaged over the batch', () => {
    // CDFs [1, 1] vs [0, 1] -> sqrt(1 / 2).
    const a = emdLoss(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]])).dataSync()[0]!;
    expect(a).toBeCloseTo(Math.SQRT1_2, 5);
    // K = 3: CDFs [0.2, 0.5, 1] and [0.5, 0.5, 1] differ by 0.3 in one bin -> sqrt(0.09 / 3); a same row adds ~0.
    const b = emdLoss(
      tf.tensor2d([
        [0.2, 0.3, 0.5],
        [0.1, 0.2, 0.7],
      ]),
      tf.tensor2d([
        [0.5, 0, 0.5],
        [0.1, 0.2, 0.7],
      ]),
    ).dataSync()[0]!;
    expect(b).toBeCloseTo(Math.sqrt(0.09 / 3) / 2, 5);
  });

  it('has a finite gradient that lowers the loss', () => {
    const logits = tf.variable(tf.tensor2d([[0.3, -0.2, 0.1, 0.5]]));
    const target = tf.tensor2d([[0.7, 0.2, 0.1, 0]]);
    const loss = () => emdLoss(tf.softmax(logits), target);
    const before = loss().dataSync()[0]!;
    const { grads } = tf.variableGrads(loss);
    const g = grads[logits.name]!.dataSync();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    logits.assign(tf.sub(logits, tf.mul(0.5, grads[logits.name]!)) as tf.Tensor2D);
    expect(loss().dataSync()[0]!).toBeLessThan(before);
  });
});

describe('DistributionMoments', () => {
  it('gives the mean and std over bins 1..K', () => {
    const [mean, std] = distributionMoments(
      tf.tensor2d([
        [0, 1, 0],
        [0.5, 0, 0.5],
        [0.25, 0.25, 0.5],
      ]),
    );
    expect(Array.from(mean.dataSync())).toEqual([2, 2, 2.25]);
    // Row 3: E[i^2] = 0.25 + 1 + 4.5 = 5.75, minus 2.25^2 = 5.0625 -> 0.6875.
    const s = std.dataSync();
    expect([s[0], s[1]]).toEqual([0, 1]);
    expect(s[2]).toBeCloseTo(Math.sqrt(0.6875), 6);
  });

  it('is a layer with two [N, 1] outputs that survives serialisation by className', async () => {
    const input = tf.input({ shape: [4] });
    const outputs = new DistributionMoments({ name: 'moments' }).apply(input) as tf.SymbolicTensor[];
    expect(outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, 1],
    ]);
    const model = tf.model({ inputs: input, outputs });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.getLayer('moments').getClassName()).toBe('DistributionMoments');
    const out = loaded.predict(tf.tensor2d([[0.1, 0.2, 0.3, 0.4]])) as tf.Tensor[];
    expect(out[0]!.dataSync()[0]).toBeCloseTo(3, 6);
    expect(out[1]!.dataSync()[0]).toBeCloseTo(1, 6);
  });
});
