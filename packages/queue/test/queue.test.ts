/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
/**
 * Scoring workers on a BullMQ queue against Debian's redis-server on 127.0.0.1 (issue 23): two
 * worker processes, one killed with SIGKILL mid-job; every image gets exactly one result, equal to
 * in-process scoring; a corrupt image fails its own job with its typed error. The worker processes
 * run the built packages (dist/, which `npm ci` builds). Skipped, saying why, where redis-server is missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { collectScores, enqueueScores, openRedis, scoreOnQueue, scoreQueueName } from '@iqa-zoo/queue';
import { type NodeScorer, createScorer } from '@iqa-zoo/runtime-node';
import { solid } from '../../runtime-node/test/helpers/images.js';
import { createTinyModel, writeTinyModelDir } from '../../runtime-node/test/helpers/tiny-model.js';
import { describeWithRedis, startRedis } from './helpers/redis-server.js';

const WORKER = fileURLToPath(new URL('./helpers/queue-worker-process.mjs', import.meta.url));
const LOCK_MS = 1500;

/** A worker process; `lines` collects its stdout lines; resolves once it printed "ready". */
async function spawnWorker(
  redis: string,
  modelDir: string,
  mode?: 'hang',
): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, [WORKER, redis, modelDir, String(LOCK_MS), ...(mode ? [mode] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      lines.push(...d.toString().split('\n').filter(Boolean));
      if (lines.some((l) => l.startsWith('ready'))) resolve();
    });
    child.once('exit', (code) => reject(new Error(`Expected the worker to start but it exited with ${code}`)));
  });
  return { child, lines };
}

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!done()) throw new Error(`Expected ${what} but it did not happen`);
}

describeWithRedis('scoring on a BullMQ queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iqa-queue-'));
  const modelDir = writeTinyModelDir(join(dir, 'tiny'), createTinyModel());
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let scorer: NodeScorer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    scorer = await createScorer(modelDir, { device: 'cpu' });
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await scorer?.dispose();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test(
    'a worker killed mid-job loses nothing: ' + 'every image has exactly one result, equal to in-process scoring',
    async () => {
      const images = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => ({
          name: `img-${i}.png`,
          bytes: await solid(24 + i, 20, { r: 25 * i, g: 200 - 15 * i, b: 90 }),
        })),
      );
      const corrupt = { name: 'corrupt.png', bytes: images[0]!.bytes.subarray(0, 40) };
      const victim = await spawnWorker(redis.url, modelDir, 'hang');
      children.push(victim.child);
      const ids = await enqueueScores([...images.slice(0, 5), corrupt, ...images.slice(5)], {
        redis: redis.url,
        model: 'tiny-test',
      });
      await until(() => victim.lines.some((l) => l.startsWith('scoring')), 'the victim to start a job');
      victim.child.kill('SIGKILL');
      const healthy = await spawnWorker(redis.url, modelDir);
      children.push(healthy.child);

      const lines = await collectScores(ids, { redis: redis.url, model: 'tiny-test', waitMs: 60_000 });
      expect(lines.map((l) => l.file)).toEqual([
        ...images.slice(0, 5).map((i) => i.name),
        'corrupt.png',
        ...images.slice(5).map((i) => i.name),
      ]);
      const byName = new Map(lines.map((l) => [l.file, l]));
      for (const image of images) {
        const line = byName.get(image.name) as { score?: number };
        expect(line).toHaveProperty('score');
        expect(Math.abs(line.score! - (await scorer.score(image.bytes)))).toBeLessThan(1e-3);
      }
      const failed = byName.get('corrupt.png') as { error?: { code: string; message: string } };
      expect(['INVALID_IMAGE', 'UNSUPPORTED_IMAGE']).toContain(failed.error?.code);
      expect(failed.error?.message).toContain('corrupt.png'); // named as the enqueuer named it
      // The healthy worker took all 11 jobs, the killed worker's one included.
      expect(healthy.lines.filter((l) => l.startsWith('scoring')).length).toBeGreaterThanOrEqual(11);

      // Collected results are removed; nothing is left waiting, active or failed.
      const connection = openRedis(redis.url);
      const queue = new Queue(scoreQueueName('tiny-test'), { connection });
      expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual({
        waiting: 0,
        active: 0,
        completed: 0,
        failed: 0,
        delayed: 0,
      });
      await queue.close();
      await connection.quit();

      // The healthy worker still serves new submissions.
      const again = await scoreOnQueue([images[3]!], { redis: redis.url, model: 'tiny-test' });
      expect(again).toHaveLength(1);
      expect(Math.abs((again[0] as { score: number }).score - (await scorer.score(images[3]!.bytes)))).toBeLessThan(
        1e-3,
      );
      const exited = new Promise((r) => healthy.child.once('exit', r));
      healthy.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  );
});
