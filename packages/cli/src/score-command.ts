import { type IqaError, mapLimit, toIqaError } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';
import { intFlag, parseCommandArgs } from './args.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { expandInputs } from './expand-inputs.js';
import { scorerOptions } from './score-files.js';
import { ProgressBar } from './progress.js';

export const SCORE_USAGE =
  'Usage: iqa score FILE|DIR|GLOB... [--model ID|PATH] [--device auto|cuda|cpu] [--dtype fp32|fp16|q8] ' +
  `[--crops N] [--preset fast] [--json | --csv] [--recursive]
  Prints "file<TAB>score" per image (--json: one JSON object per line, with "std" for a model that predicts a
  score distribution; --csv: a header and rows).
  Exit code 0 when every image was scored, 1 when any failed (each named on stderr or in its row).
Options:
  --model ID|PATH    zoo id, model folder or .onnx file (default: the zoo's default)
  --device DEVICE    auto (CUDA, else CPU), cuda or cpu (default auto)
  --dtype DTYPE      fp32, fp16 (the card's half-size variant) or q8 (its int8 variant) (default fp32)
  --preset fast      score as the card's presets.fast says (e.g. 8 crops; docs/speed.md); --crops/--dtype win
  --crops N          average N crops instead of the card's protocol count ` +
  `(the first N of its seeded draw; docs/speed.md)
  --threads N        onnxruntime intra-op threads (default: the preset's or the card's, else one per core; ` +
  `0: onnxruntime's choice)
  --concurrency N    images decoded at once (default 8)
  --recursive, -r    include sub-folders of DIR arguments
  --verbose          say which device runs and why (e.g. auto's fallback to CPU when CUDA cannot start)`;

type Row = { file: string; score: number; std?: number } | { file: string; error: IqaError };

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Formats one result row in the chosen output format. */
export function formatRow(row: Row, format: 'text' | 'json' | 'csv'): string | undefined {
  if (format === 'json') {
    return 'score' in row
      ? JSON.stringify({ file: row.file, score: row.score, ...(row.std !== undefined ? { std: row.std } : {}) })
      : JSON.stringify({ file: row.file, error: { code: row.error.code, message: row.error.message } });
  }
  if (format === 'csv') {
    return 'score' in row
      ? `${csvCell(row.file)},${row.score},,`
      : `${csvCell(row.file)},,${row.error.code},${csvCell(row.error.message)}`;
  }
  return 'score' in row ? `${row.file}\t${row.score}` : undefined;
}

/**
 * `iqa score`: scores files, folders and globs, streaming results in input order.
 *
 * @example
 * const code = await scoreCommand(['--json', 'a.jpg', 'b.png'], processIo());
 */
export async function scoreCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string', short: 'm' },
    device: { type: 'string' },
    dtype: { type: 'string' },
    crops: { type: 'string' },
    preset: { type: 'string' },
    threads: { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    recursive: { type: 'boolean', short: 'r' },
    verbose: { type: 'boolean' },
  });
  if (values.json && values.csv) throw new UsageError('Expected at most one of --json, --csv but received both');
  if (positionals.length === 0) throw new UsageError('Expected at least one FILE, DIR or GLOB but received none');
  const format = values.json ? 'json' : values.csv ? 'csv' : 'text';
  const options = scorerOptions(values, io);
  const concurrency = intFlag(values.concurrency, '--concurrency', 8, 1);

  const files = await expandInputs(positionals, { recursive: Boolean(values.recursive) });
  if (files.length === 0) {
    io.stderr.write(`iqa score: no images found in ${positionals.join(' ')}\n`);
    return EXIT.FAILED;
  }
  const verbose = Boolean(values.verbose);
  const scorer = await createScorer(values.model, options);
  if (verbose)
    io.stderr.write(
      `iqa score: model ${scorer.card.id} ${scorer.card.version} on ${scorer.device} (${scorer.deviceReason})\n`,
    );
  const bar = new ProgressBar(files.length, (t) => io.stderr.write(t), io.stderrIsTTY && files.length > 1);
  if (format === 'csv') io.stdout.write('file,score,error_code,error_message\n');

  // Results print in input order as soon as every earlier file is done.
  const rows = new Array<Row | undefined>(files.length);
  let printed = 0;
  let failed = 0;
  const flush = () => {
    while (printed < files.length && rows[printed]) {
      const row = rows[printed]!;
      const line = formatRow(row, format);
      if (line !== undefined) io.stdout.write(`${line}\n`);
      rows[printed++] = undefined;
    }
  };
  try {
    await mapLimit(files, concurrency, async (file, i) => {
      let row: Row;
      try {
        if (scorer.card.output.spread) {
          // A distribution model (NIMA): scoreBatch's entry carries the std beside the score.
          const [outcome] = await scorer.scoreBatch([file]);
          if (outcome!.error) throw outcome!.error;
          row = { file, score: outcome!.score!, std: outcome!.std };
        } else row = { file, score: await scorer.score(file) };
      } catch (err) {
        const error = toIqaError(err, file);
        row = { file, error };
        failed++;
        bar.log(`iqa score: ${file}: ${error.code}: ${error.message}`);
      }
      rows[i] = row;
      bar.tick();
      flush();
    });
  } finally {
    bar.clear();
    await scorer.dispose();
  }
  if (failed > 0) io.stderr.write(`iqa score: ${failed} of ${files.length} file(s) failed\n`);
  return failed > 0 ? EXIT.FAILED : EXIT.OK;
}
