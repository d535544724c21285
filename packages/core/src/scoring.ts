import type { CardOutput, ModelCard } from './card/types.js';
import { IqaError } from './errors.js';
import type { BufferPool } from './preprocess/buffer-pool.js';
import { type TensorData, preprocess } from './preprocess/to-tensor.js';
import type { RawImage } from './preprocess/raw-image.js';

/**
 * One result of `scoreBatch`: a score, or the error that image caused. Never both. A model whose card has
 * `output.spread` (it predicts a score distribution, as NIMA) also gives `std`, the standard deviation of the
 * image's predicted distribution on the score's scale.
 */
export type ScoreOutcome =
  | { score: number; std?: number; error?: undefined }
  | { score?: undefined; std?: undefined; error: IqaError };

/** One image's score and, for a card with `output.spread`, its predicted distribution's standard deviation. */
export interface ScoreDetail {
  score: number;
  std?: number;
}

/**
 * The public shape shared by `@iqa-zoo/runtime-node` and `@iqa-zoo/runtime-web`.
 * Each runtime fixes `TInput` (what it can decode) and `TDevice` (where it runs).
 */
export interface Scorer<TInput, TDevice extends string = string> {
  /** The model card of the loaded model. */
  readonly card: ModelCard;
  /** The device that actually runs the model (after any fallback). */
  readonly device: TDevice;
  /** Scores one image on the card's output scale; rejects with an `IqaError` for a bad image. */
  score(input: TInput): Promise<number>;
  /**
   * Scores many images; one bad image gives an `{ error }` entry and never fails the batch. For a model whose card
   * has `output.spread` (NIMA) each entry is `{ score, std }`: the mean and standard deviation of its prediction.
   */
  scoreBatch(inputs: readonly TInput[]): Promise<ScoreOutcome[]>;
  /** Releases the inference session. */
  dispose(): Promise<void>;
}

/**
 * Runs the network on an NCHW float32 batch and returns its raw outputs item by item: one per batch item, or for a
 * card with `output.spread` two (the score output, then the spread output: `[s0, d0, s1, d1, ...]`).
 */
export type RunModel = (input: TensorData) => Promise<Float32Array>;

/** Raw values `RunModel` returns per batch item for this card: 2 with `output.spread` or `output.weight`, else 1. */
export function valuesPerItem(card: Pick<ModelCard, 'output'>): number {
  return card.output.spread || card.output.weight ? 2 : 1;
}

/**
 * The ONNX output a runtime reads beside the score, interleaved item by item (`interleaveOutputs`): a distribution
 * model's spread (NIMA) or a patch model's weights (WaDIQaM-NR); undefined for a model with one output.
 */
export function secondOutputName(card: Pick<ModelCard, 'output'>): string | undefined {
  return card.output.spread?.name ?? card.output.weight?.name;
}

/**
 * Interleaves a model's score output and spread output item by item (`[s0, d0, s1, d1, ...]`), as `RunModel`
 * returns them for a card with `output.spread`.
 */
export function interleaveOutputs(score: Float32Array, spread: Float32Array): Float32Array {
  if (score.length !== spread.length) {
    throw new IqaError(
      'INTERNAL',
      `Expected one spread value per score but received ${spread.length} for ${score.length} scores`,
    );
  }
  const out = new Float32Array(score.length * 2);
  for (let i = 0; i < score.length; i++) {
    out[2 * i] = score[i]!;
    out[2 * i + 1] = spread[i]!;
  }
  return out;
}

/**
 * One image's score and spread from its crops' interleaved raw means and standard deviations: the score is the mean
 * of the crops' means (as `aggregateScore`), the spread the standard deviation of the mixture of the crops'
 * distributions, sqrt(mean(std_k^2 + mean_k^2) - mean^2), times `spread.scale`.
 */
export function aggregateSpread(raw: ArrayLike<number>, output: CardOutput): Required<ScoreDetail> {
  const spread = output.spread;
  if (!spread) throw new IqaError('INTERNAL', 'Expected a card output with a spread but it has none');
  if (raw.length === 0 || raw.length % 2 !== 0)
    throw new IqaError('INTERNAL', `Expected pairs of score and spread outputs but received ${raw.length} values`);
  const n = raw.length / 2;
  let sum = 0;
  let second = 0;
  for (let i = 0; i < n; i++) {
    const m = raw[2 * i]!;
    const d = raw[2 * i + 1]!;
    sum += m;
    second += d * d + m * m;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, second / n - mean * mean)) * spread.scale;
  const score = mean * output.scale + output.offset;
  if (!Number.isFinite(score) || !Number.isFinite(std))
    throw new IqaError('INTERNAL', `Expected a finite score and std but the network produced ${score} and ${std}`);
  return { score, std };
}

/**
 * One image's score from its patches' interleaved raw scores and weights (`[q0, w0, q1, w1, ...]`, WaDIQaM-NR's
 * weighted-average aggregation): sum(w_i q_i) / sum(w_i), then `scale`/`offset`. Weights must be positive (the
 * network adds a small epsilon to a ReLU).
 *
 * @example
 * aggregateWeighted([1, 3, 2, 1], { scale: 1, offset: 0 }); // (1 * 3 + 2 * 1) / 4 = 1.25
 */
export function aggregateWeighted(raw: ArrayLike<number>, output: Pick<CardOutput, 'scale' | 'offset'>): number {
  if (raw.length === 0 || raw.length % 2 !== 0)
    throw new IqaError(
      'INTERNAL',
      `Expected pairs of patch score and weight outputs but received ${raw.length} values`,
    );
  let num = 0;
  let den = 0;
  for (let i = 0; i < raw.length; i += 2) {
    num += raw[i]! * raw[i + 1]!;
    den += raw[i + 1]!;
  }
  const score = (num / den) * output.scale + output.offset;
  if (!(den > 0) || !Number.isFinite(score))
    throw new IqaError('INTERNAL', `Expected positive patch weights and a finite score but received ${den}, ${score}`);
  return score;
}

/** Maps raw network outputs for one image's crops to its score: mean, then `scale`/`offset`. */
export function aggregateScore(raw: ArrayLike<number>, output: Pick<CardOutput, 'scale' | 'offset'>): number {
  if (raw.length === 0) throw new IqaError('INTERNAL', 'Expected at least one network output but received none');
  let sum = 0;
  for (let i = 0; i < raw.length; i++) sum += raw[i]!;
  const score = (sum / raw.length) * output.scale + output.offset;
  if (!Number.isFinite(score))
    throw new IqaError('INTERNAL', `Expected a finite score but the network produced ${score}`);
  return score;
}

/**
 * Preprocesses pixels as the card says (NCHW pixels, or a classic model's features), runs the network and
 * aggregates to a score.
 * Runtimes pass their own `run`; this is the one place the scoring protocol lives.
 *
 * @example
 * const score = await scorePixels(card, rgba, (t) => runOnnx(session, t));
 */
export async function scorePixels(card: ModelCard, image: RawImage, run: RunModel): Promise<number> {
  return (await scorePixelsDetail(card, image, run)).score;
}

/**
 * As `scorePixels`, with the standard deviation of the predicted distribution for a card with `output.spread`.
 * With `pool`, the input tensor's buffer comes from it (`preprocess`); the caller gives it back after the run.
 *
 * @example
 * const { score, std } = await scorePixelsDetail(card, rgba, (t) => runOnnx(session, t)); // std: NIMA's spread
 */
export async function scorePixelsDetail(
  card: ModelCard,
  image: RawImage,
  run: RunModel,
  pool?: BufferPool,
): Promise<ScoreDetail> {
  const tensor = preprocess(image, card.input, pool);
  const raw = await run(tensor);
  const per = valuesPerItem(card);
  if (raw.length !== tensor.dims[0] * per) {
    throw new IqaError(
      'INTERNAL',
      `Expected ${tensor.dims[0] * per} network outputs (${per === 1 ? 'one' : per} per batch item) ` +
        `but received ${raw.length}`,
    );
  }
  if (card.output.weight) return { score: aggregateWeighted(raw, card.output) };
  return per === 2 ? aggregateSpread(raw, card.output) : { score: aggregateScore(raw, card.output) };
}

/** Wraps any thrown value as an `IqaError` so batch results always carry a code. */
export function toIqaError(err: unknown, context?: string): IqaError {
  if (err instanceof IqaError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof TypeError || err instanceof RangeError ? 'INVALID_ARGUMENT' : 'INTERNAL';
  return new IqaError(code, context ? `${context}: ${message}` : message, { cause: err });
}
