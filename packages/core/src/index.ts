/**
 * @iqa-zoo/core: the platform-free heart of iqa-zoo (no `node:*`, no DOM, no onnxruntime).
 * Model cards, preprocessing, scoring protocol, metrics and errors, shared by every runtime.
 */

// Errors
export { IqaError, isIqaError, describeValue, expected } from './errors.js';
export type { IqaErrorCode } from './errors.js';

// Model cards
export { validateCard } from './card/validate.js';
export type {
  ModelCard,
  CardInput,
  CardOutput,
  CardSpread,
  CardPatchWeight,
  CardFile,
  CardFiles,
  CardArchitecture,
  CardTraining,
  CardDataset,
  CardStage,
  CardMetric,
  TestProtocol,
  CardSpeed,
  CardRanking,
  CardPairShare,
  CardPreset,
  CardRuntime,
  BrisqueProtocol,
  HosaProtocol,
  FeatureCardInput,
  PixelGraphInput,
  PatchCardInput,
  PatchProtocol,
  ModelInput,
} from './card/types.js';
export { CARD_METADATA_KEY, DEFAULT_MODEL_ID, modelPackageName, parseZooIndex } from './card/zoo.js';
export { MODEL_DTYPES, DTYPE_FILE_KEYS, cardDtypes, cardFileFor } from './card/dtype-file.js';
export type { ModelDtype } from './card/dtype-file.js';
export { chooseProtocol } from './card/protocol-choice.js';
export { summariseCard, protocolText, pairText, rankingText, speedText } from './card/summary.js';
export type { CardSummary } from './card/summary.js';
export type { ProtocolChoice } from './card/protocol-choice.js';
export type { ZooIndex } from './card/zoo.js';

// Preprocessing
export { assertRawImage, toRgb, MAX_PIXELS } from './preprocess/raw-image.js';
export type { RawImage } from './preprocess/raw-image.js';
export { resizeImage } from './preprocess/resize.js';
export { mulberry32 } from './preprocess/random.js';
export { preprocess, cropBoxes, writeNormalisedChw } from './preprocess/to-tensor.js';
export type { TensorData, CropBox } from './preprocess/to-tensor.js';
export { patchTensor, patchGrid, greyPlane, writeLcnPatch, writeRgbPatch } from './preprocess/patches.js';
export type { PatchOrigin } from './preprocess/patches.js';

// Classic metrics
export {
  brisqueFeatures,
  BRISQUE_FEATURE_COUNT,
  BRISQUE_FEATURE_NAMES,
  BRISQUE_MIN_SIDE,
} from './classic/brisque-features.js';
export { fitScaling, applyScaling, svrDecision, predictSvr, assertSvrModel } from './classic/svr-model.js';
export type { FeatureScaling, SvrModel } from './classic/svr-model.js';
export { brisqueScore, scoreBrisque, parseBrisqueModel } from './classic/brisque-score.js';
export type { BrisqueModel } from './classic/brisque-score.js';
export { featureTensor, pixelGraphTensor } from './classic/feature-input.js';
export {
  hosaFeatures,
  hosaPatches,
  hosaEncode,
  hosaMoments,
  hosaFeatureCount,
  assertHosaCodebook,
  HOSA_MIN_SIDE,
} from './classic/hosa-features.js';
export type { HosaCodebook, HosaPatches } from './classic/hosa-features.js';
export { hosaScore, scoreHosa, parseHosaModel } from './classic/hosa-score.js';
export type { HosaModel } from './classic/hosa-score.js';
export { aggdShapeGrid, gammaFn } from './classic/aggd-fit.js';
export { MSCN_C, MSCN_FLAT, MSCN_GAUSSIAN } from './classic/mscn.js';
export type { ShapeGrid } from './classic/aggd-fit.js';

// Scoring
export {
  scorePixels,
  scorePixelsDetail,
  aggregateScore,
  aggregateSpread,
  aggregateWeighted,
  interleaveOutputs,
  valuesPerItem,
  secondOutputName,
  toIqaError,
} from './scoring.js';
export type { Scorer, ScoreOutcome, ScoreDetail, RunModel } from './scoring.js';

// Metrics
export { srcc, krcc, plcc, rmse } from './metrics/correlation.js';
export { fitLogistic4, logistic4 } from './metrics/logistic.js';
export type { Logistic4 } from './metrics/logistic.js';
export { evaluatePredictions } from './metrics/evaluate.js';
export type { IqaMetrics } from './metrics/evaluate.js';
export { bootstrapInterval, pairedBootstrap } from './metrics/bootstrap.js';
export type { BootstrapInterval, BootstrapOptions, PairedBootstrap, PairMetric } from './metrics/bootstrap.js';
export { rankingReport } from './metrics/ranking.js';
export { rankingIntervals } from './metrics/ranking-bootstrap.js';
export type { RankingIntervals } from './metrics/ranking-bootstrap.js';
export type { RankingEntry, RankingOptions, RankingReport, TypeRanking, PairCount } from './metrics/ranking.js';

// Data
export { parseMosCsv } from './data/mos-csv.js';
export type { MosRow } from './data/mos-csv.js';
export { parseRankingManifest } from './data/ranking-manifest.js';
export type { RankingManifestRow } from './data/ranking-manifest.js';

// Concurrency
export { mapLimit } from './map-limit.js';

// What both runtimes' scorers share (platform pieces passed in)
export { scorerFromParts } from './scorer/scorer-from-parts.js';
export type { ScorerParts } from './scorer/scorer-from-parts.js';
export { RunBatcher } from './scorer/run-batcher.js';
export type { BatchingOptions } from './scorer/run-batcher.js';
export { checkSessionIo, float32Output } from './scorer/session-checks.js';
export type { SessionNames } from './scorer/session-checks.js';
export { checkScorerOptions, scoringChoice } from './scorer/scorer-options.js';
export type { ScoringChoice } from './scorer/scorer-options.js';
export { checkSha256, verifySha256 } from './card/file-integrity.js';
export { parseCardJson } from './card/parse-json.js';
export { fetchFailure } from './card/fetch-failure.js';
export type { FetchFailure } from './card/fetch-failure.js';
export type { ExpectedFile, Sha256Hex } from './card/file-integrity.js';
