/**
 * The model card drafted by a patches run (CNNIQA, WaDIQaM-NR, DIQaM-NR) into every checkpoint (`card.json`, without
 * `files`): its patch input, the run's split, schedule and best validation epoch.
 */
import { IqaError, type PatchCardInput } from '@iqa-zoo/core';
import type * as tf from '@tensorflow/tfjs';
import type { NetworkSpec } from '../networks/registry.js';
import {
  CLIVE_CREDIT,
  type CardDraft,
  cliveSplitData,
  cliveValidationMetric,
  machineText,
  mosOutput,
} from './card-draft.js';
import type { PatchesConfig } from './config.js';
import type { TrainState } from './head-trainer.js';

const KANG =
  'CNNIQA: L. Kang, P. Ye, Y. Li and D. Doermann, "Convolutional Neural Networks for No-Reference Image Quality ' +
  'Assessment", CVPR 2014.';
const BOSSE =
  'WaDIQaM-NR: S. Bosse, D. Maniry, K.-R. Mueller, T. Wiegand and W. Samek, "Deep Neural Networks for No-Reference ' +
  'and Full-Reference Image Quality Assessment", IEEE Transactions on Image Processing 27(1), 2018.';

/** Each patch network's paper (the card's credit) and the pooling inside its network. */
const PATCH_PAPERS: Record<string, { credit: string; pooling: CardDraft['architecture']['pooling'] }> = {
  cnniqa: { credit: KANG, pooling: ['max', 'min'] },
  'wadiqam-nr': { credit: BOSSE, pooling: ['max'] },
  'diqam-nr': { credit: BOSSE.replace('WaDIQaM-NR', 'WaDIQaM-NR and DIQaM-NR'), pooling: ['max'] },
};

/**
 * The card's input of a patch network: grey BT.601 levels in the network's `pixelRange` with the config's local
 * contrast normalisation (one channel, CNNIQA), or RGB levels in `pixelRange` (three, WaDIQaM-NR); the config's patch
 * protocol; images below the patch size are upscaled (core's resize).
 *
 * @example
 * patchCardInput(getNetwork('cnniqa'), cfg).protocol; // { kind: 'patches', size: 32, stride: 32, maxPatches: 1024 }
 */
export function patchCardInput(
  spec: NetworkSpec,
  cfg: Pick<PatchesConfig, 'test' | 'lcn'>,
  channels: 1 | 3 = 1,
): PatchCardInput {
  const { size, stride, maxPatches } = cfg.test;
  const pixels =
    channels === 1
      ? {
          channels,
          grey: 'bt601' as const,
          pixelRange: spec.input.pixelRange,
          lcn: { size: cfg.lcn.size, c: cfg.lcn.c },
        }
      : { channels, pixelRange: spec.input.pixelRange };
  return {
    name: 'image',
    layout: 'patches',
    colorSpace: 'sRGB',
    ...pixels,
    minSize: size,
    smallImage: 'upscale',
    protocol: { kind: 'patches', size, stride, ...(maxPatches !== undefined ? { maxPatches } : {}) },
  };
}

export interface PatchCardDraftInput {
  spec: NetworkSpec;
  model: tf.LayersModel;
  cfg: PatchesConfig;
  state: TrainState;
  normalisation: { mean: number; std: number };
  split: { train: number; val: number };
  commands: string[];
  /** Seconds spent decoding the images and cutting their patches before training. */
  patchSeconds: number;
}

/** Builds the card draft of a patches run. */
export function draftPatchCard(d: PatchCardDraftInput): CardDraft {
  const { cfg } = d;
  const decay = cfg.lrDecay ? `, x${cfg.lrDecay.factor} every ${cfg.lrDecay.every} epochs` : '';
  const weight = d.spec.patchWeight;
  const paper = PATCH_PAPERS[d.spec.name];
  if (!paper)
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a patch network (${Object.keys(PATCH_PAPERS).join(', ')}) but received ${d.spec.name}`,
    );
  const target = weight
    ? "each image's weighted average of its patches' scores (sum(w q) / sum(w)) against its MOS"
    : "every patch labelled with its image's MOS";
  const batches = weight
    ? `batches of ${cfg.imagesPerBatch} images (${(cfg.imagesPerBatch ?? 0) * cfg.patchesPerImage} patches)`
    : `batches of ${cfg.batchSize}`;
  const scored = cfg.test.maxPatches !== undefined ? `at most ${cfg.test.maxPatches} patches` : 'every patch';
  const stage = {
    name: 'patches',
    description:
      `${cfg.loss.toUpperCase()} on MOS normalised by the training split (mean ${d.normalisation.mean.toFixed(3)}, ` +
      `std ${d.normalisation.std.toFixed(3)}), ${target}; ${cfg.patchesPerImage} ` +
      `random ${cfg.test.size}px patches of each training image's grid per epoch, ${batches}, ` +
      `Adam (learning rate ${cfg.learningRate}${decay}), ` +
      `L2 ${cfg.weightDecay} on kernels, dropout ${cfg.head.dropout ?? 0.5}; best epoch ${d.state.bestEpoch} of ` +
      `${cfg.epochs} chosen by validation SRCC (${scored} of each validation image, the card's protocol); ` +
      `decoding and patches ${Math.round(d.patchSeconds)} s`,
    epochs: d.state.epoch,
    wallSeconds: Math.round(d.state.wallSeconds + d.patchSeconds),
  };
  return {
    schemaVersion: 1,
    id: cfg.modelId ?? `${d.spec.name}-clive`,
    version: cfg.modelVersion ?? '0.1.0',
    task: 'nr',
    description: `${d.spec.description}; trained on CLIVE MOS.`,
    input: patchCardInput(d.spec, cfg, d.model.inputs[0]!.shape[3] === 3 ? 3 : 1),
    output: {
      ...mosOutput(d.normalisation),
      ...(weight ? { weight: { name: weight.layer, kind: 'patch-weight' as const } } : {}),
    },
    architecture: {
      network: d.spec.name,
      backbone: d.spec.backbone,
      taps: d.spec.taps,
      pooling: paper.pooling,
      params: d.model.countParams(),
    },
    training: {
      data: cliveSplitData(d.split),
      stages: [stage],
      commands: d.commands,
      seed: cfg.seed,
      machine: machineText(),
      wallSeconds: stage.wallSeconds,
    },
    metrics: [cliveValidationMetric(cfg, d.split.val, d.state, d.commands[d.commands.length - 1] ?? 'runPatches()')],
    licence: 'MIT',
    credits: [CLIVE_CREDIT, paper.credit],
  };
}
