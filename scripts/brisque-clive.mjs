// BRISQUE on CLIVE, trained in TypeScript: the 36 features of every image (cached under runs/brisque/),
// an RBF SVR whose C/gamma/epsilon are chosen by 5-fold CV inside each training split, SRCC/PLCC on the
// default split (splitByImage, valFraction 0.2, seed 2017, fold 0) and in 5-fold CV (folds 0..4), and the
// ms per 500x500 image of the feature extraction. With --model DIR it writes the default split's SVR as data.
// --random-splits N adds HyperIQA's protocol (CVPR 2020, SSL92/hyperIQA train_test_IQA.py): N random 80/20
// splits (split seeds 1..N), each with its own grid search, and the median SRCC/PLCC over them; --skip-cv runs
// only those (results in CACHE/random-splits.json).
// Usage: node scripts/brisque-clive.mjs [--csv DATA/clive/mos.csv] [--cache runs/brisque]
//        [--model models/brisque-clive] [--bench-images 20] [--bench-only] [--random-splits 10 [--skip-cv]]
// Run `npm run build` (or `npx tsc -b packages/core packages/image-node packages/train`) first.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BRISQUE_FEATURE_COUNT, brisqueFeatures, evaluatePredictions, predictSvr } from '@iqa-zoo/core';
import { decodeImage } from '@iqa-zoo/image-node';
import { fitSvr, gridSearchSvr, readMosCsv, splitByImage } from '@iqa-zoo/train';
import { DATA } from './lib/data-folder.mjs';

const { values: args } = parseArgs({
  options: {
    csv: { type: 'string', default: path.join(DATA, 'clive', 'mos.csv') },
    cache: { type: 'string', default: 'runs/brisque' },
    model: { type: 'string' },
    'bench-images': { type: 'string', default: '20' },
    'bench-only': { type: 'boolean', default: false },
    'random-splits': { type: 'string', default: '0' },
    'skip-cv': { type: 'boolean', default: false },
  },
});
/** This run's command line, recorded in the results and the card draft. */
const COMMAND = `node scripts/brisque-clive.mjs ${process.argv.slice(2).join(' ')}`.trim();
const randomSplits = Number(args['random-splits']);
if (!Number.isInteger(randomSplits) || randomSplits < 0)
  throw new RangeError(`Expected --random-splits to be a whole number >= 0 but received ${args['random-splits']}`);
if (args['skip-cv'] && (randomSplits === 0 || args.model))
  throw new Error('Expected --skip-cv with --random-splits N > 0 and without --model (the model is fold 0 of the CV)');

const VAL_FRACTION = 0.2;
const SPLIT_SEED = 2017;
const OUTER_FOLDS = 5;
const INNER_FOLDS = 5;
const INNER_SEED = 1;
// A small grid: C and gamma on a log scale (LIBSVM's default gamma is 1/36), epsilon in MOS points. A first run
// with C up to 256 chose 256 on every fold, so the grid reaches 4096.
const GRID = { C: [16, 64, 256, 1024, 4096], gamma: [0.01, 0.03, 0.1, 0.3], epsilon: [1, 5, 10] };

const f4 = (v) => v.toFixed(4);

/**
 * Features of every image, cached in CACHE/clive-features.json and saved every 50 images (an interrupted
 * pass resumes).
 */
async function extractAll(entries, cacheFile) {
  const cache = existsSync(cacheFile)
    ? JSON.parse(readFileSync(cacheFile, 'utf8'))
    : { featureCount: BRISQUE_FEATURE_COUNT, features: {} };
  const todo = entries.filter((e) => !cache.features[e.image]);
  console.log(`features: ${entries.length - todo.length} cached, ${todo.length} to compute (${cacheFile})`);
  const t0 = performance.now();
  for (let i = 0; i < todo.length; i++) {
    const e = todo[i];
    cache.features[e.image] = Array.from(brisqueFeatures(await decodeImage(e.file)));
    if ((i + 1) % 50 === 0 || i === todo.length - 1) {
      writeFileSync(cacheFile, JSON.stringify(cache));
      const s = (performance.now() - t0) / 1000;
      console.log(`features: ${i + 1}/${todo.length} (${s.toFixed(0)} s)`);
    }
  }
  return cache.features;
}

/**
 * Median and mean wall ms of brisqueFeatures on decoded 500x500 CLIVE images (decoding not timed), after a
 * warm-up, and the process CPU ms per image (which time spent waiting for a busy CPU does not inflate).
 */
async function benchmark(entries, count) {
  const images = [];
  for (const e of entries) {
    if (images.length === count) break;
    const img = await decodeImage(e.file);
    if (img.width === 500 && img.height === 500) images.push(img);
  }
  for (const img of images.slice(0, 3)) brisqueFeatures(img);
  const times = [];
  const cpu0 = process.cpuUsage();
  for (let rep = 0; rep < 3; rep++) {
    for (const img of images) {
      const t = performance.now();
      brisqueFeatures(img);
      times.push(performance.now() - t);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const cpuMs = (cpu.user + cpu.system) / 1000 / times.length;
  return {
    images: images.length,
    runs: times.length,
    medianMs: times[Math.floor(times.length / 2)],
    meanMs: mean,
    cpuMs,
    load: os.loadavg()[0],
  };
}

/** Chooses the grid point by CV inside `train`, fits it on all of `train`, and evaluates on `val`. */
function fitAndEvaluate(train, val, featuresOf, label) {
  const rows = train.map((e) => featuresOf[e.image]);
  const mos = train.map((e) => e.mos);
  const t0 = performance.now();
  const onResult = (_r, done, total) => {
    if (done % 10 === 0 || done === total)
      console.log(`${label}: grid ${done}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  };
  const { best, results } = gridSearchSvr(rows, mos, GRID, { folds: INNER_FOLDS, seed: INNER_SEED, onResult });
  const inner = results.find((r) => r.params === best);
  const fitted = fitSvr(rows, mos, best);
  fitted.dispose();
  const pred = val.map((e) => predictSvr(featuresOf[e.image], fitted.model));
  const m = evaluatePredictions(
    pred,
    val.map((e) => e.mos),
  );
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(
    `${label}: C ${best.C} gamma ${best.gamma} epsilon ${best.epsilon} (inner CV SRCC ${f4(inner.srcc)}), ` +
      `${fitted.model.supportVectors.length} SVs; val n ${m.n} SRCC ${f4(m.srcc)} PLCC ${f4(m.plcc)} ` +
      `(logistic ${f4(m.plccLogistic)}) [${s} s]`,
  );
  return {
    best,
    innerSrcc: inner.srcc,
    model: fitted.model,
    metrics: { n: m.n, srcc: m.srcc, plcc: m.plcc, plccLogistic: m.plccLogistic, krcc: m.krcc, rmse: m.rmse },
  };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));
/** numpy's median: the middle value, or the mean of the two middle values. */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

/**
 * HyperIQA's protocol: `count` random 80/20 splits (split seeds 1..count, fold 0 of each), each SVR chosen and
 * fitted as for the CV's folds; the median SRCC and PLCC over the splits, as HyperIQA reports them.
 */
function randomSplitRuns(count) {
  const runs = [];
  for (let seed = 1; seed <= count; seed++) {
    const { train, val } = splitByImage(entries, VAL_FRACTION, seed);
    const r = fitAndEvaluate(train, val, featuresOf, `random split ${seed}/${count}`);
    runs.push({ splitSeed: seed, params: r.best, innerSrcc: r.innerSrcc, ...r.metrics });
  }
  const sr = runs.map((r) => r.srcc);
  const pl = runs.map((r) => r.plcc);
  const summary = { srccMedian: median(sr), plccMedian: median(pl), srccMean: mean(sr), srccSd: sd(sr) };
  console.log(
    `${count} random 80/20 splits: median SRCC ${f4(summary.srccMedian)} PLCC ${f4(summary.plccMedian)} ` +
      `(SRCC ${f4(Math.min(...sr))} to ${f4(Math.max(...sr))}, mean ${f4(summary.srccMean)} +- ${f4(summary.srccSd)})`,
  );
  return { protocol: 'HyperIQA: random 80/20 splits, median over them', splits: runs, ...summary };
}

mkdirSync(args.cache, { recursive: true });
const entries = await readMosCsv(args.csv);
console.log(
  `CLIVE: ${entries.length} images from ${args.csv}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);

// --bench-images 0 skips the timing (results.json then has no benchmark).
const benchImages = Number(args['bench-images']);
const bench = benchImages > 0 ? await benchmark(entries, benchImages) : undefined;
if (bench) {
  console.log(
    `benchmark: brisqueFeatures on ${bench.images} decoded 500x500 images x 3: median ${bench.medianMs.toFixed(1)} ` +
      `ms, mean ${bench.meanMs.toFixed(1)} ms wall, ${bench.cpuMs.toFixed(1)} ms CPU per image ` +
      `(Node ${process.version}, load ${bench.load.toFixed(1)})`,
  );
}
if (args['bench-only']) process.exit(0);

const featuresOf = await extractAll(entries, path.join(args.cache, 'clive-features.json'));

if (args['skip-cv']) {
  const out = path.join(args.cache, 'random-splits.json');
  const random = randomSplitRuns(randomSplits);
  const record = { date: new Date().toISOString(), command: COMMAND, grid: GRID, ...random };
  writeFileSync(out, JSON.stringify(record, null, 2));
  console.log(`results: ${out}`);
  process.exit(0);
}

const folds = [];
for (let fold = 0; fold < OUTER_FOLDS; fold++) {
  const { train, val } = splitByImage(entries, VAL_FRACTION, SPLIT_SEED, fold);
  folds.push(fitAndEvaluate(train, val, featuresOf, fold === 0 ? `fold 0 (the default split)` : `fold ${fold}`));
}
const sr = folds.map((r) => r.metrics.srcc);
const pl = folds.map((r) => r.metrics.plcc);
console.log(`default split (fold 0): SRCC ${f4(sr[0])} PLCC ${f4(pl[0])}`);
console.log(
  `5-fold CV: SRCC ${f4(mean(sr))} +- ${f4(sd(sr))}, PLCC ${f4(mean(pl))} +- ${f4(sd(pl))} ` +
    '(mean +- sd over folds 0..4)',
);
const random = randomSplits > 0 ? randomSplitRuns(randomSplits) : undefined;
console.log('published CLIVE (HyperIQA table, CVPR 2020): BRISQUE SRCC 0.608, PLCC 0.629');

const results = {
  date: new Date().toISOString(),
  command: COMMAND,
  split: { valFraction: VAL_FRACTION, splitSeed: SPLIT_SEED },
  grid: GRID,
  innerFolds: INNER_FOLDS,
  benchmark: bench,
  folds: folds.map((r, fold) => ({
    fold,
    params: r.best,
    innerSrcc: r.innerSrcc,
    supportVectors: r.model.supportVectors.length,
    ...r.metrics,
  })),
  cv: { srccMean: mean(sr), srccSd: sd(sr), plccMean: mean(pl), plccSd: sd(pl) },
  randomSplits: random,
};
writeFileSync(path.join(args.cache, 'results.json'), JSON.stringify(results, null, 2));
console.log(`results: ${path.join(args.cache, 'results.json')}`);

/**
 * The training half of the card (training, metrics, licence, credits). scripts/brisque-model.mjs turns it, with
 * brisque-svr.json, into model.onnx and the zoo card (card.json: protocol brisque, files.onnx and files.svr).
 */
function cardDraft(file, bytes, { best, model, metrics }) {
  const measured = {
    command: results.command,
    runtime: 'Node, @iqa-zoo/core brisqueFeatures + predictSvr',
    date: results.date,
  };
  const clive =
    'LIVE In the Wild Image Quality Challenge Database: D. Ghadiyaram and A. C. Bovik, ' +
    '"Massive Online Crowdsourced Study of Subjective and Objective Picture Quality", IEEE TIP 2016.';
  return {
    schemaVersion: 1,
    id: 'brisque-clive',
    version: '0.1.0',
    task: 'nr',
    description:
      'BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012): 36 MSCN/AGGD features at two scales, ' +
      `RBF epsilon-SVR (C ${best.C}, gamma ${best.gamma}, epsilon ${best.epsilon}, ` +
      `${model.supportVectors.length} support vectors) fitted by LIBSVM on the CLIVE training split. ` +
      "Features as OpenCV's quality module computes them (AGGD fit for the MSCN, zero-filled products, " +
      'INTER_CUBIC half scale), in float64.',
    input: { colorSpace: 'sRGB', protocol: { kind: 'brisque', scales: 2, minSize: 16 } },
    output: { range: [0, 100], higherIsBetter: true, scale: 1, offset: 0 },
    files: {
      svr: { path: path.basename(file), sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), bytes },
    },
    architecture: {
      network: 'brisque-svr',
      backbone: 'none',
      taps: [],
      pooling: [],
      params: model.supportVectors.length * 37 + 36 * 2 + 2,
    },
    training: {
      data: [
        {
          name: 'CLIVE (LIVE In the Wild Challenge), training split',
          role: 'finetune',
          images: entries.length - metrics.n,
          licence: 'LIVE-README: use and redistribution with notice kept',
        },
        {
          name: 'CLIVE, validation split',
          role: 'validation',
          images: metrics.n,
          licence: 'LIVE-README: use and redistribution with notice kept',
        },
      ],
      stages: [
        {
          name: 'svr',
          description:
            `C, gamma and epsilon chosen from ${GRID.C.length * GRID.gamma.length * GRID.epsilon.length} grid points ` +
            `by ${INNER_FOLDS}-fold CV inside the training split (pooled SRCC), ` +
            'then fitted on the whole training split',
        },
      ],
      commands: [results.command],
      seed: SPLIT_SEED,
      machine: `${os.cpus().length} CPU cores (shared with other jobs), no GPU`,
    },
    metrics: [
      {
        dataset: 'CLIVE',
        split: `validation (20% by image, split seed ${SPLIT_SEED}, fold 0)`,
        n: metrics.n,
        measured,
        srcc: metrics.srcc,
        plcc: metrics.plcc,
        krcc: metrics.krcc,
        plccLogistic: metrics.plccLogistic,
        rmse: metrics.rmse,
      },
      {
        dataset: 'CLIVE',
        split: `5-fold CV (folds 0..4 of split seed ${SPLIT_SEED}, mean over folds)`,
        n: results.folds.reduce((a, f) => a + f.n, 0),
        measured,
        srcc: results.cv.srccMean,
        plcc: results.cv.plccMean,
      },
    ],
    licence: 'MIT (code and model); LIBSVM (libsvm-js) is BSD-3-Clause',
    credits: [
      'A. Mittal, A. K. Moorthy and A. C. Bovik, ' +
        '"No-Reference Image Quality Assessment in the Spatial Domain", IEEE TIP 2012.',
      'C.-C. Chang and C.-J. Lin, "LIBSVM: A library for support vector machines", ' +
        'ACM TIST 2011 (libsvm-js, the emscripten build).',
      clive,
    ],
  };
}

if (args.model) {
  mkdirSync(args.model, { recursive: true });
  const file = path.join(args.model, 'brisque-svr.json');
  const { best, model, metrics } = folds[0];
  const data = { format: 'iqa-zoo/brisque-svr', version: 1, features: 'brisque-36', params: best, metrics, ...model };
  const text = `${JSON.stringify(data)}\n`;
  writeFileSync(file, text);
  console.log(`model: ${file} (the default split's SVR, ${model.supportVectors.length} support vectors)`);
  const card = path.join(args.model, 'card.draft.json');
  writeFileSync(card, `${JSON.stringify(cardDraft(file, Buffer.byteLength(text), folds[0]), null, 2)}\n`);
  console.log(`card draft: ${card}`);
}
