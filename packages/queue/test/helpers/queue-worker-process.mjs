// A scoring worker in its own process for the queue tests, on the built packages (dist/):
//   node queue-worker-process.mjs REDIS_URL MODEL_DIR LOCK_MS [hang]
// Prints "ready" once it consumes jobs, and "scoring NAME" when a job starts. With "hang" every
// job starts and never ends (a worker to kill mid-job). SIGTERM closes the worker and exits 0.
import { startScoreWorker } from '@iqa-zoo/queue';
import { createScorer } from '@iqa-zoo/runtime-node';

const [redis, modelDir, lockMs, mode] = process.argv.slice(2);
const real = await createScorer(modelDir, { device: 'cpu', onWarning: () => {} });
const scorer = {
  ...real,
  async score(input) {
    if (mode === 'hang') await new Promise(() => {});
    return real.score(input);
  },
};
const worker = await startScoreWorker({
  redis,
  scorer,
  lockDurationMs: Number(lockMs),
  stalledIntervalMs: Math.ceil(Number(lockMs) / 3),
  onJob: (event) => {
    if (event.state === 'active') process.stdout.write(`scoring ${event.name}\n`);
  },
});
process.stdout.write(`ready ${worker.queueName}\n`);
process.once('SIGTERM', async () => {
  await worker.close();
  await real.dispose();
  process.exit(0);
});
