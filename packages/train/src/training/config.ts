/**
 * Training configs are data files (JSON). Data paths (`refs`, `mos`, `root`) are relative to the
 * data folder (`--data`, `IQA_ZOO_DATA`, else ./data; see data-folder.ts); the others (`out`,
 * `cache`, `rankTask.config`) to the current directory. See configs/ at the repository root.
 */
import { promises as fs } from 'node:fs';
import { IqaError, describeValue } from '@iqa-zoo/core';
import { getDistortionSet } from '../distortions/registry.js';
import type { HeadOptions } from '../networks/multi-level-head.js';
import { type DataFolder, dataFolder, resolveDataPath } from './data-folder.js';
import { checkLadderVariants, type LadderVariant } from './ladder-variants.js';
import { foldCount } from './mos-data.js';

interface CommonConfig {
  network: string;
  head: Partial<HeadOptions>;
  out: string;
  cache: string;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrDecay?: { every: number; factor: number };
  /**
   * Weight averaging (SWA): from this epoch on (1-based), validation and `best/` use the mean of
   * the weights at the end of each epoch so far; training goes on from the raw weights.
   */
  averageFrom?: number;
  weightDecay: number;
  /**
   * Gradient accumulation: rows per micro-batch (stage 2) or references per micro-batch
   * (stage 1); absent: one pass per batch. Bounds memory (the wasm heap stops at 4 GiB).
   */
  microBatch?: number;
  /**
   * Train from above this layer (its output and the pooled taps below it are cached);
   * absent: frozen backbone, only the head trains on cached pooled features.
   */
  cut?: string;
  /**
   * Take the cached pooled features of this network (whose taps include this one's) and keep this
   * network's columns, e.g. mobilenetv2-sl from mobilenetv2-ml. As `{ network, head }`, that network
   * is built with these head options (default: this run's), e.g. the pooling its cached rows were made
   * with; with `cacheAt`, its rows cached at that layer are read and pooled; with `cut`, its rows at the
   * cut, for a network that reads nothing below the cut (mobilenetv2-nima above block_15_add).
   */
  featuresFrom?: string | { network: string; head?: Partial<HeadOptions> };
  /**
   * Frozen backbone only: cache the trunk's rows at this layer (as a run with `"cut"` there
   * does) and run the frozen layers above it on them for the pooled features. A later run that
   * trains above that layer, on the same crops, then reads the rows this run cached.
   */
  cacheAt?: string;
  /** The data folder the data paths were resolved against; set by `readTrainConfig`, not by the file. */
  data?: DataFolder;
}

/** Stage 1: ranking synthetically distorted crops of pristine photos. */
export interface RankConfig extends CommonConfig {
  stage: 'rank';
  refs: string;
  set: 'live' | 'tid2013' | 'wide';
  /** Distortion types (default: all of the set). */
  types?: string[];
  /**
   * More ladders per reference crop, from a `grey` or `smooth` copy of it (`ladder-variants.ts`),
   * each with its own types (default: all of the set's).
   */
  variants?: LadderVariant[];
  /** How many references to use (sorted by name, then shuffled by `seed`); 0 = all. */
  maxRefs: number;
  /** Share of the references held out to measure ranking accuracy. */
  heldOut: number;
  cropSize: number;
  /** Crops per reference (each distorted at every level of every type). */
  cropsPerRef: number;
  /** References per batch (each with all its types and levels). */
  refsPerBatch: number;
  margin: number;
}

/** Stage 2's test-time protocol; see `FinetuneConfig.test`. */
export type FinetuneTest = { kind?: 'crops'; count: number; seed: number } | { kind: 'full'; maxSide?: number };

/** Stage 2: fine-tuning on MOS. */
export interface FinetuneConfig extends CommonConfig {
  stage: 'finetune';
  mos: string;
  /** Image folder; default: the CSV's folder. */
  root?: string;
  valFraction: number;
  splitSeed: number;
  /**
   * Which fold of the split validates (default 0): the images, shuffled by `splitSeed`, are cut into
   * round(1 / valFraction) folds; runs with folds 0..k-1 validate every image once.
   */
  valFold?: number;
  /** Crop training (`test` without `kind` or `kind: 'crops'`): the crop size, both for training and test. */
  cropSize?: number;
  /** Crop training: random crops per image (every other one mirrored). */
  cropsPerImage?: number;
  /**
   * Test-time protocol, which also decides what training sees:
   * - `{ count, seed }` (or `kind: 'crops'`): training on `cropsPerImage` random crops of
   *   `cropSize`, scoring the mean over `count` crops placed by `seed`;
   * - `{ kind: 'full', maxSide }`: training on the whole image (shrunk so its longer side is at
   *   most `maxSide`, exactly as the runtimes do) and its mirror, scoring the whole image once.
   */
  test: FinetuneTest;
  /**
   * `l2`/`l1` on normalised MOS; `emd`: NIMA's earth mover's distance (r = 2) between the network's score
   * distribution and N(MOS, std) binned on 0-100 (`score-distribution.ts`), for a network with a distribution
   * (`mobilenetv2-nima`); the MOS CSV must then have a std column.
   */
  loss: 'l2' | 'l1' | 'emd';
  /**
   * Adds RankIQA's hinge to the regression loss, on MOS: over every pair of rows in a batch whose
   * normalised MOS differ by more than `minGap`, `weight` x mean(max(0, margin - (s_better - s_worse))).
   */
  mosRanking?: MosRankingConfig;
  /**
   * The loss on images instead of crops: every epoch, each training image's `cropsPerImage` crops
   * are shuffled and cut into sets of `crops`; a batch holds `floor(batchSize / crops)` sets, and
   * the loss compares each set's mean score with its image's MOS, as the test protocol scores an
   * image by its mean over crops. An epoch still uses every crop once (where `crops` does not divide
   * `cropsPerImage`, an image's leftover crops, other ones each epoch, sit it out). Absent: every
   * crop is regressed on its image's MOS.
   */
  imageLoss?: { crops: number };
  /**
   * Multi-task stage 2 (Liu et al., TPAMI 2019): every batch also holds `laddersPerBatch` ranking
   * ladders (one pristine crop and its distorted versions of one type, every level) and the loss
   * adds `weight` x RankIQA's hinge over their ordered pairs to the regression on MOS. The ladders
   * are those of a stage-1 config; validation also reports their held-out ranking accuracy.
   */
  rankTask?: RankTaskConfig;
  /**
   * Starting from a stage-1 checkpoint (`--from`): before training, fit a line from its scores of
   * the training rows to their normalised MOS and fold it into the `score` layer.
   */
  refitScore?: boolean;
  /** The zoo id written into the card (default `<network>-clive`). */
  modelId?: string;
  /** The model version written into the card (default `0.1.0`); bump it when a zoo model is retrained. */
  modelVersion?: string;
  /**
   * What else was chosen by looking at the validation split (beyond the best epoch, which always
   * is), in words for the card's metric, e.g. "the 6-epoch schedule, read off a 12-epoch run" (the card
   * says "also used to pick the best epoch and ...").
   */
  chosenOnValidation?: string;
}

export interface RankTaskConfig {
  /**
   * A stage-1 config file: its references, set (or types), crops, seed and held-out share make the
   * ladders, so a stage 2 with the same trunk and cut reads the rows that stage 1 cached
   * (`"cacheAt"` there, `"cut"` here); its held-out references stay out of training here too.
   */
  config: string;
  /** Weight of the hinge next to the regression loss. */
  weight: number;
  /** Hinge margin, on the normalised score scale (MOS standard deviations). */
  margin: number;
  /** Ladders per batch, drawn in a seeded order that goes through every training ladder in turn. */
  laddersPerBatch: number;
}

export interface MosRankingConfig {
  weight: number;
  /** On the normalised score scale (MOS standard deviations). */
  margin: number;
  /** Pairs closer than this (normalised MOS) are ties and left out. */
  minGap: number;
}

/**
 * A patch network trained whole on MOS (CNNIQA): every epoch, `patchesPerImage` random patches of each training
 * image's grid (the card's `test` protocol), each regressed on its image's normalised MOS; validation scores every
 * validation image with the card's protocol (the mean over its patches).
 */
export interface PatchesConfig extends Omit<CommonConfig, 'cut' | 'featuresFrom' | 'cacheAt' | 'microBatch'> {
  stage: 'patches';
  mos: string;
  root?: string;
  valFraction: number;
  splitSeed: number;
  valFold?: number;
  /** Patches drawn per training image per epoch (seeded by `seed`, the epoch and the image). */
  patchesPerImage: number;
  /**
   * Image-grouped batches (a network with patch weights, WaDIQaM-NR): this many images per batch, each with its
   * `patchesPerImage` patches, the loss on each image's weighted average; `batchSize` is not used then.
   */
  imagesPerBatch?: number;
  /** The card's patch protocol: size, stride and the optional cap on patches per image. */
  test: { kind: 'patches'; size: number; stride: number; maxPatches?: number };
  /** Local contrast normalisation (default Kang's 3x3 window; c in grey levels 0..255). */
  lcn: { size: number; c: number };
  loss: 'l2' | 'l1';
  modelId?: string;
  modelVersion?: string;
  chosenOnValidation?: string;
}

export type TrainConfig = RankConfig | FinetuneConfig | PatchesConfig;

const DEFAULTS = { cache: '.cache/features', seed: 1, weightDecay: 5e-4, head: {} };

/** An INVALID_ARGUMENT error naming the config file: `Invalid training config FILE: MESSAGE`. */
function invalid(file: string, message: string): IqaError {
  return new IqaError('INVALID_ARGUMENT', `Invalid training config ${file}: ${message}`);
}

function need(cfg: Record<string, unknown>, key: string, kind: 'string' | 'number', file: string): void {
  if (typeof cfg[key] !== kind) {
    throw invalid(file, `expected a ${kind} for "${key}" but received ${describeValue(cfg[key])}`);
  }
}

function checkTest(cfg: Record<string, unknown>, file: string): void {
  const test = cfg.test as Record<string, unknown> | undefined;
  if (typeof test !== 'object' || test === null) {
    throw invalid(
      file,
      'expected an object for "test" ({ "count", "seed" } or { "kind": "full", "maxSide" }) ' +
        `but received ${describeValue(test)}`,
    );
  }
  if (test.kind === 'full') {
    if (test.maxSide !== undefined && !(Number.isInteger(test.maxSide) && (test.maxSide as number) > 0)) {
      throw invalid(file, `expected a positive integer for "test.maxSide" but received ${describeValue(test.maxSide)}`);
    }
    for (const k of ['cropSize', 'cropsPerImage']) {
      if (cfg[k] !== undefined) {
        throw invalid(
          file,
          `"${k}" applies to crop training, but "test.kind" is "full" ` +
            `(training sees the whole image and its mirror); remove "${k}"`,
        );
      }
    }
    return;
  }
  if (test.kind !== undefined && test.kind !== 'crops') {
    throw invalid(file, `expected "test.kind" to be "crops" or "full" but received ${describeValue(test.kind)}`);
  }
  need(test, 'count', 'number', `${file} (test)`);
  need(test, 'seed', 'number', `${file} (test)`);
  for (const k of ['cropSize', 'cropsPerImage']) need(cfg, k, 'number', file);
}

function checkMosRanking(cfg: Record<string, unknown>, file: string): void {
  const r = cfg.mosRanking as Record<string, unknown> | undefined;
  if (r === undefined) return;
  if (typeof r !== 'object' || r === null) {
    throw invalid(
      file,
      `expected an object { "weight", "margin", "minGap" } for "mosRanking" but received ${describeValue(r)}`,
    );
  }
  for (const k of ['weight', 'margin', 'minGap']) {
    if (typeof r[k] !== 'number' || !((r[k] as number) >= 0)) {
      throw invalid(file, `expected a number >= 0 for "mosRanking.${k}" but received ${describeValue(r[k])}`);
    }
  }
}

function checkRankTask(cfg: Record<string, unknown>, file: string): void {
  const r = cfg.rankTask as Record<string, unknown> | undefined;
  if (r === undefined) return;
  const bad = (what: string, value: unknown) => invalid(file, `expected ${what} but received ${describeValue(value)}`);
  if (typeof r !== 'object' || r === null)
    throw bad('an object { "config", "weight", "margin", "laddersPerBatch" } for "rankTask"', r);
  if (typeof r.config !== 'string') throw bad('a stage-1 config file for "rankTask.config"', r.config);
  for (const k of ['weight', 'margin'])
    if (typeof r[k] !== 'number' || !((r[k] as number) >= 0)) throw bad(`a number >= 0 for "rankTask.${k}"`, r[k]);
  if (!Number.isInteger(r.laddersPerBatch) || (r.laddersPerBatch as number) < 1)
    throw bad('a positive integer for "rankTask.laddersPerBatch"', r.laddersPerBatch);
  for (const k of ['imageLoss', 'microBatch']) {
    if (cfg[k] !== undefined) {
      throw invalid(
        file,
        `"rankTask" cannot be combined with "${k}" ` +
          "(a batch's ladders are ranked whole, next to its crops); remove one of them",
      );
    }
  }
}

function checkValFold(cfg: Record<string, unknown>, file: string): void {
  const fraction = cfg.valFraction as number;
  if (!(fraction > 0 && fraction < 1)) {
    throw invalid(file, `expected "valFraction" between 0 and 1 (exclusive) but received ${describeValue(fraction)}`);
  }
  if (cfg.valFold === undefined) return;
  const folds = foldCount(fraction);
  if (!Number.isInteger(cfg.valFold) || (cfg.valFold as number) < 0 || (cfg.valFold as number) >= folds) {
    throw invalid(
      file,
      `expected "valFold" to be an integer from 0 to ${folds - 1} ` +
        `("valFraction" ${fraction} cuts the images into ${folds} folds) but received ${describeValue(cfg.valFold)}`,
    );
  }
}

function checkImageLoss(cfg: Record<string, unknown>, file: string): void {
  const r = cfg.imageLoss as Record<string, unknown> | undefined;
  if (r === undefined) return;
  const perImage = cfg.cropsPerImage as number | undefined;
  if (
    typeof r !== 'object' ||
    r === null ||
    !Number.isInteger(r.crops) ||
    (r.crops as number) < 1 ||
    perImage === undefined ||
    (r.crops as number) > perImage
  ) {
    throw invalid(
      file,
      'expected "imageLoss" to be { "crops": N } with N an integer from 1 to ' +
        `"cropsPerImage" (${describeValue(perImage)}) ` +
        `but received ${typeof r === 'object' && r !== null ? JSON.stringify(r) : describeValue(r)}`,
    );
  }
  if (cfg.mosRanking !== undefined) {
    throw invalid(
      file,
      `"imageLoss" and "mosRanking" cannot be combined (the ranking hinge pairs crops); remove one of them`,
    );
  }
}

/** Stage 2's loss; EMD trains a score distribution, which none of the crop-pairing or score-refit options fit. */
function checkLoss(cfg: Record<string, unknown>, file: string): void {
  if (cfg.loss !== undefined && cfg.loss !== 'l1' && cfg.loss !== 'l2' && cfg.loss !== 'emd')
    throw invalid(file, `expected "l1", "l2" or "emd" for "loss" but received ${describeValue(cfg.loss)}`);
  if (cfg.loss !== 'emd') return;
  for (const k of ['mosRanking', 'imageLoss', 'rankTask', 'refitScore']) {
    if (cfg[k] !== undefined) {
      throw invalid(
        file,
        `"loss": "emd" trains a score distribution and cannot be combined with "${k}" (a loss on single scores); ` +
          `remove "${k}"`,
      );
    }
  }
}

function checkFeaturesFrom(cfg: Record<string, unknown>, file: string): void {
  const f = cfg.featuresFrom as Record<string, unknown> | string | undefined;
  if (f === undefined || typeof f === 'string') return;
  if (
    typeof f !== 'object' ||
    f === null ||
    typeof f.network !== 'string' ||
    (f.head !== undefined && (typeof f.head !== 'object' || f.head === null))
  ) {
    throw invalid(
      file,
      'expected a network name or { "network", "head" } for "featuresFrom" ' +
        `but received ${typeof f === 'object' && f !== null ? JSON.stringify(f) : describeValue(f)}`,
    );
  }
}

const COMMON_KEYS = [
  'stage',
  'network',
  'head',
  'out',
  'cache',
  'seed',
  'epochs',
  'batchSize',
  'learningRate',
  'lrDecay',
  'averageFrom',
  'weightDecay',
  'microBatch',
  'cut',
  'featuresFrom',
  'cacheAt',
];
const STAGE_KEYS: Record<TrainConfig['stage'], string[]> = {
  patches: [
    'mos',
    'root',
    'valFraction',
    'splitSeed',
    'valFold',
    'patchesPerImage',
    'imagesPerBatch',
    'test',
    'lcn',
    'loss',
    'modelId',
    'modelVersion',
    'chosenOnValidation',
  ],
  rank: ['refs', 'set', 'types', 'variants', 'maxRefs', 'heldOut', 'cropSize', 'cropsPerRef', 'refsPerBatch', 'margin'],
  finetune: [
    'mos',
    'root',
    'valFraction',
    'splitSeed',
    'valFold',
    'cropSize',
    'cropsPerImage',
    'test',
    'loss',
    'mosRanking',
    'imageLoss',
    'rankTask',
    'refitScore',
    'modelId',
    'modelVersion',
    'chosenOnValidation',
  ],
};

/** A misspelt or unknown key would otherwise be ignored silently and the run trained without it. */
function checkKeys(raw: Record<string, unknown>, stage: TrainConfig['stage'], file: string): void {
  const known = new Set([...COMMON_KEYS, ...STAGE_KEYS[stage]]);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw invalid(
      file,
      `expected only the keys of a "${stage}" config (${[...known].join(', ')}) ` +
        `but received ${unknown.map((k) => `"${k}"`).join(', ')}`,
    );
  }
}

/** The data paths of each stage, resolved against the data folder when relative. */
const DATA_KEYS: Record<TrainConfig['stage'], string[]> = {
  rank: ['refs'],
  finetune: ['mos', 'root'],
  patches: ['mos', 'root'],
};

/** A patches config's own fields: the patch protocol, patches per image, LCN and loss. */
function checkPatches(cfg: Record<string, unknown>, file: string): void {
  const bad = (what: string, value: unknown) => invalid(file, `expected ${what} but received ${describeValue(value)}`);
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  if (!posInt(cfg.patchesPerImage)) throw bad('a positive integer for "patchesPerImage"', cfg.patchesPerImage);
  if (cfg.imagesPerBatch !== undefined && !posInt(cfg.imagesPerBatch))
    throw bad('a positive integer for "imagesPerBatch"', cfg.imagesPerBatch);
  const test = cfg.test as Record<string, unknown> | undefined;
  if (typeof test !== 'object' || test === null || test.kind !== 'patches')
    throw bad('{ "kind": "patches", "size", "stride"[, "maxPatches"] } for "test"', test);
  for (const k of ['size', 'stride']) if (!posInt(test[k])) throw bad(`a positive integer for "test.${k}"`, test[k]);
  if (test.maxPatches !== undefined && !posInt(test.maxPatches))
    throw bad('a positive integer for "test.maxPatches"', test.maxPatches);
  cfg.lcn ??= { size: 3, c: 1 };
  const lcn = cfg.lcn as Record<string, unknown>;
  if (!(posInt(lcn.size) && (lcn.size as number) % 2 === 1) || !((lcn.c as number) > 0))
    throw bad('{ "size": an odd positive integer, "c": a positive number } for "lcn"', JSON.stringify(lcn));
  if (cfg.loss !== 'l1' && cfg.loss !== 'l2') throw bad('"l1" or "l2" for "loss"', cfg.loss);
}

/**
 * Reads and checks a config file; `stage` must match what the command trains. Its data paths are
 * resolved against `options.data` (default: `dataFolder()`, i.e. `$IQA_ZOO_DATA` else ./data).
 *
 * @example
 * const cfg = await readTrainConfig('configs/mobilenetv2-ml/rank.json', 'rank', { data: dataFolder('/srv/iqa-data') });
 * cfg.refs; // '/srv/iqa-data/pristine'
 */
export async function readTrainConfig<S extends TrainConfig['stage']>(
  file: string,
  stage: S,
  options: { data?: DataFolder } = {},
): Promise<Extract<TrainConfig, { stage: S }>> {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a JSON training config at ${file} but could not read it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const cfg = { ...DEFAULTS, ...raw } as Record<string, unknown>;
  if (cfg.stage !== stage) {
    throw invalid(file, `expected "stage": "${stage}" but received ${describeValue(cfg.stage)}`);
  }
  checkKeys(raw, stage, file);
  for (const k of ['network', 'out', 'cache']) need(cfg, k, 'string', file);
  checkFeaturesFrom(cfg, file);
  for (const k of ['seed', 'epochs', 'batchSize', 'learningRate', 'weightDecay']) need(cfg, k, 'number', file);
  if (
    cfg.averageFrom !== undefined &&
    !(
      Number.isInteger(cfg.averageFrom) &&
      (cfg.averageFrom as number) >= 1 &&
      (cfg.averageFrom as number) <= (cfg.epochs as number)
    )
  ) {
    throw invalid(
      file,
      `expected "averageFrom" to be an epoch from 1 to "epochs" (${describeValue(cfg.epochs)}) ` +
        `but received ${describeValue(cfg.averageFrom)}`,
    );
  }
  if (stage === 'rank') {
    for (const k of ['refs', 'set']) need(cfg, k, 'string', file);
    for (const k of ['maxRefs', 'heldOut', 'cropSize', 'cropsPerRef', 'refsPerBatch', 'margin'])
      need(cfg, k, 'number', file);
    if (cfg.variants !== undefined)
      checkLadderVariants(
        cfg.variants,
        (cfg.types as string[] | undefined) ?? getDistortionSet(cfg.set as string),
        file,
      );
  } else if (stage === 'patches') {
    need(cfg, 'mos', 'string', file);
    for (const k of ['valFraction', 'splitSeed']) need(cfg, k, 'number', file);
    checkValFold(cfg, file);
    checkPatches(cfg, file);
    for (const k of ['modelId', 'modelVersion', 'chosenOnValidation', 'root'])
      if (cfg[k] !== undefined) need(cfg, k, 'string', file);
  } else {
    need(cfg, 'mos', 'string', file);
    for (const k of ['valFraction', 'splitSeed']) need(cfg, k, 'number', file);
    checkValFold(cfg, file);
    checkTest(cfg, file);
    checkMosRanking(cfg, file);
    checkImageLoss(cfg, file);
    checkRankTask(cfg, file);
    checkLoss(cfg, file);
    if (cfg.refitScore !== undefined && typeof cfg.refitScore !== 'boolean') {
      throw invalid(file, `expected true or false for "refitScore" but received ${describeValue(cfg.refitScore)}`);
    }
    for (const k of ['modelId', 'modelVersion', 'chosenOnValidation']) {
      if (cfg[k] !== undefined) need(cfg, k, 'string', file);
    }
    if (cfg.root !== undefined) need(cfg, 'root', 'string', file);
  }
  const data = options.data ?? dataFolder();
  for (const k of DATA_KEYS[stage]) {
    if (cfg[k] !== undefined) cfg[k] = await resolveDataPath(cfg[k] as string, k, data, file);
  }
  cfg.data = data;
  return cfg as unknown as Extract<TrainConfig, { stage: S }>;
}
