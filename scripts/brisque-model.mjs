#!/usr/bin/env node
// Turns the SVR that scripts/brisque-clive.mjs fitted (models/brisque-clive/brisque-svr.json, with its
// card.draft.json) into the zoo model: model.onnx (all of BRISQUE as one ONNX graph: grey, MSCN, the
// AGGD fits at two scales, svm-scale and the RBF SVR; the card embedded in its metadata) and card.json
// (protocol `brisque`, layout NHWC, files with their hashes). Then it scores the first --check-images CLIVE
// photos with the graph in onnxruntime-node and with core (brisqueFeatures + predictSvr) and prints the
// largest difference.
// Usage: node scripts/brisque-model.mjs [--dir models/brisque-clive] [--check-images 40]
//        (CLIVE: IQA_ZOO_DATA or ./data)
// Run `npx tsc -b packages/core packages/train` first. Rerunning it on a folder with card.json and no draft
// rebuilds model.onnx and card.json from card.json (the training fields, metrics, ranking, speeds and presets are
// kept).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BRISQUE_FEATURE_COUNT, brisqueFeatures, parseBrisqueModel, predictSvr } from '@iqa-zoo/core';
import { brisqueToOnnx } from '@iqa-zoo/train';
import {
  checkGraphAgainstCore,
  pixelGraphCardIo,
  readCardSource,
  writePixelGraphModel,
} from './lib/pixel-graph-model.mjs';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'models/brisque-clive' },
    'check-images': { type: 'string', default: '40' },
    version: { type: 'string' },
  },
});

const cardSource = readCardSource(args.dir);
const { source } = cardSource;
const svrText = readFileSync(path.join(args.dir, 'brisque-svr.json'));
const svr = parseBrisqueModel(JSON.parse(svrText.toString('utf8')), 'brisque-svr.json');
const { C, gamma, epsilon } = svr.params;
const svs = svr.supportVectors.length;

const card = {
  schemaVersion: 1,
  id: source.id,
  version: args.version ?? source.version,
  task: 'nr',
  description:
    `BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012) fitted on CLIVE: ` +
    `36 MSCN/AGGD features of the image and its half-scale copy, ` +
    `RBF epsilon-SVR (C ${C}, gamma ${gamma}, epsilon ${epsilon}, ${svs} support vectors) ` +
    `fitted by LIBSVM on the CLIVE training split. ` +
    `model.onnx is all of BRISQUE as one graph, float64 but for grey's fixed point (float32, exact) and the ` +
    `pairwise products and their row sums (float32) (grey, MSCN, ` +
    `AGGD fits by ArgMin over core's shape table, ` +
    `the half-scale cubic copy, svm-scale, the RBF SVR): the image's RGB levels in, the score out, ` +
    `in onnxruntime-node and onnxruntime-web alike; it equals core's TypeScript path to 1e-5. ` +
    `Where ours differs from OpenCV's quality module (BRISQUE trained on LIVE): ` +
    `the SVR is fitted on CLIVE, not LIVE; features in float64 where OpenCV uses float32 ` +
    `(shapes within 0.002, median relative difference 4.8e-4 on 40 CLIVE photos), ` +
    `flat windows give MSCN 0 exactly. Where OpenCV and ours differ from the paper: ` +
    `the MSCN shape comes from the AGGD fit, products are 0 outside the image, ` +
    `the half-scale copy is INTER_CUBIC without antialiasing (docs/classic-models.md).`,
  ...pixelGraphCardIo({ kind: 'brisque', scales: 2 }),
  files: undefined, // filled below
  architecture: {
    network: 'brisque',
    backbone: '36 MSCN/AGGD features, RBF SVR',
    taps: [],
    pooling: [],
    params: svs * (BRISQUE_FEATURE_COUNT + 1) + 2 * BRISQUE_FEATURE_COUNT + 2,
  },
  training: {
    ...source.training,
    commands: [...new Set([...source.training.commands, `node scripts/brisque-model.mjs --dir ${args.dir}`])],
  },
  metrics: source.metrics,
  ...(source.ranking ? { ranking: source.ranking } : {}),
  ...(source.speed ? { speed: source.speed } : {}),
  ...(source.presets ? { presets: source.presets } : {}),
  // One intra-op thread in onnxruntime-node unless the caller says otherwise: the graph is hundreds of small
  // memory-bound ops, and a second thread made it slower and doubled its CPU time (docs/classic-models.md, Speed).
  runtime: { threads: 1 },
  licence: source.licence,
  credits: source.credits,
};

const onnx = writePixelGraphModel({
  dir: args.dir,
  card,
  toOnnx: (metadata) => brisqueToOnnx(svr, { metadata }),
  params: { key: 'svr', name: 'brisque-svr.json', bytes: svrText },
  cardSource,
});

// The graph against core's TypeScript path on CLIVE photos.
await checkGraphAgainstCore(
  onnx,
  Number(args['check-images']),
  (rgb) => predictSvr(brisqueFeatures(rgb), svr),
  'brisqueFeatures + predictSvr',
);
