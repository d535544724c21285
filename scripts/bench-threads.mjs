// Per-image time of one scorer at each intra-op thread setting, in one run (issue 22, item 4): the
// median of 8 scores of one 500x500 JPEG after a warm-up, for 1 thread, one per core (the default,
// defaultIntraOpThreads()) and 0 (onnxruntime's own choice). Prints ms per image and the ratio to 1
// thread. Usage: node scripts/bench-threads.mjs [MODEL] (default mobilenetv2-ml-clive); run
// `npm run build` first. A failed score throws, so the script exits non-zero with no timing.
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { createScorer } from '@iqa-zoo/runtime-node';

const model = process.argv[2] ?? 'mobilenetv2-ml-clive';
const image = await sharp('examples/parrots.jpg').resize(500, 500).jpeg().toBuffer();
const settings = [...new Set([1, availableParallelism()])].map((t) => [String(t), t]).concat([['0 (onnxruntime)', 0]]);
const ms = {};
for (const [label, threads] of settings) {
  const scorer = await createScorer(model, { device: 'cpu', threads });
  await scorer.score(image);
  const times = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    await scorer.score(image);
    times.push(performance.now() - t0);
  }
  await scorer.dispose();
  ms[label] = times.sort((a, b) => a - b)[4];
}
for (const [label, t] of Object.entries(ms))
  console.log(`threads ${label}\t${t.toFixed(1)} ms/image\t${(ms['1'] / t).toFixed(2)}x vs 1 thread`);
