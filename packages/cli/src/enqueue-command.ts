import { readFile } from 'node:fs/promises';
import { IqaError, type IqaErrorCode, toIqaError } from '@iqa-zoo/core';
import { intFlag, parseCommandArgs } from './args.js';
import { expandInputs } from './expand-inputs.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { loadQueue, redisFlag } from './queue-flags.js';
import { formatRow } from './score-command.js';

export const ENQUEUE_USAGE =
  'Usage: iqa enqueue --redis URL FILE|DIR|GLOB... [--model ID] [--queue NAME] [--wait [--timeout-ms N]] ' +
  `[--json | --csv] [--recursive] [--by-path]
  Submits one job per image to the model's queue on Redis (BullMQ), for "iqa worker" processes to score.
  The image's bytes travel in the job. A file that cannot be read is reported at once and not submitted.
  Without --wait: prints "file<TAB>job id" per image (--json: {"file","id"}; --csv: file,id); the results
  stay in Redis until collected (collectScores in @iqa-zoo/queue).
  With --wait: prints each image's result in input order exactly as "iqa score" does (text, --json or --csv;
  a failed image carries its typed error), removes the collected jobs, and exits 1 when any failed.
Options:
  --redis URL        redis://[user:pass@]host:port[/db] or rediss:// (required)
  --model ID         zoo id of the workers' model: the queue is iqa-score-<ID> (default: the zoo's default)
  --queue NAME       submit to this queue instead (the workers' --queue)
  --wait             wait for the results and print them
  --timeout-ms N     with --wait: longest wait per image (default none); an image not scored by then is an
                     INTERNAL error line and its job stays in the queue
  --recursive, -r    include sub-folders of DIR arguments
  --by-path          send absolute file paths instead of bytes (every worker must be able to read them)`;

type Row = { file: string; score: number } | { file: string; error: IqaError };

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** Reads a file for its job; a file that cannot be read is the error `iqa score` gives for it. */
async function readImage(file: string): Promise<Uint8Array | IqaError> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return new IqaError('DATA_NOT_FOUND', `Expected an image file at ${file} but there is none`, { cause: err });
    }
    return toIqaError(err, file);
  }
}

/**
 * `iqa enqueue`: submits images to the scoring queue; with `--wait` prints their results in the
 * shape of `iqa score`.
 *
 * @example
 * const code = await enqueueCommand(
 *   ['--redis', 'redis://127.0.0.1:6379', '--wait', '--json', 'a.jpg', 'b.png'],
 *   processIo(),
 * );
 */
export async function enqueueCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    redis: { type: 'string' },
    model: { type: 'string', short: 'm' },
    queue: { type: 'string' },
    wait: { type: 'boolean' },
    'timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    recursive: { type: 'boolean', short: 'r' },
    'by-path': { type: 'boolean' },
  });
  const redis = redisFlag(values.redis);
  if (values.json && values.csv) throw new UsageError('Expected at most one of --json, --csv but received both');
  if (values['timeout-ms'] !== undefined && !values.wait)
    throw new UsageError('Expected --timeout-ms only with --wait but received it without');
  if (positionals.length === 0) throw new UsageError('Expected at least one FILE, DIR or GLOB but received none');
  const waitMs = values['timeout-ms'] === undefined ? undefined : intFlag(values['timeout-ms'], '--timeout-ms', 0, 1);
  const format = values.json ? 'json' : values.csv ? 'csv' : 'text';
  const byPath = Boolean(values['by-path']);
  const queue = await loadQueue('enqueue', io);
  if (!queue) return EXIT.USAGE;
  const queueName = values.queue ?? queue.scoreQueueName(values.model);

  const files = await expandInputs(positionals, { recursive: Boolean(values.recursive) });
  if (files.length === 0) {
    io.stderr.write(`iqa enqueue: no images found in ${positionals.join(' ')}\n`);
    return EXIT.FAILED;
  }
  await queue.checkRedis(redis);

  // Files that cannot be read get their row now; the others become jobs.
  const rows = new Array<Row | undefined>(files.length);
  const submitted: Array<{ index: number; image: string | { name: string; bytes: Uint8Array } }> = [];
  for (const [index, file] of files.entries()) {
    const bytes = byPath ? undefined : await readImage(file);
    if (bytes instanceof IqaError) rows[index] = { file, error: bytes };
    else submitted.push({ index, image: bytes ? { name: file, bytes } : file });
  }
  const ids = await queue.enqueueScores(
    submitted.map((s) => s.image),
    { redis, queueName, byPath },
  );

  if (!values.wait) {
    if (format === 'csv') io.stdout.write('file,id\n');
    for (const [k, { index }] of submitted.entries()) {
      const file = files[index]!;
      const id = ids[k]!;
      io.stdout.write(
        format === 'json'
          ? `${JSON.stringify({ file, id })}\n`
          : format === 'csv'
            ? `${csvCell(file)},${id}\n`
            : `${file}\t${id}\n`,
      );
    }
    return reportUnread(rows, files.length, io);
  }

  // Results print in input order as soon as every earlier file is done.
  if (format === 'csv') io.stdout.write('file,score,error_code,error_message\n');
  let printed = 0;
  let failed = 0;
  const flush = () => {
    while (printed < files.length && rows[printed]) {
      const row = rows[printed++]!;
      if ('error' in row) {
        failed++;
        io.stderr.write(`iqa enqueue: ${row.file}: ${row.error.code}: ${row.error.message}\n`);
      }
      const line = formatRow(row, format);
      if (line !== undefined) io.stdout.write(`${line}\n`);
    }
  };
  flush();
  await queue.collectScores(ids, {
    redis,
    queueName,
    waitMs,
    onLine: (line, k) => {
      const file = files[submitted[k]!.index]!;
      rows[submitted[k]!.index] =
        'score' in line
          ? { file, score: line.score }
          : { file, error: new IqaError(line.error.code as IqaErrorCode, line.error.message) };
      flush();
    },
  });
  flush();
  if (failed > 0) io.stderr.write(`iqa enqueue: ${failed} of ${files.length} file(s) failed\n`);
  return failed > 0 ? EXIT.FAILED : EXIT.OK;
}

/** Without --wait: names the files that were not submitted; exit 1 when any. */
function reportUnread(rows: Array<Row | undefined>, total: number, io: CliIo): number {
  const unread = rows.filter((r): r is { file: string; error: IqaError } => r !== undefined && 'error' in r);
  for (const r of unread)
    io.stderr.write(`iqa enqueue: ${r.file}: ${r.error.code}: ${r.error.message} (not submitted)\n`);
  if (unread.length > 0) io.stderr.write(`iqa enqueue: ${unread.length} of ${total} file(s) not submitted\n`);
  return unread.length > 0 ? EXIT.FAILED : EXIT.OK;
}
