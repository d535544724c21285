import {
  type CardRanking,
  type CardSpeed,
  IqaError,
  type ModelCard,
  pairText,
  rankingText,
  speedText,
  summariseCard,
  validateCard,
} from '../src/index.js';
import { validCard } from './fixtures/card.js';

const measured = { command: 'node scripts/x.mjs', runtime: 'onnxruntime-node cpu', date: '2026-12-05T00:00:00Z' };

const ranking: CardRanking = {
  set: 'ImageMagick ladders of 14 images',
  images: 182,
  references: 14,
  byType: { blur: { pairs: 140, share: 0.9714 }, jpeg: { pairs: 140, share: 0.8643 } },
  overall: { pairs: 280, share: 0.9179 },
  measured,
};

function speed(runtime: string, image: string, msPerImage: number): CardSpeed {
  return { runtime, image, msPerImage, machine: '2 CPU cores', measured };
}

function richCard(): ModelCard {
  const card = validCard();
  return {
    ...card,
    metrics: [
      { dataset: 'CLIVE', split: '5-fold CV (pooled)', n: 931, folds: 5, srcc: 0.7502, plcc: 0.769, measured },
      ...card.metrics,
    ],
    ranking: [ranking],
    speed: [
      speed('Chromium 131, onnxruntime-web wasm, 1 thread', '500x500', 812.4),
      speed('onnxruntime-node cpu (2 intra-op threads)', '500x500', 54.04),
      speed('onnxruntime-node cpu (2 intra-op threads)', '1080x800', 131.6),
    ],
    training: { ...card.training, wallSeconds: 3497 },
  };
}

describe('summariseCard', () => {
  it('picks the split and k-fold metrics, the first ranking set and the speeds by runtime and size', () => {
    const card = validateCard(richCard());
    const s = summariseCard(card);
    expect(s.split).toBe(card.metrics[1]);
    expect(s.kfold).toMatchObject({ folds: 5, n: 931 });
    expect(s.ranking).toBe(card.ranking![0]);
    expect(Object.keys(s.node).sort()).toEqual(['1080x800', '500x500']);
    expect(s.node['500x500']!.msPerImage).toBe(54.04);
    expect(Object.keys(s.chromium)).toEqual(['500x500']);
    expect(s.trainingMinutes).toBeCloseTo(58.28, 2);
    expect(s.protocol).toMatch(/^mean of \d+ crops \d+px$/);
  });

  it('leaves out what a card does not measure', () => {
    const s = summariseCard(validCard());
    expect(s.kfold).toBeUndefined();
    expect(s.ranking).toBeUndefined();
    expect(s.node).toEqual({});
    expect([pairText(s.kfold), rankingText(s.ranking), speedText(s.node['500x500'])]).toEqual(['-', '-', '-']);
  });

  it('formats the numbers compactly', () => {
    expect(pairText({ srcc: 0.77182, plcc: 0.80096 })).toBe('0.772 / 0.801');
    expect(rankingText(ranking)).toBe('blur 0.97, jpeg 0.86');
    expect(speedText(speed('onnxruntime-node', '500x500', 54.04))).toBe('54.0 ms');
    expect(speedText(speed('onnxruntime-node', '500x500', 376.5))).toBe('377 ms');
  });
});

describe('validateCard: ranking and k-fold metrics', () => {
  it('rejects a share outside 0..1, a fold count below 2 and a ranking without its measurement', () => {
    const bad = richCard() as unknown as Record<string, any>;
    bad.metrics[0].folds = 1;
    bad.ranking[0].byType.jpeg.share = 1.2;
    delete bad.ranking[0].measured;
    let err: unknown;
    try {
      validateCard(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IqaError);
    const message = (err as IqaError).message;
    expect(message).toContain('card.metrics[0].folds: expected an integer >= 2 but received 1');
    expect(message).toContain('card.ranking[0].byType.jpeg.share: expected a finite number >= 0 and <= 1');
    expect(message).toContain('card.ranking[0].measured: expected an object');
  });
});
