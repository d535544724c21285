import { DEVICES, type NodeDevice, createScorer } from '@iqa-zoo/runtime-node';
import { intFlag, oneOf, parseCommandArgs, threadsFlag } from './args.js';
import { type CliIo, EXIT } from './io.js';
import { modelOptions } from './model-options.js';
import { loadQueue, redisFlag } from './queue-flags.js';

export const WORKER_USAGE =
  'Usage: iqa worker --redis URL [--model ID|PATH] [--concurrency 1] [--queue NAME] [--device auto|cuda|cpu] ' +
  `[--threads N]
                  [--lock-ms 30000] [--stalled-ms 30000] [--verbose]
  Scores the jobs of one model's queue on Redis (BullMQ; jobs come from "iqa enqueue") until
  SIGTERM or SIGINT, then finishes the jobs in hand and exits 0 (a second signal stops at once).
  At-least-once: the job of a worker that dies is scored again by another once its lock expired.
Options:
  --redis URL        redis://[user:pass@]host:port[/db] or rediss:// (required)
  --model ID|PATH    zoo id, model folder or .onnx file (default: the zoo's default)
  --queue NAME       the queue to consume (default iqa-score-<model id>, the one "iqa enqueue --model ID" fills)
  --concurrency N    jobs scored at once by this process (default 1)
  --device DEVICE    auto (CUDA, else CPU), cuda or cpu (default auto)
  --threads N        onnxruntime intra-op threads (default: one per core; 0: onnxruntime's choice)
  --lock-ms N        a job's lock, renewed every N/2 ms while it is scored; the job of a killed
                     worker is taken again once it expired (default 30000, BullMQ's)
  --stalled-ms N     how often this worker looks for jobs whose worker died (default 30000, BullMQ's);
                     a dead worker's job is back in the queue within about lock-ms + 2 x stalled-ms
  --verbose          a line on stderr per job: started, scored, failed, put back after its worker died`;

/**
 * `iqa worker`: a scoring worker on the model's BullMQ queue, until SIGTERM/SIGINT (or `signal`
 * aborts). Resolves with the exit code once the jobs in hand are finished.
 *
 * @example
 * await workerCommand(['--redis', 'redis://127.0.0.1:6379', '--concurrency', '2'], processIo());
 */
export async function workerCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    redis: { type: 'string' },
    model: { type: 'string', short: 'm' },
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    device: { type: 'string' },
    threads: { type: 'string' },
    'lock-ms': { type: 'string' },
    'stalled-ms': { type: 'string' },
    verbose: { type: 'boolean' },
  });
  const redis = redisFlag(values.redis);
  const concurrency = intFlag(values.concurrency, '--concurrency', 1, 1);
  const device = oneOf<NodeDevice>(values.device, DEVICES, '--device', 'auto');
  const threads = threadsFlag(values.threads);
  const queue = await loadQueue('worker', io);
  if (!queue) return EXIT.USAGE;
  const lockDurationMs = intFlag(values['lock-ms'], '--lock-ms', queue.WORKER_DEFAULTS.lockDurationMs, 1);
  const stalledIntervalMs = intFlag(values['stalled-ms'], '--stalled-ms', queue.WORKER_DEFAULTS.stalledIntervalMs, 1);
  await queue.checkRedis(redis);

  const scorer = await createScorer(values.model, {
    ...modelOptions(io),
    device,
    threads,
    onWarning: (m) => io.stderr.write(`${m}\n`),
  });
  const log = (line: string) => io.stderr.write(`iqa worker: ${line}\n`);
  const worker = await queue
    .startScoreWorker({
      redis,
      scorer,
      concurrency,
      lockDurationMs,
      stalledIntervalMs,
      queueName: values.queue,
      onJob: values.verbose
        ? (e) => {
            if (e.state === 'active') log(`job ${e.id} started: ${e.name}`);
            else if (e.state === 'completed') log(`job ${e.id} scored: ${e.name} ${e.score}`);
            else if (e.state === 'failed') log(`job ${e.id} failed: ${e.name}: ${e.error.code}: ${e.error.message}`);
            else log(`job ${e.id} stalled (its worker stopped renewing the lock): back in the queue`);
          }
        : undefined,
    })
    .catch(async (err: unknown) => {
      await scorer.dispose();
      throw err;
    });
  log(
    `ready: model ${scorer.card.id} ${scorer.card.version} on ${scorer.device} (${scorer.deviceReason}), ` +
      `queue ${worker.queueName} at ${queue.redisAddress(redis)}, concurrency ${concurrency}, ` +
      `lock ${lockDurationMs} ms, stalled check every ${stalledIntervalMs} ms`,
  );

  await new Promise<void>((resolve) => {
    // After the first signal both handlers go, so a second SIGTERM or SIGINT ends the process at once.
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  log('shutting down (finishing the jobs in hand)');
  await worker.close();
  await scorer.dispose();
  log('stopped');
  return EXIT.OK;
}
