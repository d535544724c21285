#!/usr/bin/env node
// Turns the SVR that scripts/brisque-clive.mjs fitted (models/brisque-clive/brisque-svr.json, with its
// card.draft.json) into the zoo model: model.onnx (svm-scale + the RBF SVR as one float64 ONNX graph, the
// card embedded in its metadata) and card.json (protocol `brisque`, files with their hashes). Then it checks
// the graph against core's predictSvr on every cached CLIVE feature row (runs/brisque/clive-features.json)
// with onnxruntime-node and prints the largest difference.
// Usage: node scripts/brisque-model.mjs [--dir models/brisque-clive] [--features runs/brisque/clive-features.json]
// Run `npx tsc -b packages/core packages/train` first. Rerunning it on a folder with card.json and no draft
// rebuilds model.onnx and card.json from card.json (the training fields and metrics are kept).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CARD_METADATA_KEY, BRISQUE_FEATURE_COUNT, parseBrisqueModel, predictSvr, validateCard } from '@iqa-zoo/core';
import { svrToOnnx } from '@iqa-zoo/train';
import * as ort from 'onnxruntime-node';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'models/brisque-clive' },
    features: { type: 'string', default: 'runs/brisque/clive-features.json' },
  },
});

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const fileEntry = (name, bytes) => ({ path: name, sha256: sha256(bytes), bytes: bytes.length });

const draftPath = path.join(args.dir, 'card.draft.json');
const cardPath = path.join(args.dir, 'card.json');
const fromDraft = existsSync(draftPath);
const source = JSON.parse(readFileSync(fromDraft ? draftPath : cardPath, 'utf8'));
const svrText = readFileSync(path.join(args.dir, 'brisque-svr.json'));
const svr = parseBrisqueModel(JSON.parse(svrText.toString('utf8')), 'brisque-svr.json');
const { C, gamma, epsilon } = svr.params;
const svs = svr.supportVectors.length;

const card = {
  schemaVersion: 1,
  id: source.id,
  version: source.version,
  task: 'nr',
  description:
    `BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012) fitted on CLIVE: 36 MSCN/AGGD features of the image and its half-scale copy, ` +
    `RBF epsilon-SVR (C ${C}, gamma ${gamma}, epsilon ${epsilon}, ${svs} support vectors) fitted by LIBSVM on the CLIVE training split. ` +
    `The features are computed by @iqa-zoo/core in float64, identically in Node and the browser, and fed to model.onnx as float32; ` +
    `model.onnx holds the svm-scale step and the SVR in float64. Where ours differs from OpenCV's quality module (BRISQUE trained on LIVE): ` +
    `the SVR is fitted on CLIVE, not LIVE; features in float64 where OpenCV uses float32 (shapes within 0.002, median relative difference 4.8e-4 on 40 CLIVE photos), ` +
    `flat windows give MSCN 0 exactly. Where OpenCV and ours differ from the paper: the MSCN shape comes from the AGGD fit, products are 0 outside the image, ` +
    `the half-scale copy is INTER_CUBIC without antialiasing (docs/classic-models.md).`,
  input: {
    name: 'features',
    layout: 'features',
    features: 'brisque-36',
    colorSpace: 'sRGB',
    grey: 'opencv-bt601',
    minSize: 16,
    smallImage: 'reject',
    protocol: { kind: 'brisque', scales: 2 },
  },
  output: { name: 'score', range: [0, 100], higherIsBetter: true, scale: 1, offset: 0 },
  files: undefined, // filled below
  architecture: {
    network: 'brisque-svr',
    backbone: '36 BRISQUE features',
    taps: [],
    pooling: [],
    params: svs * (BRISQUE_FEATURE_COUNT + 1) + 2 * BRISQUE_FEATURE_COUNT + 2,
  },
  training: {
    ...source.training,
    commands: [...new Set([...source.training.commands, `node scripts/brisque-model.mjs --dir ${args.dir}`])],
  },
  metrics: source.metrics,
  ...(source.speed ? { speed: source.speed } : {}),
  licence: source.licence,
  credits: source.credits,
};

// Neither files (a file cannot hold its own hash) nor measured speeds (they change with each benchmark) go into the ONNX file.
const { files: _none, speed: _speed, ...embedded } = card;
const onnx = svrToOnnx(svr, { metadata: { [CARD_METADATA_KEY]: JSON.stringify(embedded) } });
writeFileSync(path.join(args.dir, 'model.onnx'), onnx);
card.files = { onnx: fileEntry('model.onnx', onnx), svr: fileEntry('brisque-svr.json', svrText) };
validateCard(card, cardPath);
writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
if (fromDraft) rmSync(draftPath);
console.log(`wrote ${path.join(args.dir, 'model.onnx')} (${onnx.length} bytes) and ${cardPath}${fromDraft ? `; removed ${draftPath}` : ''}`);

// The graph against core's predictSvr on the same float32 features.
if (existsSync(args.features)) {
  const rows = Object.values(JSON.parse(readFileSync(args.features, 'utf8')).features);
  const session = await ort.InferenceSession.create(onnx);
  const f32 = Float32Array.from(rows.flat());
  const out = (await session.run({ features: new ort.Tensor('float32', f32, [rows.length, BRISQUE_FEATURE_COUNT]) })).score.data;
  let maxF32 = 0;
  let maxF64 = 0;
  rows.forEach((row, i) => {
    const asFed = Array.from(f32.subarray(i * BRISQUE_FEATURE_COUNT, (i + 1) * BRISQUE_FEATURE_COUNT));
    maxF32 = Math.max(maxF32, Math.abs(out[i] - predictSvr(asFed, svr)));
    maxF64 = Math.max(maxF64, Math.abs(out[i] - predictSvr(row, svr)));
  });
  await session.release();
  console.log(
    `onnxruntime-node vs core predictSvr on ${rows.length} CLIVE feature rows: max |diff| ${maxF32.toExponential(2)} (same float32 features), ` +
      `${maxF64.toExponential(2)} (core on float64 features)`,
  );
} else {
  console.log(`no ${args.features}: the graph was not checked against predictSvr (run scripts/brisque-clive.mjs first)`);
}
