import type * as tf from '@tensorflow/tfjs';
import { registerNetwork, headOptions, type NetworkInputSpec, type NetworkSpec } from './registry.js';
import { VGG16, VGG_SMALL, VGG_TINY, buildVgg, type VggConfig } from './vgg.js';
import { MOBILENETV2_TAPS, buildMobileNetV2 } from './mobilenetv2.js';
import { INCEPTIONV3_TAPS, buildInceptionV3 } from './inceptionv3.js';
import { nsfwjsBackboneLayers } from './nsfwjs-network.js';
import { CNNIQA_DEFAULTS, CNNIQA_PATCH, buildCnniqa } from './cnniqa.js';
import { NIMA_BINS, NIMA_DISTRIBUTION_LAYER, NIMA_TAP, buildNima } from './nima.js';
import { WADIQAM_DEFAULTS, WADIQAM_PATCH, buildWadiqam } from './wadiqam.js';

export { GlobalStdPooling2D, STD_POOLING_EPSILON } from './global-std-pooling.js';
export { GlobalExtremumPooling2D, buildCnniqa, CNNIQA_DEFAULTS, CNNIQA_PATCH } from './cnniqa.js';
export type { CnniqaOptions } from './cnniqa.js';
export { buildWadiqam, WADIQAM_DEFAULTS, WADIQAM_FILTERS, WADIQAM_PATCH } from './wadiqam.js';
export type { WadiqamOptions } from './wadiqam.js';
export { PatchWeight, PATCH_WEIGHT_EPSILON } from './patch-weight.js';
export { DistributionMoments, distributionMoments, binValues } from './distribution-moments.js';
export { buildNima, NIMA_BINS, NIMA_DISTRIBUTION_LAYER, NIMA_TAP } from './nima.js';
export { multiLevelHead, DEFAULT_HEAD } from './multi-level-head.js';
export type { HeadOptions } from './multi-level-head.js';
export { registerNetwork, getNetwork, listNetworks, headOptions } from './registry.js';
export type { NetworkSpec, NetworkInputSpec } from './registry.js';
export { buildVgg, VGG16, VGG_SMALL, VGG_TINY } from './vgg.js';
export type { VggConfig } from './vgg.js';
export { buildMobileNetV2, MOBILENETV2_TAPS } from './mobilenetv2.js';
export { buildInceptionV3, INCEPTIONV3_TAPS } from './inceptionv3.js';
export { buildNsfwjsNetwork, nsfwjsBackboneLayers } from './nsfwjs-network.js';
export { loadNsfwjsModel } from './pretrained/nsfwjs-weights.js';
export type { NsfwjsModelName } from './pretrained/nsfwjs-weights.js';

const IMAGENET: Omit<NetworkInputSpec, 'cropSize' | 'minSize'> = {
  pixelRange: [0, 1],
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};

function registerVgg(name: string, description: string, backbone: string, config: VggConfig, cropSize: number): void {
  const minSize = 2 ** config.filters.length;
  registerNetwork({
    name,
    description,
    backbone,
    input: { ...IMAGENET, cropSize, minSize },
    taps: config.taps.map((b) => `block${b}`),
    build: async (head) => buildVgg(config, headOptions(head), name),
    backboneLayers: (model: tf.LayersModel) =>
      model.layers.filter((l) => l.name.startsWith('block')).map((l) => l.name),
  });
}

registerVgg('vgg16-ml', 'VGG16 (random init) with taps after conv blocks 3, 4 and 5', 'VGG16', VGG16, 224);
registerVgg(
  'vgg-small-ml',
  'Small VGG-style net (4 blocks, 16-96 filters) with taps after blocks 2, 3 and 4',
  'VGG-small',
  VGG_SMALL,
  128,
);
registerVgg(
  'vgg-tiny-ml',
  'Tiny VGG-style net for tests (3 blocks, 4-8 filters), taps after blocks 2 and 3',
  'VGG-tiny',
  VGG_TINY,
  32,
);

/** A network on an nsfwjs backbone: inputs in [0, 1] (nsfwjs divides by 255), no mean/std. */
function registerNsfwjs(
  spec: Pick<NetworkSpec, 'name' | 'description' | 'backbone' | 'taps' | 'build' | 'distribution'> & {
    cropSize: number;
    minSize: number;
  },
): void {
  const { cropSize, minSize, ...rest } = spec;
  registerNetwork({
    ...rest,
    input: { pixelRange: [0, 1], mean: [0, 0, 0], std: [1, 1, 1], cropSize, minSize },
    backboneLayers: nsfwjsBackboneLayers,
  });
}

registerNsfwjs({
  name: 'mobilenetv2-ml',
  description: 'MobileNetV2 (alpha 1.0, pretrained weights from nsfwjs) with taps at output strides 4, 8, 16 and 32',
  backbone: 'MobileNetV2',
  cropSize: 224,
  minSize: 32,
  taps: MOBILENETV2_TAPS,
  build: (head) => buildMobileNetV2(headOptions(head), 'mobilenetv2-ml'),
});

registerNsfwjs({
  name: 'mobilenetv2-nima',
  description:
    'NIMA (Talebi and Milanfar, IEEE TIP 2018) on MobileNetV2 (alpha 1.0, pretrained weights from nsfwjs): ' +
    'average pooling of out_relu, dropout, dense 10 + softmax, a distribution over the scores 1..10 ' +
    '(outputs: its mean and standard deviation)',
  backbone: 'MobileNetV2',
  cropSize: 224,
  minSize: 32,
  taps: [NIMA_TAP],
  build: (head) => buildNima(headOptions(head), 'mobilenetv2-nima'),
  distribution: { layer: NIMA_DISTRIBUTION_LAYER, bins: NIMA_BINS },
});

registerNsfwjs({
  name: 'inceptionv3-ml',
  description: 'InceptionV3 (pretrained weights from nsfwjs) with taps at output strides 4, 8, 16 and 32',
  backbone: 'InceptionV3',
  cropSize: 299,
  minSize: 75,
  taps: INCEPTIONV3_TAPS,
  build: (head) => buildInceptionV3(headOptions(head), 'inceptionv3-ml'),
});

registerNetwork({
  name: 'cnniqa',
  description:
    'CNNIQA (Kang et al. CVPR 2014): 32x32 grey LCN patches, one 7x7 conv (50 filters), global max + min pooling, ' +
    'FC 800, FC 800, FC 1; the image score is the mean over patches',
  backbone: 'CNNIQA',
  // The card's input is a patch input (core's patchTensor); these fields say what the patches hold: grey levels.
  input: { pixelRange: [0, 255], mean: [0, 0, 0], std: [1, 1, 1], cropSize: CNNIQA_PATCH, minSize: CNNIQA_PATCH },
  taps: ['conv1'],
  // head.hidden: the FC width (0: Kang's 800); head.dropout and head.seed as for the other networks.
  build: async (head) =>
    buildCnniqa({
      hidden: head?.hidden || CNNIQA_DEFAULTS.hidden,
      filters: CNNIQA_DEFAULTS.filters,
      dropout: head?.dropout ?? CNNIQA_DEFAULTS.dropout,
      seed: head?.seed ?? CNNIQA_DEFAULTS.seed,
    }),
  backboneLayers: () => ['conv1'],
});

/** Bosse et al.'s patch network: WaDIQaM-NR with its weight branch, DIQaM-NR without. */
function registerBosse(name: 'wadiqam-nr' | 'diqam-nr', description: string, weighted: boolean): void {
  registerNetwork({
    name,
    description:
      `${description}: 32x32 RGB patches, ten 3x3 convs (32-512 filters, VGG-style, 2x2 max pooling after each ` +
      `pair), ${weighted ? 'a quality branch and a weight branch (FC 512, FC 1)' : 'FC 512, FC 1'}; the image ` +
      `score is the ${weighted ? 'weighted mean' : 'mean'} over patches`,
    backbone: weighted ? 'WaDIQaM-NR' : 'DIQaM-NR',
    // The card's input is a patch input (core's patchTensor); these fields say what the patches hold: RGB in [0, 1].
    input: { pixelRange: [0, 1], mean: [0, 0, 0], std: [1, 1, 1], cropSize: WADIQAM_PATCH, minSize: WADIQAM_PATCH },
    taps: ['features'],
    // head.hidden: the branches' FC width (0: Bosse's 512); head.dropout and head.seed as for the other networks.
    build: async (head) =>
      buildWadiqam(
        {
          hidden: head?.hidden || WADIQAM_DEFAULTS.hidden,
          dropout: head?.dropout ?? WADIQAM_DEFAULTS.dropout,
          seed: head?.seed ?? WADIQAM_DEFAULTS.seed,
          weighted,
        },
        name,
      ),
    backboneLayers: () => Array.from({ length: 10 }, (_, i) => `conv${i + 1}`),
    ...(weighted ? { patchWeight: { layer: 'weight' } } : {}),
  });
}

registerBosse('wadiqam-nr', 'WaDIQaM-NR (Bosse et al. IEEE TIP 2018)', true);
registerBosse('diqam-nr', 'DIQaM-NR (Bosse et al. IEEE TIP 2018): WaDIQaM-NR without its weight branch', false);
