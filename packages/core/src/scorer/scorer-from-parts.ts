import type { ModelCard } from '../card/types.js';
import { IqaError, expected } from '../errors.js';
import { mapLimit } from '../map-limit.js';
import { BufferPool } from '../preprocess/buffer-pool.js';
import type { RawImage } from '../preprocess/raw-image.js';
import type { TensorData } from '../preprocess/to-tensor.js';
import {
  type RunModel,
  type ScoreDetail,
  type ScoreOutcome,
  type Scorer,
  scorePixelsDetail,
  toIqaError,
} from '../scoring.js';

/** Most input buffers a scorer keeps between images. */
const MAX_KEPT_BUFFERS = 4;

/** The platform pieces a runtime hands to `scorerFromParts` (ofetch-style: core imports no platform). */
export interface ScorerParts<TInput, TDevice extends string> {
  /** The model's own card (the scorer's `card`). */
  card: ModelCard;
  /** The card images are cut by (`scoringCard`: crops and seed chosen); default `card`. */
  scoringCard?: ModelCard;
  device: TDevice;
  /** Decodes one input to pixels; its errors reach the caller as they are. */
  decode(input: TInput): Promise<RawImage>;
  /** Runs the network (behind a `RunBatcher`, so runs never overlap on the session). */
  run: RunModel;
  /** Releases the session; called once, by the first `dispose`. */
  release(): Promise<void>;
  /** How many images `scoreBatch` has in flight at once (default 1: one after the other). */
  concurrency?: number;
  /** Names an image in a `scoreBatch` error that carries no code of its own (default `image <i>`). */
  describe?(input: TInput, index: number): string;
  /** Turns an error of preprocessing or the run into what `score` rejects with (default: as it is). */
  runError?(err: unknown, input: TInput): unknown;
}

/**
 * The `Scorer` object both runtimes return: `score` refuses work after `dispose`, decodes, then
 * scores with core's `scorePixels`; `scoreBatch` checks its array and gives one `{ score }` (`{ score, std }` for a
 * card with `output.spread`: the std of the predicted score distribution, the mixture of the crops') or `{ error }`
 * per image (an `IqaError` always); `dispose` releases the session once.
 *
 * @example
 * const scorer = scorerFromParts({ card, device: 'cpu', decode, run: (t) => batcher.run(t), release });
 * const outcomes = await scorer.scoreBatch(['a.jpg', 'b.png']); // [{ score }, { error }]
 */
export function scorerFromParts<TInput, TDevice extends string>(
  parts: ScorerParts<TInput, TDevice>,
): Scorer<TInput, TDevice> {
  const { card, device, decode, run } = parts;
  const scoringCard = parts.scoringCard ?? card;
  const describe = parts.describe ?? ((_: TInput, i: number) => `image ${i}`);
  // Input buffers reused from image to image (docs/speed.md), one per image in flight but at most 4 kept: a
  // 30-crop tensor is 18 MB, and a CUDA scorer has 16 images in flight.
  const pool = new BufferPool(Math.min(MAX_KEPT_BUFFERS, parts.concurrency ?? 1));
  let disposed = false;

  const detail = async (input: TInput): Promise<ScoreDetail> => {
    if (disposed) throw new IqaError('INVALID_ARGUMENT', `Expected a live scorer but "${card.id}" was disposed`);
    const pixels = await decode(input);
    let tensor: TensorData | undefined;
    const runOnce: RunModel = (t) => {
      tensor = t;
      return run(t);
    };
    try {
      return await scorePixelsDetail(scoringCard, pixels, runOnce, pool);
    } catch (err) {
      throw parts.runError ? parts.runError(err, input) : err;
    } finally {
      // The run is over and the score computed: the buffer can take the next image.
      if (tensor) pool.release(tensor.data);
    }
  };

  return {
    card,
    device,
    score: async (input) => (await detail(input)).score,
    async scoreBatch(inputs: readonly TInput[]): Promise<ScoreOutcome[]> {
      if (!Array.isArray(inputs)) throw new TypeError(expected('an array of images', 'inputs', inputs));
      return mapLimit(inputs, parts.concurrency ?? 1, async (input, i): Promise<ScoreOutcome> => {
        try {
          const { score, std } = await detail(input);
          return std === undefined ? { score } : { score, std };
        } catch (err) {
          return { error: toIqaError(err, describe(input, i)) };
        }
      });
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      pool.clear();
      await parts.release();
    },
  };
}
