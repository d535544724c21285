import type { CardOutput, ModelCard } from './card/types.js';
import { IqaError } from './errors.js';
import { type TensorData, preprocess } from './preprocess/to-tensor.js';
import type { RawImage } from './preprocess/raw-image.js';

/** One result of `scoreBatch`: a score, or the error that image caused. Never both. */
export type ScoreOutcome = { score: number; error?: undefined } | { score?: undefined; error: IqaError };

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
  /** Scores many images; one bad image gives an `{ error }` entry and never fails the batch. */
  scoreBatch(inputs: readonly TInput[]): Promise<ScoreOutcome[]>;
  /** Releases the inference session. */
  dispose(): Promise<void>;
}

/** Runs the network on an NCHW float32 batch and returns one raw output per batch item. */
export type RunModel = (input: TensorData) => Promise<Float32Array>;

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
  const tensor = preprocess(image, card.input);
  const raw = await run(tensor);
  if (raw.length !== tensor.dims[0]) {
    throw new IqaError(
      'INTERNAL',
      `Expected ${tensor.dims[0]} network outputs (one per batch item) but received ${raw.length}`,
    );
  }
  return aggregateScore(raw, card.output);
}

/** Wraps any thrown value as an `IqaError` so batch results always carry a code. */
export function toIqaError(err: unknown, context?: string): IqaError {
  if (err instanceof IqaError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof TypeError || err instanceof RangeError ? 'INVALID_ARGUMENT' : 'INTERNAL';
  return new IqaError(code, context ? `${context}: ${message}` : message, { cause: err });
}
