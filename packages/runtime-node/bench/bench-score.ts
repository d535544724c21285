/**
 * Benchmark: `iqa score` over a folder of 500x500 JPEGs (issue 6).
 *  1. end to end through the CLI (in-process runCli, JSON lines to /dev/null): images/s;
 *  2. per image, serially: decode (sharp) + preprocess (core) vs session.run, as shares of the sum;
 *  3. concurrent `score` calls merged into one session.run, per maxBatch:maxBatchItems setting
 *     (1:1 = never merge, the CPU default; 8:32 = up to 8 images and 32 crops; 8:1000 = up to 8 images
 *     whatever their crops): images/s.
 *
 *   npm run bench:score -w @iqa-zoo/runtime-node -- [--images 40] [--model ID|PATH] [--network mobilenetv2-ml] \
 *     [--crops 30] [--size 224] [--merge 1:1,8:32,8:1000]
 */
import { performance } from 'node:perf_hooks';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { preprocess } from '@iqa-zoo/core';
import { runCli } from '@iqa-zoo/cli';
import { createScorer, decodeImage, loadModel } from '@iqa-zoo/runtime-node';
import { benchModel, jpegFolder, machineLine, median } from './bench-model.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '40' },
    model: { type: 'string' },
    network: { type: 'string', default: 'mobilenetv2-ml' },
    crops: { type: 'string', default: '30' },
    size: { type: 'string', default: '224' },
    merge: { type: 'string', default: '1:1,8:32,8:1000' },
    'skip-cli': { type: 'boolean' },
  },
});

await tf.setBackend('cpu');
const bm = await benchModel({
  model: values.model,
  network: values.network!,
  protocol: { kind: 'crops', count: Number(values.crops), size: Number(values.size), seed: 0 },
});
const dir = await jpegFolder(Number(values.images));
const files = (await readdir(dir)).map((f) => path.join(dir, f));
console.log(
  `# iqa score benchmark\nmachine: ${machineLine()}\nmodel: ${bm.label}\nimages: ${files.length} JPEGs 500x500 (q90)\n`,
);

// 1. End to end through the CLI.
if (!values['skip-cli']) {
  let lines = 0;
  const io = {
    stdout: { write: () => lines++ },
    stderr: { write: (t: string) => process.stderr.write(t) },
    stderrIsTTY: false,
  };
  // warm-up (model load, first run)
  const warm = await runCli(['score', '--json', '--device', 'cpu', '--model', bm.model, files[0]!], io);
  const t0 = performance.now();
  const code = await runCli(['score', '--json', '--device', 'cpu', '--model', bm.model, dir], io);
  const secs = (performance.now() - t0) / 1000;
  if (warm !== 0 || code !== 0 || lines - 1 !== files.length) {
    // A run that failed measured nothing: no throughput, and a non-zero exit for scripts that chain benchmarks.
    console.error(
      `bench-score: iqa score failed (exit ${warm} warm-up, ${code} timed run; ${lines - 1} of ${files.length} ` +
        `lines); no throughput reported`,
    );
    process.exit(1);
  }
  console.log(
    `iqa score (CLI, includes model load): ${files.length} images in ${secs.toFixed(2)} s = ` +
      `${(files.length / secs).toFixed(2)} images/s (exit ${code}, ${lines - 1} lines)`,
  );
}

// 2. Where the time goes, one image at a time.
{
  const { card, onnx } = await loadModel(bm.model);
  const session = await ort.InferenceSession.create(onnx, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
  });
  const dec: number[] = [];
  const pre: number[] = [];
  const run: number[] = [];
  for (const [i, file] of files.entries()) {
    const t0 = performance.now();
    const pixels = await decodeImage(file);
    const t1 = performance.now();
    const tensor = preprocess(pixels, card.input);
    const t2 = performance.now();
    await session.run({ [card.input.name]: new ort.Tensor('float32', tensor.data, tensor.dims) });
    const t3 = performance.now();
    if (i === 0) continue; // warm-up
    dec.push(t1 - t0);
    pre.push(t2 - t1);
    run.push(t3 - t2);
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const total = sum(dec) + sum(pre) + sum(run);
  const pct = (a: number[]) => ((100 * sum(a)) / total).toFixed(1);
  console.log(
    `per image (median ms): decode ${median(dec).toFixed(1)}, preprocess ${median(pre).toFixed(1)}, session.run ` +
      `${median(run).toFixed(1)}\n` +
      `share of serial time: decode ${pct(dec)}%, preprocess ${pct(pre)}%, decode+preprocess ` +
      `${((100 * (sum(dec) + sum(pre))) / total).toFixed(1)}%, session.run ${pct(run)}%`,
  );
  await session.release();
}

// 3. Merging concurrent score calls into one session.run.
for (const setting of values.merge!.split(',')) {
  const [maxBatch, maxBatchItems] = setting.split(':').map(Number) as [number, number];
  const scorer = await createScorer(bm.model, { device: 'cpu', maxBatch, maxBatchItems });
  await scorer.score(files[0]!);
  scorer.stats.runs = 0;
  scorer.stats.images = 0;
  const t0 = performance.now();
  await Promise.all(files.map((f) => scorer.score(f)));
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `concurrent score, maxBatch ${maxBatch}, maxBatchItems ${maxBatchItems}: ${(files.length / secs).toFixed(2)} ` +
      `images/s (${scorer.stats.runs} session.run calls for ${scorer.stats.images} images)`,
  );
  await scorer.dispose();
}
