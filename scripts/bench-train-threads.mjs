// Training on tfjs wasm with 1 thread against N (`iqa train --threads N`), in one run.
// 1. Steps: WaDIQaM-NR training steps (Adam, 128 random 32x32 patches, L1) in a fresh process per
//    thread count, alternating 1 and N for ROUNDS rounds; prints ms per step, the ratio, and checks
//    that both counts reach bitwise the same loss (exits 1 if not).
// 2. With --images M: `iqa train patches --config configs/wadiqam/clive.json` for 1 epoch on the first
//    M CLIVE images, with --threads 1 and N; prints both wall times, the ratio, and checks that the
//    two runs end with the same validation SRCC. Reads the data folder's clive/ ($IQA_ZOO_DATA, else ./data).
//   node scripts/bench-train-threads.mjs [--threads N] [--rounds R] [--steps S] [--images M]
// Run from the repository root after `npm install` (it uses the built packages), on an otherwise idle
// machine: the ratio is only as good as the cores the threads get. Any failing command exits non-zero.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cliveSubsetConfig } from './lib/clive-subset.mjs';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: String(Math.min(availableParallelism(), 8)) },
    rounds: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    images: { type: 'string' },
    child: { type: 'string' },
  },
});
const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`Expected a positive integer for --${name} but received ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
};

async function child(threads, steps) {
  const tf = await import('@tensorflow/tfjs');
  const { initTfBackend, buildWadiqam, WADIQAM_DEFAULTS } = await import('@iqa-zoo/train');
  tf.env().set('PROD', true);
  const info = await initTfBackend({ backend: 'wasm', threads });
  const model = buildWadiqam({ ...WADIQAM_DEFAULTS, dropout: 0 });
  const optimizer = tf.train.adam(1e-4);
  const x = tf.randomUniform([128, 32, 32, 3], 0, 1, 'float32', 3);
  const y = tf.randomNormal([128, 1], 0, 1, 'float32', 4);
  const step = () => {
    const loss = optimizer.minimize(() => {
      const out = model.predict(x);
      const score = Array.isArray(out) ? out[0] : out;
      return tf.mean(tf.abs(tf.sub(score, y)));
    }, true);
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  step(); // warm-up: kernels and XNNPACK operators are created on first use
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = step();
  const msPerStep = (performance.now() - t0) / steps;
  console.log(JSON.stringify({ threads, reason: info.reason, msPerStep, loss }));
}

function runChild(threads, steps) {
  const r = spawnSync(process.execPath, [process.argv[1], '--child', String(threads), '--steps', String(steps)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the ${threads}-thread step benchmark failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function benchSteps(threads, rounds, steps) {
  const ms = { 1: [], [threads]: [] };
  const losses = new Set();
  for (let round = 0; round < rounds; round++) {
    for (const n of [1, threads]) {
      const r = runChild(n, steps);
      if (!r.reason.includes(`${n} thread`)) throw new Error(`asked for ${n} threads but wasm says: ${r.reason}`);
      ms[n].push(r.msPerStep);
      losses.add(r.loss);
      console.log(`round ${round + 1}, ${n} thread(s): ${r.msPerStep.toFixed(1)} ms per step, loss ${r.loss}`);
    }
  }
  const one = median(ms[1]);
  const many = median(ms[threads]);
  console.log(
    `WaDIQaM-NR step (128 patches): 1 thread ${one.toFixed(1)} ms, ${threads} threads ${many.toFixed(1)} ms ` +
      `(medians of ${rounds}); ${threads} threads are ${(one / many).toFixed(2)}x as fast`,
  );
  if (losses.size !== 1) throw new Error(`the losses differ between thread counts: ${[...losses].join(', ')}`);
  console.log('losses: bitwise equal across thread counts');
}

async function benchEpoch(threads, images) {
  const { work, config } = cliveSubsetConfig('configs/wadiqam/clive.json', images, 'iqa-bench-threads-');
  const runs = {};
  for (const n of [1, threads]) {
    const args = ['packages/cli/bin/iqa.js', 'train', 'patches', '--config', config];
    args.push('--threads', String(n), '--out', path.join(work, `run-${n}`));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`iqa train patches --threads ${n} failed: ${r.stderr.slice(-2000)}`);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
    runs[n] = { seconds: (performance.now() - t0) / 1000, srcc: result.state.best.srcc };
    console.log(`iqa train patches --threads ${n}: ${runs[n].seconds.toFixed(1)} s, validation SRCC ${runs[n].srcc}`);
  }
  console.log(
    `1 epoch on ${images} CLIVE images: ${threads} threads are ` +
      `${(runs[1].seconds / runs[threads].seconds).toFixed(2)}x as fast as 1`,
  );
  if (runs[1].srcc !== runs[threads].srcc) throw new Error('the two runs end with different validation SRCC');
  console.log('validation SRCC: equal');
}

if (values.child !== undefined) {
  await child(positive('child', values.child), positive('steps', values.steps));
} else {
  const threads = positive('threads', values.threads);
  if (threads === 1) {
    console.error('Expected --threads above 1: the benchmark compares 1 thread with N');
    process.exit(2);
  }
  console.log(
    `${availableParallelism()} cores; load average before ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  try {
    await benchSteps(threads, positive('rounds', values.rounds), positive('steps', values.steps));
    if (values.images !== undefined) await benchEpoch(threads, positive('images', values.images));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
