import {
  type ModelCard,
  type ProtocolChoice,
  RunBatcher,
  type Scorer,
  type TensorData,
  checkScorerOptions,
  checkSessionIo,
  float32Output,
  interleaveOutputs,
  secondOutputName,
  valuesPerItem,
  scorerFromParts,
  scoringChoice,
  toIqaError,
} from '@iqa-zoo/core';
import * as ort from 'onnxruntime-node';
import { type NodeImageInput, describeInput, readImageInput } from '../image/input.js';
import { type ModelDtype, type ModelSourceOptions, loadModel } from '../model/load-model.js';
import { type NodeDevice, type ResolvedDevice, defaultIntraOpThreads, openSession } from './session.js';

/** Options of `createScorer`; where a zoo id is looked up and how it is downloaded: see `loadModel`. */
export interface NodeScorerOptions extends ModelSourceOptions, ProtocolChoice {
  /** `auto` (default) tries CUDA, then CPU with one warning; `cuda` fails if CUDA is missing. */
  device?: NodeDevice;
  /**
   * onnxruntime intra-op threads; default the chosen preset's `threads`, else the card's `runtime.threads`,
   * else one per available core (`defaultIntraOpThreads`); 0 lets onnxruntime choose.
   */
  threads?: number;
  /** `fp16` loads the card's `onnxFp16` variant, `q8` its int8 `onnxQ8`. */
  dtype?: ModelDtype;
  /**
   * `fast`: score as the card's `presets.fast` says (fewer crops and/or another dtype, measured:
   * docs/speed.md); `crops`/`dtype` given here win. Default `default`: the card's protocol.
   */
  preset?: 'default' | 'fast';
  /**
   * Most images merged into one `session.run` when `score` calls overlap (1: never merge).
   * Default: see `DEFAULT_BATCHING`.
   */
  maxBatch?: number;
  /** Most batch rows (crops) in one merged `session.run`. Default: see `DEFAULT_BATCHING`. */
  maxBatchItems?: number;
  /** Images with more pixels are refused before decoding (default: sharp's 268 MP). */
  maxPixels?: number;
  /** Largest encoded stream read, in bytes. */
  maxBytes?: number;
  /** Where warnings go (default `console.warn`). */
  onWarning?: (message: string) => void;
  /**
   * Also report, as a warning, that `auto` fell back to CPU and why (default false: a CPU run is
   * what most users expect; `deviceReason` always says why).
   */
  verbose?: boolean;
}

/** A Node scorer: the shared `Scorer` shape over onnxruntime-node and sharp. */
export interface NodeScorer extends Scorer<NodeImageInput, ResolvedDevice> {
  /** The ONNX file the model was loaded from. */
  readonly modelPath: string;
  /** Why `device` is what it is (e.g. `auto`'s fallback to CPU, with the reason CUDA could not start). */
  readonly deviceReason: string;
  /** How many `session.run` calls ran and how many images they held. */
  readonly stats: { runs: number; images: number };
}

/**
 * Defaults for merging overlapping `score` calls, per device. On CPU merging measured slower
 * (MobileNetV2, 4 or 30 crops of 224: about half the images/s; docs/runtime-node.md), so it is off.
 * On CUDA larger batches usually pay off; that default has not been measured in this repository.
 */
export const DEFAULT_BATCHING: Record<ResolvedDevice, { maxBatch: number; maxBatchItems: number }> = {
  cpu: { maxBatch: 1, maxBatchItems: 32 },
  cuda: { maxBatch: 8, maxBatchItems: 256 },
};

/** fp16 variants keep float32 inputs and outputs (Cast nodes at the edges), so one path serves both. */
function makeRun(session: ort.InferenceSession, card: ModelCard): (t: TensorData) => Promise<Float32Array> {
  return async (t) => {
    const input = new ort.Tensor('float32', t.data, t.dims);
    // A distribution model's spread (NIMA) or a patch model's weights (WaDIQaM-NR).
    const spread = secondOutputName(card);
    const result = await session.run({ [card.input.name]: input }, [card.output.name, ...(spread ? [spread] : [])]);
    const out = result[card.output.name]!;
    const scores = float32Output(card.output.name, out.type, out.data);
    if (!spread) return scores;
    // Each item's score and second value, interleaved as core's scorer reads them.
    return interleaveOutputs(scores, float32Output(spread, result[spread]!.type, result[spread]!.data));
  };
}

/**
 * Loads a model (zoo id, folder or `.onnx` path; default the zoo's default) into onnxruntime-node
 * and returns a scorer. Overlapping `score` calls can be merged into one `session.run` (`maxBatch`).
 *
 * @example
 * const scorer = await createScorer('mobilenetv2-ml-clive', { device: 'auto' });
 * console.log(scorer.device, await scorer.score('photo.jpg'));
 * const results = await scorer.scoreBatch(['a.jpg', fs.readFileSync('b.png')]); // [{ score }, { error }]
 * await scorer.dispose();
 */
export async function createScorer(model?: string, options: NodeScorerOptions = {}): Promise<NodeScorer> {
  checkScorerOptions(options);
  let loaded = await loadModel(model, options.dtype ?? 'fp32', options);
  // The card's fast preset may name another file: load that one instead.
  const { dtype } = scoringChoice(loaded.card, options);
  if (dtype !== (options.dtype ?? 'fp32')) loaded = await loadModel(model, dtype, options);
  const { card } = loaded;
  // Before the session opens: a bad `crops` leaves nothing open.
  const { card: cutBy, fast } = scoringChoice(card, options);
  const { session, device, reason } = await openSession(loaded.onnx, {
    device: options.device ?? 'auto',
    threads: options.threads ?? fast?.threads ?? card.runtime?.threads ?? defaultIntraOpThreads(),
  });
  if (options.verbose && reason.startsWith('CUDA is not available'))
    (options.onWarning ?? ((m) => console.warn(m)))(`iqa-zoo: ${reason}`);
  checkSessionIo(session, card, loaded.path);
  const maxBatch = options.maxBatch ?? DEFAULT_BATCHING[device].maxBatch;
  const batcher = new RunBatcher(makeRun(session, card), {
    maxImages: maxBatch,
    maxItems: options.maxBatchItems ?? DEFAULT_BATCHING[device].maxBatchItems,
    defer: setImmediate,
    valuesPerItem: valuesPerItem(card),
  });
  const readOpts = { maxPixels: options.maxPixels, maxBytes: options.maxBytes };
  const scorer = scorerFromParts({
    card,
    scoringCard: cutBy,
    device,
    decode: (input: NodeImageInput) => readImageInput(input, { ...readOpts, name: describeInput(input) }),
    run: (t) => batcher.run(t),
    release: () => session.release(),
    concurrency: Math.max(4, 2 * maxBatch),
    describe: describeInput,
    runError: (err, input) => {
      const e = toIqaError(err);
      if (typeof input === 'string' && !e.message.includes(input)) e.message = `${input}: ${e.message}`;
      return e;
    },
  });
  return { ...scorer, modelPath: loaded.path, deviceReason: reason, stats: batcher.stats };
}
