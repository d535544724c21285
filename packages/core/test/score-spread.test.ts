/**
 * Models that predict a score distribution (NIMA): the card's `output.spread`, the run's interleaved score and
 * spread values, the crops' mixture std, and `scoreBatch` entries `{ score, std }`.
 */
import {
  IqaError,
  RunBatcher,
  type TensorData,
  aggregateSpread,
  checkSessionIo,
  interleaveOutputs,
  scorePixelsDetail,
  scorerFromParts,
  validateCard,
  valuesPerItem,
} from '../src/index.js';
import { validCard } from './fixtures/card.js';

function spreadCard() {
  const card = validCard();
  card.output = { ...card.output, scale: 10, offset: -5, spread: { name: 'std', kind: 'std', scale: 10 } };
  return card;
}

describe('card.output.spread', () => {
  it('is optional and, when present, needs a name other than the score output, kind "std" and a positive scale', () => {
    expect(validateCard(spreadCard()).output.spread).toEqual({ name: 'std', kind: 'std', scale: 10 });
    expect(validateCard(validCard()).output.spread).toBeUndefined();
    const bad = spreadCard() as unknown as { output: Record<string, unknown> };
    bad.output.spread = { name: 'score', kind: 'variance', scale: 0 };
    expect(() => validateCard(bad)).toThrow(IqaError);
    expect(() => validateCard(bad)).toThrow(
      new RegExp(
        /card\.output\.spread\.kind: expected one of "std" but received "variance"/.source +
          /[\s\S]*card\.output\.spread\.scale: expected a positive finite number but received 0/.source +
          /[\s\S]*card\.output\.spread\.name: expected an output name other than "score"/.source,
      ),
    );
  });

  it('makes a run return two values per batch item, and the session must have both outputs', () => {
    expect([valuesPerItem(validCard()), valuesPerItem(spreadCard())]).toEqual([1, 2]);
    const session = { inputNames: ['image'], outputNames: ['score'] };
    expect(() => checkSessionIo(session, spreadCard(), 'nima.onnx')).toThrow(
      'Expected input "image" and outputs "score" and "std" (from the card) in nima.onnx ' +
        'but the model has inputs ["image"] and outputs ["score"]',
    );
    expect(() => checkSessionIo({ ...session, outputNames: ['score', 'std'] }, spreadCard(), 'x')).not.toThrow();
  });
});

describe('interleaveOutputs and aggregateSpread', () => {
  it('interleaves score and spread item by item and refuses lengths that differ', () => {
    expect(Array.from(interleaveOutputs(Float32Array.of(1, 2), Float32Array.of(3, 4)))).toEqual([1, 3, 2, 4]);
    expect(() => interleaveOutputs(Float32Array.of(1), Float32Array.of())).toThrow(IqaError);
  });

  it('gives the mean of the crops as the score and the std of the mixture of their distributions', () => {
    // Crops: means 5 and 7, stds 1 and 1 -> mixture mean 6, E[x^2] = ((1 + 25) + (1 + 49)) / 2 = 38, var 2.
    const { score, std } = aggregateSpread([5, 1, 7, 1], spreadCard().output);
    expect(score).toBeCloseTo(6 * 10 - 5, 10);
    expect(std).toBeCloseTo(Math.sqrt(2) * 10, 10);
    // One crop: its own std, scaled; no offset.
    expect(aggregateSpread([3, 0.5], spreadCard().output)).toEqual({ score: 25, std: 5 });
    expect(() => aggregateSpread([3], spreadCard().output)).toThrow('Expected pairs of score and spread outputs');
    expect(() => aggregateSpread([3, 1], validCard().output)).toThrow('Expected a card output with a spread');
  });
});

/** A fake network: per batch row, mean = its first value x 10 and std = 1. */
const fakeRun = async (t: TensorData) => {
  const rows = t.dims[0]!;
  const size = t.data.length / rows;
  const scores = Float32Array.from({ length: rows }, (_, i) => t.data[i * size]! * 10);
  return interleaveOutputs(scores, new Float32Array(rows).fill(1));
};

describe('scoring with a spread', () => {
  const card = spreadCard();
  card.input = { ...card.input, mean: [0, 0, 0], std: [1, 1, 1], minSize: 4, protocol: { kind: 'full' } };
  const grey = (level: number) => ({ data: new Uint8Array(16).fill(level), width: 4, height: 4, channels: 1 as const });

  it('scorePixelsDetail maps the mean and the std through the card', async () => {
    // 51 / 255 = 0.2 -> mean 2 -> score 15; std 1 -> 10.
    const { score, std } = await scorePixelsDetail(card, grey(51), fakeRun);
    expect(score).toBeCloseTo(15, 4);
    expect(std).toBeCloseTo(10, 6);
    await expect(scorePixelsDetail(card, grey(51), async () => Float32Array.of(2))).rejects.toThrow(
      'Expected 2 network outputs (2 per batch item) but received 1',
    );
  });

  it('score() gives the number and scoreBatch() gives { score, std } entries', async () => {
    const batcher = new RunBatcher(fakeRun, { valuesPerItem: 2, maxImages: 4, defer: setImmediate });
    const scorer = scorerFromParts({
      card,
      device: 'cpu' as const,
      decode: async (name: string) => grey(Number(name)),
      run: (t) => batcher.run(t),
      release: async () => {},
    });
    expect(await scorer.score('51')).toBeCloseTo(15, 4);
    const out = await scorer.scoreBatch(['51', '102']);
    expect(out).toEqual([
      { score: expect.closeTo(15, 4), std: expect.closeTo(10, 6) },
      { score: expect.closeTo(35, 4), std: expect.closeTo(10, 6) },
    ]);
  });

  it('RunBatcher hands each merged image its own pairs', async () => {
    const batcher = new RunBatcher(fakeRun, { valuesPerItem: 2, maxImages: 4, defer: setImmediate });
    const t = (v: number, rows: number): TensorData => ({
      data: new Float32Array(rows * 3).fill(v),
      dims: [rows, 3, 1, 1],
    });
    const [a, b] = await Promise.all([batcher.run(t(0.1, 2)), batcher.run(t(0.3, 1))]);
    expect(Array.from(a!)).toEqual([expect.closeTo(1, 5), 1, expect.closeTo(1, 5), 1]);
    expect(Array.from(b!)).toEqual([expect.closeTo(3, 5), 1]);
    expect(batcher.stats).toEqual({ runs: 1, images: 2 });
  });
});
