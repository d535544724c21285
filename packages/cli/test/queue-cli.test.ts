/**
 * `iqa worker` and `iqa enqueue` (issue 23), as real CLI processes on the built packages (dist/,
 * which `npm ci` builds), against Debian's redis-server started here on 127.0.0.1, with the zoo's
 * default model: two workers, one killed with SIGKILL while it holds a job; every image has exactly
 * one result, equal to `iqa score` within 1e-3, and a corrupt image fails with the typed error
 * `iqa score` gives it, without blocking the others. The recovery (kill -> the job started again on
 * the other worker) is printed. The in-process part checks the usage errors and --help.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { Queue } from 'bullmq';
import { runCli } from '@iqa-zoo/cli';
import { collectScores, openRedis, scoreQueueName } from '@iqa-zoo/queue';
import { memoryIo } from '../../runtime-node/test/helpers/cli-io.js';
import { describeWithRedis, startRedis } from '../../queue/test/helpers/redis-server.js';

const IQA = fileURLToPath(new URL('../bin/iqa.js', import.meta.url));
/** The kill test's worker timing: a dead worker's job is back in the queue within about LOCK + 2 x STALLED. */
const LOCK_MS = 6000;
const STALLED_MS = 1500;

type Line = { file: string; score?: number; error?: { code: string; message: string } };

/** An `iqa` process; `err` collects its stderr, `out` its stdout; `exited` resolves with its exit code or signal. */
function iqa(
  args: string[],
  cwd: string,
): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, [IQA, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal!)),
  );
  return { child, out: () => out, err: () => err, exited };
}

async function until<T>(probe: () => T | undefined, what: string, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Expected ${what} within ${withinMs} ms but it did not happen`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('iqa worker / iqa enqueue: arguments', () => {
  test.each(['worker', 'enqueue'])('iqa %s --help prints its usage on stdout and exits 0', async (command) => {
    const io = memoryIo();
    expect(await runCli([command, '--help'], io)).toBe(0);
    expect({ err: io.err(), usage: io.out() }).toEqual({
      err: '',
      usage: expect.stringMatching(new RegExp(`^Usage: iqa ${command} --redis URL`)),
    });
  });

  test.each([
    [['worker'], 'Expected --redis URL (e.g. redis://127.0.0.1:6379) but received none'],
    [
      ['worker', '--redis', 'http://127.0.0.1:6379'],
      'Expected a redis:// or rediss:// URL for --redis but received "http://127.0.0.1:6379"',
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:6379', '--concurrency', '0'],
      'Expected an integer >= 1 for --concurrency but received "0"',
    ],
    [['enqueue', '--redis', 'redis://127.0.0.1:6379'], 'Expected at least one FILE, DIR or GLOB but received none'],
    [
      ['enqueue', '--redis', 'redis://127.0.0.1:6379', '--timeout-ms', '5', 'a.png'],
      'Expected --timeout-ms only with --wait but received it without',
    ],
    [
      ['enqueue', '--redis', 'redis://127.0.0.1:6379', '--json', '--csv', 'a.png'],
      'Expected at most one of --json, --csv but received both',
    ],
  ])('iqa %j is a usage error (exit 2)', async (argv, message) => {
    const io = memoryIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err()).toContain(`iqa ${argv[0]}: ${message}\n`);
    expect(io.err()).toContain(`Usage: iqa ${argv[0]}`);
  });

  test(
    'a Redis that does not answer is an INVALID_ARGUMENT error ' + 'naming the address (exit 2), not a hang',
    async () => {
      for (const command of ['worker', 'enqueue']) {
        const io = memoryIo();
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        expect(
          await runCli(
            [command, '--redis', 'redis://user:secret@127.0.0.1:1', ...(command === 'enqueue' ? ['a.png'] : [])],
            io,
          ),
        ).toBe(2);
        expect(io.err()).toBe(
          `iqa ${command}: INVALID_ARGUMENT: ` +
            'Expected a Redis server at 127.0.0.1:1 but connecting failed (ECONNREFUSED)\n',
        );
      }
    },
  );
});

describeWithRedis(
  'iqa worker x2 + iqa enqueue --wait with the default model, one worker killed mid-job (redis-server on 127.0.0.1)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'iqa-queue-cli-'));
    const files = [...Array.from({ length: 12 }, (_, i) => `photo-${String(i).padStart(2, '0')}.png`), 'corrupt.png'];
    const children: ChildProcess[] = [];
    let redis: Awaited<ReturnType<typeof startRedis>>;

    beforeAll(async () => {
      redis = await startRedis();
      // Twelve different images (sizes and textures), and a PNG cut off after its header.
      for (const [i, name] of files.slice(0, 12).entries()) {
        const [w, h] = [96 + 16 * (i % 4), 80 + 12 * (i % 3)];
        const pixels = Uint8Array.from(
          { length: w * h * 3 },
          (_, k) => (((k / 3) % w) * (i + 1) * 3 + Math.floor(k / 3 / w) * (12 - i) + (k % 3) * 40) % 256,
        );
        await sharp(pixels, { raw: { width: w, height: h, channels: 3 } })
          .blur(0.3 + 0.4 * (i % 5))
          .png()
          .toFile(join(dir, name));
      }
      const whole = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 9, g: 99, b: 199 } } })
        .png()
        .toBuffer();
      writeFileSync(join(dir, 'corrupt.png'), whole.subarray(0, 40));
    });
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('every image has exactly one result, equal to iqa score; ' +
      'the killed job is scored by the other worker', async () => {
      const started = Date.now();
      const workerArgs = [
        'worker',
        '--redis',
        redis.url,
        '--verbose',
        '--threads',
        '1',
        '--lock-ms',
        String(LOCK_MS),
        '--stalled-ms',
        String(STALLED_MS),
      ];
      const victim = iqa(workerArgs, dir);
      const survivor = iqa(workerArgs, dir);
      children.push(victim.child, survivor.child);
      // The reference: iqa score on the same files, while the workers load the model.
      const scored = iqa(['score', '--json', ...files], dir);
      children.push(scored.child);
      expect(await scored.exited).toBe(1); // the corrupt file fails
      const reference = jsonLines(scored.out());
      await until(
        () =>
          /ready: model mobilenetv2-ml-clive /.test(victim.err()) && /ready: /.test(survivor.err()) ? true : undefined,
        'both workers ready',
        60_000,
      );
      const readyAt = Date.now();

      const enqueue = iqa(['enqueue', '--redis', redis.url, '--wait', '--json', ...files], dir);
      children.push(enqueue.child);
      // SIGKILL the victim as soon as it has taken a job: the job is active and locked by a dead worker.
      const held = await until(
        () => /job (\d+) started: (\S+)/.exec(victim.err()) ?? undefined,
        'the victim to take a job',
        30_000,
      );
      victim.child.kill('SIGKILL');
      const killedAt = Date.now();
      expect(await victim.exited).toBe('SIGKILL');
      const [, jobId, heldFile] = held;
      // The other worker finds the stalled job once its lock expired and scores it.
      await until(
        () => (survivor.err().includes(`job ${jobId} started: ${heldFile}`) ? true : undefined),
        `job ${jobId} to start again on the survivor`,
        4 * LOCK_MS,
      );
      const recoveryMs = Date.now() - killedAt;
      expect(await enqueue.exited).toBe(1); // the corrupt file fails
      process.stderr.write(
        `queue kill test: job ${jobId} (${heldFile}) taken again ${recoveryMs} ms after SIGKILL ` +
          `(lock ${LOCK_MS} ms, stalled check every ${STALLED_MS} ms); ` +
          `iqa score and both workers ready after ${readyAt - started} ms, ` +
          `enqueue --wait done ${Date.now() - readyAt} ms later\n`,
      );

      // The victim held the job when it died: it never finished it; the survivor put it back and scored it.
      expect(victim.err()).not.toMatch(new RegExp(`job ${jobId} (scored|failed)`));
      expect(survivor.err()).toContain(`job ${jobId} stalled`);
      expect(survivor.err()).toMatch(new RegExp(`job ${jobId} scored: ${heldFile} `));

      // One line per submitted file, in input order, in exactly the shape of iqa score --json.
      const lines = jsonLines(enqueue.out());
      expect(lines.map((l) => l.file)).toEqual(files);
      expect(reference.map((l) => l.file)).toEqual(files);
      for (const [i, line] of lines.entries()) {
        const ref = reference[i]!;
        expect(Object.keys(line)).toEqual(Object.keys(ref));
        if (ref.score !== undefined) expect(Math.abs(line.score! - ref.score)).toBeLessThan(1e-3);
      }
      const corrupt = lines.at(-1)!;
      expect(corrupt.error?.code).toBe(reference.at(-1)!.error!.code);
      expect(['INVALID_IMAGE', 'UNSUPPORTED_IMAGE']).toContain(corrupt.error?.code);
      expect(Object.keys(corrupt.error!)).toEqual(['code', 'message']);
      expect(enqueue.err()).toContain('iqa enqueue: 1 of 13 file(s) failed');

      // Collected jobs are removed: nothing is left waiting, active, delayed, completed or failed.
      const connection = openRedis(redis.url);
      const queue = new Queue(scoreQueueName(), { connection });
      expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed')).toEqual({
        waiting: 0,
        active: 0,
        completed: 0,
        failed: 0,
        delayed: 0,
      });
      await queue.close();
      await connection.quit();

      // Without --wait: the job ids, a file that cannot be read is not submitted; the results wait
      // in Redis until collected.
      const later = iqa(['enqueue', '--redis', redis.url, '--json', files[3]!, 'missing.png', files[7]!], dir);
      expect(await later.exited).toBe(1);
      const submitted = jsonLines(later.out()) as unknown as Array<{ file: string; id: string }>;
      expect(submitted.map((s) => s.file)).toEqual([files[3], files[7]]);
      expect(later.err()).toContain(
        'iqa enqueue: missing.png: DATA_NOT_FOUND: ' +
          'Expected an image file at missing.png but there is none (not submitted)',
      );
      const collected = await collectScores(
        submitted.map((s) => s.id),
        { redis: redis.url, waitMs: 60_000 },
      );
      expect(collected.map((l) => l.file)).toEqual([files[3], files[7]]);
      for (const [k, i] of [3, 7].entries())
        expect(Math.abs((collected[k] as { score: number }).score - reference[i]!.score!)).toBeLessThan(1e-3);

      // SIGTERM: the survivor closes gracefully and exits 0.
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
      expect(survivor.err()).toMatch(/shutting down \(finishing the jobs in hand\)\niqa worker: stopped\n$/);
      // Measured on 2 shared cores at load 10-11 (a training run beside): 51-72 s, most of it the three model loads.
    }, 120_000);
  },
);
