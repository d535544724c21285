#!/usr/bin/env node
// Turns the model that scripts/hosa-clive.mjs fitted (models/hosa-clive/hosa-model.json, with its card.draft.json)
// into the zoo model: model.onnx (all of HOSA as one float64 ONNX graph: grey, normalised 7x7 patches, soft
// assignment to the codebook, mean/variance/skewness aggregation, signed power and L2 normalisation, the linear SVR;
// the card embedded in its metadata) and card.json (protocol `hosa`, layout NHWC, files with their hashes). Then it
// scores the first --check-images CLIVE photos with the graph in onnxruntime-node and with core (scoreHosa) and
// prints the largest difference.
// Usage: node scripts/hosa-model.mjs [--dir models/hosa-clive] [--check-images 40] [--version 0.1.0]
//        (CLIVE: IQA_ZOO_DATA or ./data)
// Run `npx tsc -b packages/core packages/train` first. Rerunning it on a folder with card.json and no draft rebuilds
// model.onnx and card.json from card.json (training, metrics, ranking, speeds and presets are kept).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hosaFeatureCount, parseHosaModel, scoreHosa } from '@iqa-zoo/core';
import { hosaToOnnx } from '@iqa-zoo/train';
import {
  checkGraphAgainstCore,
  pixelGraphCardIo,
  readCardSource,
  writePixelGraphModel,
} from './lib/pixel-graph-model.mjs';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'models/hosa-clive' },
    'check-images': { type: 'string', default: '40' },
    version: { type: 'string' },
  },
});

const cardSource = readCardSource(args.dir);
const { source } = cardSource;
const modelText = readFileSync(path.join(args.dir, 'hosa-model.json'));
const model = parseHosaModel(JSON.parse(modelText.toString('utf8')), 'hosa-model.json');
const { codebook } = model;
const k = codebook.means.length;
const { C, epsilon } = JSON.parse(modelText.toString('utf8')).params;
const n = hosaFeatureCount(codebook);

const card = {
  schemaVersion: 1,
  id: source.id,
  version: args.version ?? source.version,
  task: 'nr',
  description:
    `HOSA (Xu, Ye, Li, Du, Liu and Doermann, IEEE TIP 2016) fitted on CLIVE: non-overlapping ` +
    `${codebook.patch}x${codebook.patch} grey patches normalised as (p - mean) / (std + ${codebook.c}), ` +
    `soft-assigned (beta ${codebook.beta}) to their ${codebook.r} nearest of ${k} codewords; per codeword the ` +
    `differences of the patches' weighted mean, variance and skewness from the codeword's (${n} numbers), ` +
    `signed power (alpha ${codebook.alpha}) and L2 normalised; a linear epsilon-SVR (C ${C}, epsilon ${epsilon}) ` +
    `fitted by LIBSVM on the CLIVE training split. model.onnx is all of HOSA as one float64 graph, ` +
    `the image's RGB levels in, the score out, in onnxruntime-node and onnxruntime-web alike; it equals core's ` +
    `TypeScript path (scoreHosa) to 1e-4. Where ours differs from the paper: the codebook is learnt by k-means ` +
    `from patches of our pristine photos (BSDS500, Kodak, McMaster, Debian wallpapers), not CSIQ; no ZCA ` +
    `whitening; OpenCV's BT.601 grey; LIBSVM's linear kernel instead of LIBLINEAR; beta, the skewness ` +
    `stabiliser (m3 / (m2 + ${codebook.eps})^1.5) and the handling of ties and empty codewords are ours ` +
    `(docs/classic-models.md, "HOSA").`,
  ...pixelGraphCardIo({ kind: 'hosa', patch: codebook.patch }),
  files: undefined, // filled below
  architecture: {
    network: 'hosa',
    backbone:
      `${k}-codeword codebook of ${codebook.patch}x${codebook.patch} patches ` +
      '(mean, variance, skewness), linear SVR',
    taps: [],
    pooling: [],
    params: 3 * k * codebook.patch ** 2 + n + 1,
  },
  training: {
    ...source.training,
    commands: [...new Set([...source.training.commands, `node scripts/hosa-model.mjs --dir ${args.dir}`])],
  },
  metrics: source.metrics,
  ...(source.ranking ? { ranking: source.ranking } : {}),
  ...(source.speed ? { speed: source.speed } : {}),
  ...(source.presets ? { presets: source.presets } : {}),
  // One intra-op thread in onnxruntime-node unless the caller says otherwise, as brisque-clive: on 2 shared cores a
  // second thread mostly waits (docs/classic-models.md, "HOSA", Speed).
  runtime: { threads: 1 },
  licence: source.licence,
  credits: source.credits,
};

const onnx = writePixelGraphModel({
  dir: args.dir,
  card,
  toOnnx: (metadata) => hosaToOnnx(model, { metadata }),
  params: { key: 'svr', name: 'hosa-model.json', bytes: modelText },
  cardSource,
});

// The graph against core's TypeScript path on CLIVE photos.
await checkGraphAgainstCore(onnx, Number(args['check-images']), (rgb) => scoreHosa(rgb, model), 'scoreHosa');
