/**
 * Stage 2: fine-tuning on MOS (L2 or L1 on MOS normalised by the training split's mean and std),
 * random crops and flips for training, the card's crop protocol for validation, the best
 * epoch kept by validation SRCC.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type CardInput, IqaError, type RawImage, plcc, preprocess, srcc } from '@iqa-zoo/core';
import { getNetwork } from '../networks/index.js';
import { copyWeightsByName, loadModel } from '../io/model-files.js';
import { type FinetuneConfig, readTrainConfig } from './config.js';
import { type CardDraftInput, cardInput, draftCard, testProtocol } from './card-draft.js';
import { FeatureCache, sha256 } from './feature-cache.js';
import { type CropSpec, cropFeatures, weightsHash, wholeImageFeatures } from './features.js';
import { type TrainState, loopOptions, predictRows, trainHead } from './head-trainer.js';
import { type LinearFit, foldIntoScoreLayer, linearFit } from './score-refit.js';
import { fitForCrops, testCrops, trainingCrops } from './image-crops.js';
import { type MosEntry, epochBatches, imageBatches, readMosCsv, splitByImage } from './mos-data.js';
import { Progress } from './progress.js';
import { labelPairs, rankingAccuracy, rankingHingeLoss, rankingPairs } from './ranking-loss.js';
import { type LadderRows, type Ladder, ladderItems, rankLadders } from './rank-ladders.js';
import { type MultiTaskBatch, ladderSlots, multiTaskLoss, withLadders } from './multi-task.js';
import { readImageRgb } from './read-image.js';
import { distributionMeans, distributionOutput, emdLoss, scoreDistribution } from './score-distribution.js';
import { featureSource } from './feature-source.js';
import {
  type FeatureShard,
  type FeatureWorkerOptions,
  type ShardCounts,
  shardOf,
  shardedFeaturePass,
} from './feature-shards.js';

export interface FinetuneOptions extends FeatureWorkerOptions {
  /** A stage-1 checkpoint folder to start from. */
  from?: string;
  resume?: boolean;
  stopAfter?: number;
  /** The commands that produced this run, recorded in the card. */
  commands?: string[];
}

export interface FinetuneResult {
  state: TrainState;
  normalisation: { mean: number; std: number };
  split: { train: number; val: number; skipped: string[] };
  featureSeconds: number;
  cache: { hits: number; misses: number };
}

interface Rows {
  features: Float32Array;
  /** Image index of every row. */
  image: Int32Array;
  kept: MosEntry[];
  skipped: string[];
}

/**
 * Trunk rows of every entry, from the cache or computed by `compute` (which gets the decoded
 * image); an image that cannot be read is skipped and reported, never fatal.
 */
async function featureRows(
  cache: FeatureCache,
  featureSize: number,
  entries: MosEntry[],
  compute: (rgb: RawImage, e: MosEntry) => Promise<Float32Array>,
  key: { label: string; size: number },
): Promise<Rows> {
  const chunks: Float32Array[] = [];
  const image: number[] = [];
  const kept: MosEntry[] = [];
  const skipped: string[] = [];
  const progress = new Progress(key.label, entries.length);
  for (const e of entries) {
    try {
      // The crop plan depends on the image's name (its seed) and size (its bytes): both are in the key.
      // Read once: the bytes key the cache and, on a miss, are what gets decoded.
      const bytes = await fs.readFile(e.file);
      const feats = await cache.getOrCompute({ image: e.image, content: sha256([bytes]), ...key }, async () =>
        compute(await readImageRgb(e.file, bytes), e),
      );
      if (feats.length === 0 || feats.length % featureSize !== 0) {
        throw new IqaError(
          'INVALID_ARGUMENT',
          `Expected trunk rows of ${featureSize} values but received ${feats.length} values`,
        );
      }
      const rows = feats.length / featureSize;
      chunks.push(feats);
      for (let r = 0; r < rows; r++) image.push(kept.length);
      kept.push(e);
    } catch (err) {
      skipped.push(`${e.image}: ${(err as Error).message}`);
      process.stderr.write(`skipping ${e.image}: ${(err as Error).message}\n`);
    }
    progress.tick();
  }
  const features = new Float32Array(image.length * featureSize);
  let o = 0;
  for (const c of chunks) {
    features.set(c, o);
    o += c.length;
  }
  return { features, image: Int32Array.from(image), kept, skipped };
}

/**
 * The trunk's input size when training above a cut on whole images: the first training image's,
 * after the card's shrinking. Every other image must come out the same size (rows have one length).
 */
async function wholeImageShape(entries: MosEntry[], input: CardInput): Promise<[number, number]> {
  for (const e of entries) {
    const rgb = await readImageRgb(e.file).catch(() => null);
    if (!rgb) continue;
    const [, , h, w] = preprocess(rgb, input).dims as [number, number, number, number];
    return [h, w];
  }
  throw new IqaError('INVALID_ARGUMENT', 'Expected at least one readable training image but none could be decoded');
}

/** NIMA's target of one training image: N(MOS, std) in `bins` bins of 0-100; the CSV must give its std. */
function imageDistribution(e: MosEntry, bins: number): Float32Array {
  if (e.std === undefined) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a std for ${e.image} ("loss": "emd" needs a MOS CSV with columns image,mos,std) but it has none`,
    );
  }
  return scoreDistribution(e.mos, e.std, bins);
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Mean of per-row predictions for each image. */
export function meanPerImage(pred: Float32Array, image: Int32Array, images: number): Float64Array {
  const sum = new Float64Array(images);
  const count = new Float64Array(images);
  for (let i = 0; i < pred.length; i++) {
    sum[image[i]!]! += pred[i]!;
    count[image[i]!]!++;
  }
  return sum.map((s, i) => s / count[i]!);
}

/** A JSON file of a checkpoint folder, or undefined when the folder has none. */
async function readCheckpointJson<T>(dir: string, file: string): Promise<T | undefined> {
  const text = await fs.readFile(path.join(dir, file), 'utf8').catch(() => null);
  return text ? (JSON.parse(text) as T) : undefined;
}

/** Facts of the stage-1 run a checkpoint came from (its `rank.json`), for the card. */
function readRankFacts(dir: string): Promise<CardDraftInput['rank']> {
  return readCheckpointJson(dir, 'rank.json');
}

/** The card of a stage-2 checkpoint (one with `training.json`), whose history a run from it continues. */
async function readPriorCard(dir: string): Promise<CardDraftInput['prior']> {
  if (!(await fs.stat(path.join(dir, 'training.json')).catch(() => null))) return undefined;
  return readCheckpointJson(dir, 'card.json');
}

/**
 * What stage 2 sets up before training: the network (with `from`'s weights), the split, the
 * feature cache, and `pass`, which brings the trunk rows of every image (or of one shard of the
 * images) from the cache or computes them.
 */
async function prepareFinetune(cfg: FinetuneConfig, from: string | undefined) {
  const spec = getNetwork(cfg.network);
  if ((cfg.loss === 'emd') !== (spec.distribution !== undefined)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      cfg.loss === 'emd'
        ? `Expected a network that predicts a score distribution (such as mobilenetv2-nima) for "loss": "emd" ` +
            `but ${cfg.network} predicts one score`
        : `Expected "loss": "emd" for ${cfg.network}, which predicts a score distribution, ` +
            `but received ${JSON.stringify(cfg.loss)}`,
    );
  }
  const model = await spec.build(cfg.head);
  if (from) {
    const init = await loadModel(from);
    copyWeightsByName(init, model);
    init.dispose();
  }
  const entries = await readMosCsv(cfg.mos, cfg.root);
  const { train, val } = splitByImage(entries, cfg.valFraction, cfg.splitSeed, cfg.valFold ?? 0);
  const input = cardInput(spec, testProtocol(cfg));
  const whole = cfg.test.kind === 'full' ? cfg.test : undefined;
  // Above a cut, whole images fix the cut map's size; a frozen backbone gives pooled rows of any size.
  const inputShape = whole && cfg.cut ? await wholeImageShape(train, input) : undefined;
  const source = await featureSource(model, cfg, inputShape, spec.distribution?.layer);
  const cache = new FeatureCache(cfg.cache, await weightsHash(source.extractor.features, sha256));
  const trunk = source.extractor.features;
  const width = source.extractor.featureSize;
  const ladders = cfg.rankTask ? await rankTaskLadders(cfg, source, cache, spec.input, whole !== undefined) : undefined;

  const pass = async (shard?: FeatureShard): Promise<{ trainRows: Rows; valRows: Rows; ladderRows?: LadderRows }> => {
    const ladderRows = ladders ? await ladders.pass(shard) : undefined;
    if (whole) {
      const rowsOf = (mirrors: boolean[]) => async (rgb: RawImage) => {
        const out = await wholeImageFeatures(trunk, rgb, input, mirrors);
        if (inputShape && (out.height !== inputShape[0] || out.width !== inputShape[1])) {
          throw new IqaError(
            'INVALID_ARGUMENT',
            `Expected every image to come out ${inputShape[1]}x${inputShape[0]} (as the first training image does) ` +
              `to train above ${cfg.cut} on whole images, but this one is ${out.width}x${out.height}; use images of ` +
              `one size or train the head only (no "cut")`,
          );
        }
        return out.rows;
      };
      const size = whole.maxSide ?? 0;
      return {
        trainRows: await featureRows(cache, width, shardOf(train, shard), rowsOf([false, true]), {
          label: `full-${size}-mirrored`,
          size,
        }),
        valRows: await featureRows(cache, width, shardOf(val, shard), rowsOf([false]), { label: `full-${size}`, size }),
        ladderRows,
      };
    }
    const test = cfg.test as { count: number; seed: number };
    const size = cfg.cropSize!;
    const count = cfg.cropsPerImage!;
    const crops = (plan: (w: number, h: number, e: MosEntry) => CropSpec[]) => async (image: RawImage, e: MosEntry) => {
      const rgb = fitForCrops(image, size);
      return cropFeatures(trunk, rgb, plan(rgb.width, rgb.height, e), spec.input);
    };
    return {
      trainRows: await featureRows(
        cache,
        width,
        shardOf(train, shard),
        crops((w, h, e) => trainingCrops(w, h, size, count, cfg.seed, e.image)),
        {
          label: `train-crops-${count}-${cfg.seed}`,
          size,
        },
      ),
      valRows: await featureRows(
        cache,
        width,
        shardOf(val, shard),
        crops((w, h) => testCrops(w, h, size, test.count, test.seed)),
        {
          label: `test-crops-${test.count}-${test.seed}`,
          size,
        },
      ),
      ladderRows,
    };
  };
  return { spec, model, val, source, cache, pass, nHeldRefs: ladders?.nHeld ?? 0 };
}

/**
 * The ranking ladders of `cfg.rankTask`, through this run's trunk. Above a cut, the ladder crops
 * must have the training crops' size (the rows are feature maps of one shape).
 */
async function rankTaskLadders(
  cfg: FinetuneConfig,
  source: Awaited<ReturnType<typeof featureSource>>,
  cache: FeatureCache,
  input: Parameters<typeof rankLadders>[3],
  wholeImages: boolean,
) {
  const ladderCfg = await readTrainConfig(cfg.rankTask!.config, 'rank', { data: cfg.data });
  if (cfg.cut && (wholeImages || ladderCfg.cropSize !== cfg.cropSize)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected the ranking ladders of ${cfg.rankTask!.config} (crops of ${ladderCfg.cropSize} px) to have the ` +
        `training crops' size above the cut ${cfg.cut}, but this run trains on ` +
        `${wholeImages ? 'whole images' : `crops of ${cfg.cropSize} px`}`,
    );
  }
  return rankLadders(ladderCfg, source, cache, input);
}

/** Stage 2's ladders for training (references past the held-out ones) and for validation. */
function splitLadders(
  rows: LadderRows,
  nHeld: number,
): { train: Ladder[]; held: Ladder[]; heldRows: number[]; heldPairs: ReturnType<typeof rankingPairs> } {
  const held = rows.ladders.filter((g) => g.ref < nHeld);
  const heldRows = [...new Set(held.flatMap((g) => g.items))];
  const at = new Map(heldRows.map((r, i) => [r, i]));
  // Pairs over the held-out rows predicted once each (a pristine crop is in each of its ladders).
  const items = ladderItems(held);
  const local = rankingPairs(items);
  const position = held.flatMap((g) => g.items.map((r) => at.get(r)!));
  return {
    train: rows.ladders.filter((g) => g.ref >= nHeld),
    held,
    heldRows,
    heldPairs: { better: local.better.map((i) => position[i]!), worse: local.worse.map((i) => position[i]!) },
  };
}

/**
 * A feature helper's whole job: computes the cache entries of one shard of stage 2's images
 * (`from` gives the trunk's weights, as in the run it helps) and trains nothing.
 */
export async function fillFinetuneCache(
  cfg: FinetuneConfig,
  from: string | undefined,
  shard: FeatureShard,
): Promise<ShardCounts> {
  const { cache, pass } = await prepareFinetune(cfg, from);
  await pass(shard);
  return { hits: cache.hits, misses: cache.misses };
}

/** Runs stage 2 as `cfg` says. The best weights land in `<out>/best`. */
export async function runFinetune(cfg: FinetuneConfig, options: FinetuneOptions = {}): Promise<FinetuneResult> {
  if (cfg.refitScore && !options.from) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      'Expected a stage-1 checkpoint to start from (--from) because the config sets "refitScore", but none was given',
    );
  }
  const { spec, model, val, source, cache, pass, nHeldRefs } = await prepareFinetune(cfg, options.from);
  const split = source.own;
  const rankFacts = options.from ? await readRankFacts(options.from) : undefined;
  const prior = options.from ? await readPriorCard(options.from) : undefined;

  // The validation list, so `iqa eval --mos <out>/val.csv` re-measures the exported model on it.
  await fs.mkdir(cfg.out, { recursive: true });
  await fs.writeFile(
    path.join(cfg.out, 'val.csv'),
    `image,mos\n${val.map((e) => `${path.relative(path.resolve(cfg.out), e.file)},${e.mos}`).join('\n')}\n`,
  );

  const t0 = Date.now();
  const { trainRows, valRows, ladderRows } = await shardedFeaturePass(cache, pass, options);
  trainRows.features = await source.select(trainRows.features);
  valRows.features = await source.select(valRows.features);
  const featureSeconds = (Date.now() - t0) / 1000;
  const f = split.featureSize;
  const nMos = trainRows.image.length;
  // The ranking task's rows follow the MOS rows in one matrix (ladder row r is row nMos + r).
  const ladders = ladderRows ? splitLadders(ladderRows, nHeldRefs) : undefined;
  let features = trainRows.features;
  if (ladderRows) {
    features = new Float32Array((nMos + ladderRows.rows.length) * f);
    features.set(trainRows.features);
    ladderRows.rows.forEach((row, i) => {
      features.set(row, (nMos + i) * f);
    });
  }

  const mosTrain = trainRows.kept.map((e) => e.mos);
  const mean = mosTrain.reduce((a, b) => a + b, 0) / mosTrain.length;
  const std = Math.sqrt(mosTrain.reduce((a, b) => a + (b - mean) ** 2, 0) / mosTrain.length);
  const target = Float32Array.from(trainRows.image, (i) => (mosTrain[i]! - mean) / std);
  const valMos = valRows.kept.map((e) => e.mos);
  // NIMA: each training image's target distribution, and the card's map from the distribution's mean to MOS.
  const bins = spec.distribution?.bins;
  const targetDistributions = bins ? trainRows.kept.map((e) => imageDistribution(e, bins)) : undefined;
  const toMos = bins ? distributionOutput(bins) : { scale: std, offset: mean };

  let refit: LinearFit | undefined;
  if (cfg.refitScore) {
    refit = linearFit(await predictRows(split, trainRows.features), target);
    foldIntoScoreLayer(model, refit);
    process.stderr.write(
      `stage-1 score refit to normalised MOS: x${refit.scale.toPrecision(4)}, ` +
        `${refit.offset >= 0 ? '+' : ''}${refit.offset.toPrecision(4)}\n`,
    );
  }

  const ranking = cfg.mosRanking && cfg.mosRanking.weight > 0 ? cfg.mosRanking : undefined;
  const task = cfg.rankTask;
  const multi = new Map<string, MultiTaskBatch>();
  const withTask = (epoch: number): number[][] => {
    const mos = epochBatches(nMos, cfg.batchSize, cfg.seed, epoch);
    return mos.map((rows, b) => {
      const chosen = ladderSlots(ladders!.train.length, task!.laddersPerBatch, mos.length, epoch, b, cfg.seed).map(
        (k) => ladders!.train[k]!,
      );
      const mt = withLadders(rows, chosen, nMos);
      multi.set(mt.rows.join(','), mt);
      return mt.rows;
    });
  };
  const setSize = cfg.imageLoss?.crops;
  const regression = (d: tf.Tensor): tf.Scalar =>
    (cfg.loss === 'l1' ? tf.mean(tf.abs(d)) : tf.mean(tf.square(d))) as tf.Scalar;
  const groups: number[][] = trainRows.kept.map(() => []);
  trainRows.image.forEach((img, r) => {
    groups[img]!.push(r);
  });
  const state = await trainHead({
    stage: 'finetune',
    model,
    split,
    features,
    batches: setSize
      ? (epoch) => imageBatches(groups, Math.max(1, Math.floor(cfg.batchSize / setSize)), setSize, cfg.seed, epoch)
      : task
        ? withTask
        : (epoch) => epochBatches(nMos, cfg.batchSize, cfg.seed, epoch),
    // Micro-batches of whole sets of crops when the loss is on images.
    microBatches: cfg.microBatch
      ? (batch) =>
          chunk(batch, setSize ? Math.max(1, Math.floor(cfg.microBatch! / setSize)) * setSize : cfg.microBatch!)
      : undefined,
    lossCount: setSize ? (batch) => batch.length / setSize : undefined,
    loss: (scores, batch) =>
      tf.tidy(() => {
        if (task) {
          const mt = multi.get(batch.join(','))!;
          const y = Float32Array.from({ length: mt.mosRows }, (_, i) => target[batch[i]!]!);
          return multiTaskLoss(scores, mt, y, {
            loss: cfg.loss as 'l1' | 'l2',
            weight: task.weight,
            margin: task.margin,
          });
        }
        if (targetDistributions) {
          const k = bins!;
          const q = new Float32Array(batch.length * k);
          batch.forEach((r, i) => {
            q.set(targetDistributions[trainRows.image[r]!]!, i * k);
          });
          return emdLoss(scores, tf.tensor2d(q, [batch.length, k]));
        }
        if (setSize) {
          const sets = batch.length / setSize;
          const y = tf.tensor1d(Float32Array.from({ length: sets }, (_, g) => target[batch[g * setSize]!]!));
          return regression(tf.sub(tf.mean(tf.reshape(scores, [sets, setSize]), 1), y));
        }
        const y = tf.tensor2d(
          Float32Array.from(batch, (r) => target[r]!),
          [batch.length, 1],
        );
        const fit = regression(tf.sub(scores, y));
        const pairs = ranking
          ? labelPairs(
              Float32Array.from(batch, (i) => target[i]!),
              ranking.minGap,
            )
          : undefined;
        return ranking && pairs && pairs.better.length > 0
          ? (tf.add(fit, tf.mul(ranking.weight, rankingHingeLoss(scores, pairs, ranking.margin))) as tf.Scalar)
          : fit;
      }),
    validate: async (predict) => {
      const predicted = await predict(valRows.features);
      // A distribution network predicts K probabilities per row: its mean over bins 1..K is the row's score.
      const rowScores = bins ? distributionMeans(predicted, bins) : predicted;
      const perImage = meanPerImage(rowScores, valRows.image, valRows.kept.length);
      const scores = Array.from(perImage, (z) => z * toMos.scale + toMos.offset);
      const metrics: Record<string, number> = { srcc: srcc(scores, valMos), plcc: plcc(scores, valMos) };
      if (ladders && ladders.heldRows.length > 0) {
        const x = new Float32Array(ladders.heldRows.length * f);
        ladders.heldRows.forEach((r, i) => {
          x.set(features.subarray((nMos + r) * f, (nMos + r + 1) * f), i * f);
        });
        metrics.rankAccuracy = rankingAccuracy(await predict(x), ladders.heldPairs);
      }
      return metrics;
    },
    selectBy: 'srcc',
    ...loopOptions(cfg, options),
    extraFiles: (st) => ({
      'card.json': JSON.stringify(
        draftCard({
          spec,
          model,
          cfg,
          state: st,
          normalisation: { mean, std },
          split: { train: trainRows.kept.length, val: valRows.kept.length },
          rank: rankFacts,
          prior,
          refit,
          commands: [
            ...(rankFacts?.config ? [`iqa train rank --config ${rankFacts.config}`] : []),
            ...(options.commands ?? ['runFinetune() from @iqa-zoo/train with the config recorded in training.json']),
          ],
          featureSeconds,
          cache: { hits: cache.hits, misses: cache.misses },
        }),
        null,
        2,
      ),
      'training.json': JSON.stringify(
        {
          config: cfg,
          from: options.from ?? null,
          refit: refit ?? null,
          normalisation: { mean, std },
          split: { train: trainRows.kept.length, val: valRows.kept.length },
        },
        null,
        2,
      ),
    }),
  });
  return {
    state,
    normalisation: { mean, std },
    split: {
      train: trainRows.kept.length,
      val: valRows.kept.length,
      skipped: [...trainRows.skipped, ...valRows.skipped],
    },
    featureSeconds,
    cache: { hits: cache.hits, misses: cache.misses },
  };
}
