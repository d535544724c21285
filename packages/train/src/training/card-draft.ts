/**
 * The model card drafted by stage 2 into every checkpoint (`card.json`, without `files`):
 * `iqa export` fills in the file hashes. Everything in it comes from the run itself.
 */
import os from 'node:os';
import type { CardDataset, CardInput, CardMetric, CardOutput, ModelCard, TestProtocol } from '@iqa-zoo/core';
import * as tf from '@tensorflow/tfjs';
import type { NetworkSpec } from '../networks/registry.js';
import type { FinetuneConfig } from './config.js';
import type { TrainState } from './head-trainer.js';
import { distributionOutput } from './score-distribution.js';

export type CardDraft = Omit<ModelCard, 'files'>;

export interface CardDraftInput {
  spec: NetworkSpec;
  model: tf.LayersModel;
  cfg: FinetuneConfig;
  state: TrainState;
  normalisation: { mean: number; std: number };
  split: { train: number; val: number };
  /** The stage-1 run this one started from, with its own facts. */
  rank?: {
    refs: number;
    heldOut?: number;
    images: number;
    set: string;
    bestRankAccuracy: number;
    wallSeconds: number;
    featureSeconds?: number;
    cache?: { hits: number; misses: number };
    config: string;
  };
  commands: string[];
  /**
   * The card of the stage-2 checkpoint this run started from (`--from` a fine-tuned model): its
   * stages, data and commands come first in this card.
   */
  prior?: Pick<CardDraft, 'training'>;
  /** The line folded into the stage-1 score before stage 2 (`refitScore`). */
  refit?: { scale: number; offset: number };
  featureSeconds: number;
  /** Feature-cache hits and misses of this run (a hit skips the frozen layers for that image). */
  cache: { hits: number; misses: number };
}

export const CLIVE_CREDIT =
  'LIVE In the Wild Image Quality Challenge Database: D. Ghadiyaram and A. C. Bovik, "Massive Online Crowdsourced ' +
  'Study of Subjective and Objective Picture Quality", IEEE TIP 2016.';

/** The card's `input` of a network scored with `protocol`: what the runtimes (and stage 2's validation) feed it. */
export function cardInput(spec: NetworkSpec, protocol: TestProtocol): CardInput {
  return {
    name: 'image',
    layout: 'NCHW',
    channels: 3,
    colorSpace: 'sRGB',
    pixelRange: spec.input.pixelRange,
    mean: spec.input.mean,
    std: spec.input.std,
    minSize: spec.input.minSize,
    smallImage: 'upscale',
    protocol,
  };
}

/** The card's test-time protocol of a stage-2 config. */
export function testProtocol(cfg: Pick<FinetuneConfig, 'test' | 'cropSize'>): TestProtocol {
  const t = cfg.test;
  return t.kind === 'full'
    ? { kind: 'full', ...(t.maxSide !== undefined ? { maxSide: t.maxSide } : {}) }
    : { kind: 'crops', count: t.count, size: cfg.cropSize!, seed: t.seed };
}

/** The MOS ranking term, as the card states the loss. */
function mosRankingText(cfg: FinetuneConfig): string {
  const r = cfg.mosRanking;
  const t = cfg.rankTask;
  return `${
    r && r.weight > 0
      ? ` + ${r.weight} x ranking hinge (margin ${r.margin}) over the batch's pairs whose normalised MOS differ by ` +
        `more than ${r.minGap}`
      : ''
  }${
    t && t.weight > 0
      ? ` + ${t.weight} x RankIQA hinge (margin ${t.margin}) over ${t.laddersPerBatch} ranking ladders per batch ` +
        `(the distorted crops of ${t.config}, its held-out references left out; multi-task, Liu et al. TPAMI 2019)`
      : ''
  }`;
}

/** This machine and the backend that trained, as read at the time (not a fixed string). */
export function machineText(): string {
  const cpus = os.cpus();
  const backend = tf.getBackend();
  return (
    `${cpus.length} CPU cores (${cpus[0]?.model.trim() ?? 'unknown model'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, tfjs ${backend} ` +
    `backend${backend === 'wasm' ? ' (1 thread per process)' : ''}, Node ${process.version}`
  );
}

/** What stage 2 trained on, in words. */
function trainingInputs(cfg: FinetuneConfig): string {
  if (cfg.test.kind === 'full')
    return `the whole image${cfg.test.maxSide ? ` (longer side at most ${cfg.test.maxSide}px)` : ''} and its mirror`;
  const crops = `${cfg.cropsPerImage} random ${cfg.cropSize}px crops per image with flips`;
  return cfg.imageLoss
    ? `${crops}, the loss on the mean score of sets of ${cfg.imageLoss.crops} crops of one image (drawn afresh every ` +
        `epoch)`
    : crops;
}

/** The output of a model trained on MOS normalised by the training split: score = raw * std + mean, on 0-100. */
export function mosOutput(normalisation: { mean: number; std: number }): CardOutput {
  return { name: 'score', range: [0, 100], higherIsBetter: true, scale: normalisation.std, offset: normalisation.mean };
}

/**
 * The output of a network that predicts a distribution over `bins` bins of 0-100 (NIMA): `score` is its mean, 1..K
 * mapped to the bins' centres on 0-100, and `spread` its standard deviation on the same scale.
 */
export function distributionCardOutput(bins: number): CardOutput {
  const { scale, offset } = distributionOutput(bins);
  return {
    name: 'score',
    range: [0, 100],
    higherIsBetter: true,
    scale,
    offset,
    spread: { name: 'std', kind: 'std', scale },
  };
}

export const NIMA_CREDIT =
  'NIMA: H. Talebi and P. Milanfar, "NIMA: Neural Image Assessment", IEEE Transactions on Image Processing 27(8), ' +
  '2018.';

/** The stage-2 loss in words, as the card states it. */
function lossText(d: CardDraftInput): string {
  const bins = d.spec.distribution?.bins;
  if (d.cfg.loss === 'emd' && bins) {
    const width = 100 / bins;
    return (
      `EMD (r = 2, NIMA) between the predicted distribution over the scores 1..${bins} and each training image's ` +
      `target: the normal N(MOS, std) of its ratings on 0-100 cut into ${bins} equal bins ([0, ${width}), ...) ` +
      `and renormalised over [0, 100]`
    );
  }
  return (
    `${d.cfg.loss.toUpperCase()}${mosRankingText(d.cfg)} on MOS normalised by the training split ` +
    `(mean ${d.normalisation.mean.toFixed(3)}, std ${d.normalisation.std.toFixed(3)})`
  );
}

/** The CLIVE training and validation splits, as `training.data` lists them. */
export function cliveSplitData(split: { train: number; val: number }): CardDataset[] {
  const licence = 'LIVE-README: use and redistribution with notice kept';
  return [
    { name: 'CLIVE (LIVE In the Wild Challenge), training split', role: 'finetune', images: split.train, licence },
    { name: 'CLIVE, validation split', role: 'validation', images: split.val, licence },
  ];
}

/** The validation metric a run measured on its own split, with the epoch it picked and the command. */
export function cliveValidationMetric(
  cfg: Pick<FinetuneConfig, 'valFraction' | 'splitSeed' | 'valFold' | 'chosenOnValidation'>,
  n: number,
  state: TrainState,
  command: string,
): CardMetric {
  const best = state.best ?? { srcc: Number.NaN, plcc: Number.NaN };
  return {
    dataset: 'CLIVE',
    split:
      `validation (${Math.round(cfg.valFraction * 100)}% by image, split seed ${cfg.splitSeed}` +
      `${cfg.valFold ? `, fold ${cfg.valFold}` : ''}; also used to pick the best epoch` +
      `${cfg.chosenOnValidation ? ` and ${cfg.chosenOnValidation}` : ''})`,
    n,
    measured: {
      command,
      runtime: `tfjs ${tf.getBackend()} (validation during training, epoch ${state.bestEpoch})`,
      date: new Date().toISOString(),
    },
    srcc: best.srcc!,
    plcc: best.plcc!,
  };
}

/** Builds the card draft of a stage-2 run. */
export function draftCard(d: CardDraftInput): CardDraft {
  const pooling = (d.cfg.head.pooling ?? ['avg']) as Array<'avg' | 'std'>;
  const pretrained = d.spec.backbone === 'MobileNetV2' || d.spec.backbone === 'InceptionV3';
  const stages: ModelCard['training']['stages'] = [...(d.prior?.training.stages ?? [])];
  const ranked = d.rank !== undefined || stages.some((s) => s.name === 'rank');
  if (d.rank) {
    stages.push({
      name: 'rank',
      description:
        `RankIQA ranking on ${d.rank.images} images: 224px crops of ${d.rank.refs + (d.rank.heldOut ?? 0)} ` +
        `pristine photos, undistorted and at every level of the ${d.rank.set} set; trained on ${d.rank.refs} ` +
        `photos, ranking accuracy on the ${d.rank.heldOut ?? 0} held out: ${d.rank.bestRankAccuracy.toFixed(4)} ` +
        `(config ${d.rank.config})` +
        (d.rank.cache
          ? `; trunk features of ${d.rank.cache.hits} references from the cache, ${d.rank.cache.misses} computed ` +
            `(${Math.round(d.rank.featureSeconds ?? 0)} s)`
          : ''),
      wallSeconds: Math.round(d.rank.wallSeconds),
    });
  }
  stages.push({
    name: 'finetune',
    description:
      (d.prior ? 'starting from the weights the stages above ended with: ' : '') +
      `${lossText(d)}, ${trainingInputs(d.cfg)}, ` +
      (d.cfg.cut
        ? `layers above ${d.cfg.cut} and the head trained (BatchNormalization frozen)`
        : 'frozen backbone, head trained') +
      ' with Adam; ' +
      (d.cfg.averageFrom
        ? `from epoch ${d.cfg.averageFrom} on, validated and kept as the mean of the weights at the end of each ` +
          'epoch so far (SWA); '
        : '') +
      `best epoch ${d.state.bestEpoch} of ${d.cfg.epochs} chosen by validation SRCC; ` +
      (d.refit
        ? 'the stage-1 score refit to normalised MOS on the training rows before training ' +
          `(x${d.refit.scale.toPrecision(4)}, ${d.refit.offset >= 0 ? '+' : ''}${d.refit.offset.toPrecision(4)}); `
        : '') +
      `trunk features ${d.cache.hits} images from the cache, ${d.cache.misses} computed ` +
      `(${Math.round(d.featureSeconds)} s)`,
    epochs: d.state.epoch,
    wallSeconds: Math.round(d.state.wallSeconds + d.featureSeconds),
  });
  return {
    schemaVersion: 1,
    id: d.cfg.modelId ?? `${d.spec.name}-clive`,
    version: d.cfg.modelVersion ?? '0.1.0',
    task: 'nr',
    description: d.spec.distribution
      ? `${d.spec.description}; the head trained on CLIVE's MOS and rating std as score distributions (EMD).`
      : `${d.spec.description}; multi-level head (${pooling.join(' + ')} pooling of ${d.spec.taps.join(', ')}) ` +
        `fine-tuned on CLIVE MOS${ranked ? ' after RankIQA ranking' : ''}.`,
    input: cardInput(d.spec, testProtocol(d.cfg)),
    output: d.spec.distribution ? distributionCardOutput(d.spec.distribution.bins) : mosOutput(d.normalisation),
    architecture: {
      network: d.spec.name,
      backbone: d.spec.backbone,
      taps: d.spec.taps,
      pooling,
      params: d.model.countParams(),
    },
    training: {
      data: [
        ...(d.prior?.training.data.filter((e) => e.role === 'ranking') ?? []),
        ...(d.rank
          ? [
              {
                name: 'pristine photos (BSDS500, Kodak, McMaster, Debian wallpapers)',
                role: 'ranking' as const,
                images: d.rank.refs,
                licence: 'per source: research use (BSDS500, McMaster), unrestricted (Kodak), GPL-2+/CC (Debian)',
              },
            ]
          : []),
        ...cliveSplitData(d.split),
      ],
      stages,
      commands: [...(d.prior?.training.commands ?? []), ...d.commands],
      seed: d.cfg.seed,
      machine: machineText(),
      wallSeconds: stages.reduce((sum, s) => sum + (s.wallSeconds ?? 0), 0),
    },
    metrics: [cliveValidationMetric(d.cfg, d.split.val, d.state, d.commands[d.commands.length - 1] ?? 'runFinetune()')],
    licence: pretrained
      ? 'MIT (code and weights); backbone weights from nsfwjs (MIT), ImageNet-derived and fine-tuned by nsfwjs for ' +
        'NSFW classification'
      : 'MIT',
    credits: [
      CLIVE_CREDIT,
      d.spec.distribution
        ? NIMA_CREDIT
        : 'RankIQA: X. Liu, J. van de Weijer, A. D. Bagdanov, "RankIQA: Learning from Rankings for No-reference ' +
          'Image Quality Assessment", ICCV 2017.',
      ...(pretrained ? ['Backbone weights: nsfwjs (MIT), https://github.com/infinitered/nsfwjs'] : []),
    ],
  };
}
