/**
 * The model card: the single source of truth for a zoo model.
 *
 * Runtimes read input size, normalisation, crop protocol and output mapping from it;
 * the README's model table and `iqa models` are generated from it.
 */

/** How a score is computed from one image at test time. */
export type TestProtocol =
  /** The whole image in one pass (optionally shrunk so its longer side is at most `maxSide`). */
  | { kind: 'full'; maxSide?: number }
  /**
   * The mean score over `count` crops of `size` x `size`, placed by a seeded generator (RankIQA: 30 random 224 crops).
   */
  | { kind: 'crops'; count: number; size: number; seed: number };

export interface CardInput {
  /** ONNX input name. */
  name: string;
  layout: 'NCHW';
  channels: 3;
  colorSpace: 'sRGB';
  /** Pixel values are scaled to this range before mean/std normalisation. */
  pixelRange: [number, number];
  /** Per-channel mean, subtracted after scaling to `pixelRange` (R, G, B). */
  mean: [number, number, number];
  /** Per-channel std, divided after subtracting `mean` (R, G, B). */
  std: [number, number, number];
  /** Smallest side the network accepts. */
  minSize: number;
  /** What happens to an image whose shorter side is below what the protocol needs. */
  smallImage: 'upscale' | 'reject';
  protocol: TestProtocol;
}

/**
 * BRISQUE's test protocol (Mittal, Moorthy and Bovik, IEEE TIP 2012): the whole image and its half-scale
 * copy (bicubic, as OpenCV's INTER_CUBIC), 18 features each; no crops, no resizing of the input.
 */
export interface BrisqueProtocol {
  kind: 'brisque';
  /** The image and its half-scale copy (the only setting BRISQUE defines). */
  scales: 2;
}

/**
 * HOSA's test protocol (Xu et al., IEEE TIP 2016): the whole grey image as non-overlapping `patch` x `patch` patches
 * from the top-left corner (the remainder under `patch` pixels left out), encoded against the graph's codebook.
 */
export interface HosaProtocol {
  kind: 'hosa';
  patch: number;
}

/**
 * The input of a classic model whose features are computed by `@iqa-zoo/core` (identically in every runtime)
 * and whose ONNX graph takes the feature vector: `[N, 36]` float32, named `name`.
 */
export interface FeatureCardInput {
  /** ONNX input name. */
  name: string;
  /** The ONNX input is a feature vector per image, not pixels. */
  layout: 'features';
  /** Which feature extractor fills it: the 36 BRISQUE features in `BRISQUE_FEATURE_NAMES` order. */
  features: 'brisque-36';
  colorSpace: 'sRGB';
  /** Grey conversion: OpenCV's BT.601 `cvtColor(RGB2GRAY)` in 14-bit fixed point, rounded to 8 bits. */
  grey: 'opencv-bt601';
  /** Smallest side accepted (16 for BRISQUE: the half-scale copy keeps the 7x7 window). */
  minSize: number;
  smallImage: 'reject';
  protocol: BrisqueProtocol;
}

/**
 * The input of a classic model whose ONNX graph does everything from pixels (BRISQUE: grey, MSCN, fits at
 * two scales, SVR): `[N, H, W, 3]` float32 RGB levels 0..255, alpha composited onto white, each image at
 * its own size (N > 1 only for images of one size).
 */
export interface PixelGraphInput {
  /** ONNX input name. */
  name: string;
  layout: 'NHWC';
  channels: 3;
  colorSpace: 'sRGB';
  /** Levels as decoded, not normalised. */
  pixelRange: [0, 255];
  /** Grey conversion inside the graph: OpenCV's BT.601 `cvtColor(RGB2GRAY)` in 14-bit fixed point. */
  grey: 'opencv-bt601';
  /** Smallest side accepted (16 for BRISQUE). */
  minSize: number;
  smallImage: 'reject';
  protocol: BrisqueProtocol | HosaProtocol;
}

/**
 * A patch model's test protocol (CNNIQA, Kang et al. CVPR 2014): non-overlapping `size` x `size` patches on a
 * regular grid from the top-left corner with step `stride` (`floor((W - size) / stride) + 1` per row; a 500x500
 * image gives 15 x 15 = 225 patches of 32), the score the mean over patches. Above `maxPatches`, a regular
 * subsample of the grid (row-major grid index `floor((i + 0.5) * n / maxPatches)`, i < maxPatches): no seed.
 */
export interface PatchProtocol {
  kind: 'patches';
  size: number;
  stride: number;
  maxPatches?: number;
}

/**
 * The input of a patch model: `[N, C, S, S]` float32 patches (`patchTensor` in core computes them, identically in
 * every runtime and in training). One channel (CNNIQA): the grey, locally contrast-normalised image. Three channels
 * (WaDIQaM-NR, Bosse et al. TIP 2018): the RGB levels scaled to `pixelRange`, no other normalisation.
 */
export interface PatchCardInput {
  /** ONNX input name. */
  name: string;
  layout: 'patches';
  channels: 1 | 3;
  colorSpace: 'sRGB';
  /**
   * One channel only. Grey: ITU-R BT.601 luma in float, 0.299 R + 0.587 G + 0.114 B, not rounded (alpha composited
   * onto white first).
   */
  grey?: 'bt601';
  /** Grey levels (one channel) or RGB levels (three) are scaled from 0..255 to this range. */
  pixelRange: [number, number];
  /**
   * One channel only (required there). Local contrast normalisation (Kang et al.): (I - mu) / (sigma + c) over a
   * `size` x `size` neighbourhood, sigma the population std, on the whole grey image (edge pixels repeated at the
   * border, as scipy's `boundary='symm'` for a 3x3 window); patches are cut afterwards, so a patch's border pixels
   * see their real neighbours (lidq92/CNNIQA normalises each patch on its own).
   */
  lcn?: { size: number; c: number };
  /** Smallest side accepted (the patch size). */
  minSize: number;
  smallImage: 'upscale' | 'reject';
  protocol: PatchProtocol;
}

/**
 * A card's input: pixels (`CardInput`, NCHW), features computed in core (`FeatureCardInput`), a classic model's
 * pixels (`PixelGraphInput`), or grey normalised patches (`PatchCardInput`).
 */
export type ModelInput = CardInput | FeatureCardInput | PixelGraphInput | PatchCardInput;

export interface CardOutput {
  /** ONNX output name. */
  name: string;
  /** The range scores are reported in (after `scale`/`offset`), e.g. MOS 0-100. */
  range: [number, number];
  higherIsBetter: boolean;
  /** score = raw * scale + offset; maps the network output to `range`. */
  scale: number;
  offset: number;
  /**
   * Set when the network predicts a score distribution (NIMA): a second ONNX output `name` holds the
   * distribution's standard deviation per batch item, reported as raw * `scale` on the score's scale (no
   * offset: a spread does not move with the scores). The scorers then return `std` beside each score.
   */
  spread?: CardSpread;
  /**
   * Set for a patch model with weighted-average aggregation (WaDIQaM-NR, Bosse et al. TIP 2018): a second ONNX output
   * `name` holds each patch's weight (positive), and the image's raw score is sum(w_i q_i) / sum(w_i) over its
   * patches instead of their mean.
   */
  weight?: CardPatchWeight;
}

/** The ONNX output of a patch model's per-patch weights (`card.output.weight`). */
export interface CardPatchWeight {
  name: string;
  kind: 'patch-weight';
}

/** The ONNX output and scale of a distribution model's standard deviation (`card.output.spread`). */
export interface CardSpread {
  name: string;
  /** What the spread is: the standard deviation of the predicted score distribution. */
  kind: 'std';
  scale: number;
}

export interface CardFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface CardFiles {
  onnx: CardFile;
  onnxFp16?: CardFile;
  /**
   * The int8 variant (`model_q8.onnx`, dtype `q8`): QDQ, per-channel int8 weights, activation ranges calibrated on the
   * images in `training.data` with role `calibration`.
   */
  onnxQ8?: CardFile;
  /** A classic model's regressor as data (BRISQUE: `brisque-svr.json`, the SVR that `onnx` was built from). */
  svr?: CardFile;
}

export interface CardArchitecture {
  /** Registered network name, e.g. `vgg-small-ml`. */
  network: string;
  backbone: string;
  /** Names of the tapped layers whose pooled outputs are concatenated (empty for a classic model). */
  taps: string[];
  /** Empty for a classic model; `max` and `min` for CNNIQA's global max and min pooling. */
  pooling: Array<'avg' | 'std' | 'max' | 'min'>;
  params: number;
}

export interface CardDataset {
  name: string;
  /** `codebook`: images a classic model's codebook was learnt from (HOSA's k-means), without their labels. */
  role: 'ranking' | 'finetune' | 'validation' | 'calibration' | 'codebook';
  images: number;
  licence: string;
}

export interface CardStage {
  name: string;
  description: string;
  steps?: number;
  epochs?: number;
  wallSeconds?: number;
}

export interface CardTraining {
  data: CardDataset[];
  stages: CardStage[];
  /** The exact commands that produced this model. */
  commands: string[];
  seed: number;
  machine?: string;
  wallSeconds?: number;
}

/** How a metric was measured. */
export interface CardMeasurement {
  /** The command that measured it (for a validation metric, the training command). */
  command: string;
  /**
   * What computed the scores, e.g. `tfjs wasm (validation in training, epoch 10)` or `onnxruntime-node cpu, model.onnx
   * (fp32)`.
   */
  runtime: string;
  /** When (ISO 8601). */
  date: string;
}

export interface CardMetric {
  dataset: string;
  split: string;
  n: number;
  /**
   * Set for k-fold cross-validation: the number of folds (each image validated once, by the fold that did not
   * train on it); `split` says whether the numbers pool all `n` images or average the folds.
   */
  folds?: number;
  /** Provenance of the numbers (cards before 0.5.0 lack it). */
  measured?: CardMeasurement;
  srcc: number;
  plcc: number;
  krcc?: number;
  plccLogistic?: number;
  rmse?: number;
}

/** Ordered pairs of one distortion type (or of all types together). */
export interface CardPairShare {
  /** Pairs of versions of one reference at different levels. */
  pairs: number;
  /** Share of them the model orders as the levels are (ties count as half). */
  share: number;
}

/**
 * How well a model orders distorted versions of the same reference (`iqa eval --ranking`; docs/evaluation.md):
 * the share of pairs in order per distortion type and over all types.
 */
export interface CardRanking {
  /** What the set is and who made its distortions, e.g. ImageMagick ladders of 14 images kept out of training. */
  set: string;
  /** Images scored (references and their distorted versions). */
  images: number;
  references: number;
  /** Per distortion type, e.g. `blur`, `jpeg`, `noise`. */
  byType: Record<string, CardPairShare>;
  overall: CardPairShare;
  measured: CardMeasurement;
}

/**
 * A measured speed: the median ms to score one image of `image` size in `runtime` (features or
 * preprocessing, inference and aggregation; decoding excluded), with another model timed in the same run,
 * so a busy machine slows both alike.
 */
export interface CardSpeed {
  /** What ran it, e.g. `onnxruntime-node cpu, 2 intra-op threads`. */
  runtime: string;
  /** Image size, `WIDTHxHEIGHT`. */
  image: string;
  msPerImage: number;
  /** Process CPU ms per image (all threads): less sensitive than wall time to other jobs on the machine. */
  cpuMsPerImage?: number;
  /**
   * A model timed in the same run (interleaved), for comparison; `runtime` where it ran elsewhere than `runtime`
   * (a browser speed's baseline is the same model in onnxruntime-node).
   */
  baseline?: { model: string; runtime?: string; msPerImage: number; cpuMsPerImage?: number };
  /** The machine and how busy it was. */
  machine: string;
  measured: CardMeasurement;
}

/**
 * A cheaper way to score with a model, chosen from measurements: fewer crops (the first N of the
 * protocol's draw) and/or another of the card's dtypes. `description` gives the SRCC it loses
 * against the card's protocol, the speed-up and the command that measured them.
 */
export interface CardPreset {
  crops?: number;
  dtype?: 'fp32' | 'fp16' | 'q8';
  /**
   * onnxruntime-node's intra-op threads with this preset when `createScorer`'s `threads` is not given
   * (before `card.runtime.threads`): a few crops gain nothing from a second thread and pay it in CPU.
   */
  threads?: number;
  description: string;
}

/** Run settings a model asks for by default (`card.runtime`). */
export interface CardRuntime {
  /**
   * onnxruntime-node's intra-op threads when `createScorer`'s `threads` is not given (otherwise one per core).
   * brisque-clive says 1: its graph is hundreds of small memory-bound ops, which a second thread slowed (and
   * doubled in CPU time) on the 2 shared cores it was measured on (docs/classic-models.md).
   */
  threads?: number;
}

export interface ModelCard {
  schemaVersion: 1;
  id: string;
  version: string;
  task: 'nr';
  description: string;
  input: ModelInput;
  output: CardOutput;
  files: CardFiles;
  architecture: CardArchitecture;
  training: CardTraining;
  metrics: CardMetric[];
  /** Ranking evaluations on synthetic distortions (cards before 0.5.0's have none). */
  ranking?: CardRanking[];
  /** Measured speeds (cards before brisque-clive 0.1.0 have none). */
  speed?: CardSpeed[];
  /** Named ways to score (`fast`: what runtime-web uses on a CPU-only browser); cards before 0.5.0's have none. */
  presets?: { fast?: CardPreset };
  /** How a runtime runs the model when the caller does not say (cards before brisque-clive 0.2.1 have none). */
  runtime?: CardRuntime;
  licence: string;
  credits: string[];
}
