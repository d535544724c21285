import { IqaError, aggregateScore, isIqaError, scorePixels, toIqaError } from '../src/index.js';
import type { RawImage, TensorData } from '../src/index.js';
import { validCard } from './fixtures/card.js';

function grey(width: number, height: number, value: number): RawImage {
  return { data: new Uint8Array(width * height).fill(value), width, height, channels: 1 };
}

describe('aggregateScore', () => {
  it('averages the crops, then applies scale and offset', () => {
    // mean(0.2, 0.4, 0.9) = 0.5; 0.5 * 100 - 5 = 45
    expect(aggregateScore([0.2, 0.4, 0.9], { scale: 100, offset: -5 })).toBeCloseTo(45, 12);
    expect(aggregateScore(new Float32Array([3]), { scale: -2, offset: 10 })).toBe(4);
  });

  it('refuses no outputs and non-finite scores with IqaError INTERNAL', () => {
    for (const raw of [[], [1, Number.NaN], [Infinity]]) {
      let err: unknown;
      try {
        aggregateScore(raw, { scale: 1, offset: 0 });
      } catch (e) {
        err = e;
      }
      expect(isIqaError(err, 'INTERNAL')).toBe(true);
    }
  });
});

describe('scorePixels', () => {
  it('runs the model on the crops tensor and maps the mean output through the card', async () => {
    const card = validCard();
    card.input = { ...card.input, minSize: 8, protocol: { kind: 'crops', count: 3, size: 8, seed: 4 } };
    card.output = { ...card.output, scale: 10, offset: 1 };
    const seen: TensorData[] = [];
    const score = await scorePixels(card, grey(16, 12, 128), async (t) => {
      seen.push(t);
      return new Float32Array([0.1, 0.2, 0.6]);
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.dims).toEqual([3, 3, 8, 8]);
    expect(seen[0]!.data.length).toBe(3 * 3 * 8 * 8);
    // grey 128 in the red plane: (128/255 - 0.485)/0.229
    expect(seen[0]!.data[0]).toBeCloseTo((128 / 255 - 0.485) / 0.229, 5);
    // mean 0.3 * 10 + 1 = 4
    expect(score).toBeCloseTo(4, 6);
  });

  it('passes [1, 3, H, W] for the full protocol', async () => {
    const card = validCard();
    card.input = { ...card.input, minSize: 4, protocol: { kind: 'full' } };
    let dims: number[] = [];
    const score = await scorePixels(card, grey(6, 5, 0), async (t) => {
      dims = t.dims;
      return new Float32Array([0.5]);
    });
    expect(dims).toEqual([1, 3, 5, 6]);
    expect(score).toBeCloseTo(50, 6);
  });

  it('rejects a bad image before running the model', async () => {
    let calls = 0;
    const run = async (): Promise<Float32Array> => {
      calls++;
      return new Float32Array([1]);
    };
    const bad: RawImage = { data: new Uint8Array(5), width: 2, height: 2, channels: 1 };
    await expect(scorePixels(validCard(), bad, run)).rejects.toMatchObject({ name: 'IqaError', code: 'INVALID_IMAGE' });
    expect(calls).toBe(0);
  });

  it('refuses a run that returns a different number of outputs than crops', async () => {
    const card = validCard();
    card.input = { ...card.input, minSize: 8, protocol: { kind: 'crops', count: 4, size: 8, seed: 0 } };
    await expect(scorePixels(card, grey(8, 8, 9), async () => new Float32Array([0.5]))).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'Expected 4 network outputs (one per batch item) but received 1',
    });
  });
});

describe('toIqaError', () => {
  it('returns an IqaError unchanged', () => {
    const err = new IqaError('MODEL_NOT_FOUND', 'gone');
    expect(toIqaError(err, 'ignored')).toBe(err);
  });

  it('maps TypeError and RangeError to INVALID_ARGUMENT, keeping the cause', () => {
    const cause = new RangeError('Expected positive integer for width but received -1');
    const err = toIqaError(cause, 'photo.jpg');
    expect(err).toBeInstanceOf(IqaError);
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe('photo.jpg: Expected positive integer for width but received -1');
    expect(err.cause).toBe(cause);
    expect(toIqaError(new TypeError('bad')).code).toBe('INVALID_ARGUMENT');
  });

  it('maps other errors and thrown non-errors to INTERNAL', () => {
    expect(toIqaError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
    expect(toIqaError('just a string', 'ctx')).toMatchObject({ code: 'INTERNAL', message: 'ctx: just a string' });
  });
});
