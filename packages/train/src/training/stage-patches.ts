/**
 * Trains a patch network whole on MOS (CNNIQA, Kang et al. CVPR 2014): every image is cut once into the card's
 * patches by core's `patchTensor` (the runtimes' own preprocessing); every epoch draws `patchesPerImage` of each
 * training image's patches, each regressed on its image's normalised MOS; validation scores every validation image
 * with the card's protocol (the mean over all its patches). A network with patch weights (WaDIQaM-NR, Bosse et al.
 * IEEE TIP 2018) trains on image-grouped batches instead, the loss on each image's weighted average
 * (`patch-groups.ts`), and validates with the same aggregation. The loop is stage 2's (`trainHead`): seeded batches
 * and dropout, Adam, a checkpoint per epoch, the best epoch by validation SRCC, `--resume`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { IqaError, type PatchCardInput, patchTensor, plcc, srcc } from '@iqa-zoo/core';
import { getNetwork } from '../networks/index.js';
import type { PatchesConfig } from './config.js';
import { type TrainState, loopOptions, trainHead } from './head-trainer.js';
import { type MosEntry, cutBatches, readMosCsv, seededShuffle, splitByImage } from './mos-data.js';
import { draftPatchCard, patchCardInput } from './patch-card.js';
import { groupedPatchBatches, weightedImageLoss, weightedPerImage } from './patch-groups.js';
import { Progress } from './progress.js';
import { readImageRgb } from './read-image.js';
import { runOnRows, splitModel } from './split-model.js';
import { meanPerImage } from './stage-finetune.js';

export interface PatchesOptions {
  resume?: boolean;
  /** Stop after this many epochs in this process (tests: a killed run). */
  stopAfter?: number;
  /** The commands that produced this run, recorded in the card. */
  commands?: string[];
}

export interface PatchesResult {
  state: TrainState;
  normalisation: { mean: number; std: number };
  split: { train: number; val: number; skipped: string[] };
  /** Seconds spent decoding images and cutting patches. */
  patchSeconds: number;
}

/** The patches of a list of images, row-major `[rows, S*S*C]` (NHWC), with each row's image. */
export interface PatchRows {
  rows: Float32Array;
  image: Int32Array;
  /** Rows of each kept image, in order. */
  groups: number[][];
  kept: MosEntry[];
  skipped: string[];
}

/**
 * Decodes every image and cuts its patches with core's `patchTensor` (as the runtimes do), each patch's planes
 * interleaved (NCHW to NHWC, the tfjs network's layout; one channel is the same row); an image that cannot be read is
 * skipped and reported, never fatal.
 */
export async function readPatchRows(entries: MosEntry[], input: PatchCardInput, label: string): Promise<PatchRows> {
  const chunks: Float32Array[] = [];
  const groups: number[][] = [];
  const kept: MosEntry[] = [];
  const skipped: string[] = [];
  const progress = new Progress(label, entries.length);
  let total = 0;
  for (const e of entries) {
    try {
      const t = patchTensor(await readImageRgb(e.file), input);
      const n = t.dims[0]!;
      chunks.push(input.channels === 1 ? t.data : toNhwc(t.data, n, input.channels, input.protocol.size));
      groups.push(Array.from({ length: n }, (_, i) => total + i));
      total += n;
      kept.push(e);
    } catch (err) {
      skipped.push(`${e.image}: ${(err as Error).message}`);
      process.stderr.write(`skipping ${e.image}: ${(err as Error).message}\n`);
    }
    progress.tick();
  }
  const width = input.protocol.size * input.protocol.size * input.channels;
  const rows = new Float32Array(total * width);
  const image = new Int32Array(total);
  chunks.forEach((c, i) => {
    rows.set(c, groups[i]![0]! * width);
  });
  groups.forEach((g, i) => {
    image.fill(i, g[0]!, g[0]! + g.length);
  });
  return { rows, image, groups, kept, skipped };
}

/** `[n, C, S, S]` planes to `[n, S, S, C]`. */
function toNhwc(data: Float32Array, n: number, channels: number, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(data.length);
  for (let p = 0; p < n; p++) {
    const base = p * channels * plane;
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < plane; i++) out[base + i * channels + c] = data[base + c * plane + i]!;
  }
  return out;
}

/**
 * One epoch's batches: `perImage` rows of every image (the first of its rows shuffled by (seed, epoch, image); all of
 * them where it has fewer), pooled, shuffled by (seed, epoch) and cut into batches of `size`.
 *
 * @example
 * patchBatches([[0, 1, 2], [3, 4, 5]], 2, 4, 7, 0); // two batches: 4 rows, then 0 (4 rows in all)
 */
export function patchBatches(
  groups: readonly (readonly number[])[],
  perImage: number,
  size: number,
  seed: number,
  epoch: number,
): number[][] {
  const drawn = groups.flatMap((rows, g) => seededShuffle(rows, (seed * 7919 + epoch) * 104729 + g).slice(0, perImage));
  return cutBatches(seededShuffle(drawn, seed * 7919 + epoch), size);
}

/** Runs a patches config (`iqa train patches`). The best weights land in `<out>/best`, with the card draft. */
export async function runPatches(cfg: PatchesConfig, options: PatchesOptions = {}): Promise<PatchesResult> {
  const spec = getNetwork(cfg.network);
  const model = await spec.build(cfg.head);
  const inputLayer = model.inputs[0]!;
  const size = cfg.test.size;
  const channels = inputLayer.shape[3];
  if (inputLayer.shape.length !== 4 || (channels !== 1 && channels !== 3)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a network taking grey or RGB patches [N, ${size}, ${size}, 1 or 3] for a patches config but ` +
        `${cfg.network} takes [${inputLayer.shape.join(', ')}]`,
    );
  }
  const weighted = spec.patchWeight;
  if (weighted && cfg.imagesPerBatch === undefined)
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected "imagesPerBatch" in the config: ${cfg.network} weighs its patches, so it trains on image-grouped ` +
        "batches with the loss on each image's weighted average",
    );
  const input = patchCardInput(spec, cfg, channels);
  const entries = await readMosCsv(cfg.mos, cfg.root);
  const { train, val } = splitByImage(entries, cfg.valFraction, cfg.splitSeed, cfg.valFold ?? 0);

  // The validation list, so `iqa eval --mos <out>/val.csv` re-measures the exported model on it.
  await fs.mkdir(cfg.out, { recursive: true });
  await fs.writeFile(
    path.join(cfg.out, 'val.csv'),
    `image,mos\n${val.map((e) => `${path.relative(path.resolve(cfg.out), e.file)},${e.mos}`).join('\n')}\n`,
  );

  const t0 = Date.now();
  // Grouped training draws from every grid patch of an image; the card's cap is for scoring.
  const trainInput = weighted ? { ...input, protocol: { ...input.protocol, maxPatches: undefined } } : input;
  const trainRows = await readPatchRows(train, trainInput, 'training patches');
  const valRows = await readPatchRows(val, input, 'validation patches');
  const patchSeconds = (Date.now() - t0) / 1000;
  // One channel: a [N, 1, S, S] patch (NCHW) is the same row as [N, S, S, 1] (NHWC), the network's input.
  const split = splitModel(model, {
    cut: inputLayer.sourceLayer.name,
    inputShape: [size, size],
    ...(weighted ? { outputs: [model.outputs[0]!.sourceLayer.name, weighted.layer] } : {}),
  });

  const mosTrain = trainRows.kept.map((e) => e.mos);
  const mean = mosTrain.reduce((a, b) => a + b, 0) / mosTrain.length;
  const std = Math.sqrt(mosTrain.reduce((a, b) => a + (b - mean) ** 2, 0) / mosTrain.length);
  // Per row (the patch's image's); grouped training reads it per image.
  const target = weighted
    ? Float32Array.from(mosTrain, (m) => (m - mean) / std)
    : Float32Array.from(trainRows.image, (i) => (mosTrain[i]! - mean) / std);
  const valMos = valRows.kept.map((e) => e.mos);
  const splitCounts = { train: trainRows.kept.length, val: valRows.kept.length };
  const commands = options.commands ?? ['runPatches() from @iqa-zoo/train with the config recorded in training.json'];

  const state = await trainHead({
    stage: 'patches',
    model,
    split,
    features: trainRows.rows,
    batches: (epoch) =>
      weighted
        ? groupedPatchBatches(trainRows.groups, cfg.patchesPerImage, cfg.imagesPerBatch!, cfg.seed, epoch)
        : patchBatches(trainRows.groups, cfg.patchesPerImage, cfg.batchSize, cfg.seed, epoch),
    loss: (scores, batch) =>
      tf.tidy(() => {
        if (weighted) return weightedImageLoss(scores, batch, trainRows.image, (i) => target[i]!, cfg.loss);
        const d = tf.sub(
          scores,
          tf.tensor2d(
            Float32Array.from(batch, (r) => target[r]!),
            [batch.length, 1],
          ),
        );
        return (cfg.loss === 'l1' ? tf.mean(tf.abs(d)) : tf.mean(tf.square(d))) as tf.Scalar;
      }),
    // In chunks of 256 patches: a 26x26x50 map per patch, so trainHead's 16 MB-of-rows chunks would hold GBs.
    validate: async () => {
      const pred = await runOnRows(split, valRows.rows, (r) => split.forward(r, 0, null), 256);
      const scores = weighted
        ? Array.from(weightedPerImage(pred, valRows.image, valRows.kept.length, { scale: std, offset: mean }))
        : Array.from(meanPerImage(pred, valRows.image, valRows.kept.length), (z) => z * std + mean);
      return { srcc: srcc(scores, valMos), plcc: plcc(scores, valMos) };
    },
    selectBy: 'srcc',
    ...loopOptions(cfg, options),
    extraFiles: (st) => ({
      'card.json': JSON.stringify(
        draftPatchCard({
          spec,
          model,
          cfg,
          state: st,
          normalisation: { mean, std },
          split: splitCounts,
          commands,
          patchSeconds,
        }),
        null,
        2,
      ),
      'training.json': JSON.stringify({ config: cfg, normalisation: { mean, std }, split: splitCounts }, null, 2),
    }),
  });
  return {
    state,
    normalisation: { mean, std },
    split: { ...splitCounts, skipped: [...trainRows.skipped, ...valRows.skipped] },
    patchSeconds,
  };
}
