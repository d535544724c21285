import { mapLimit, toIqaError } from '@iqa-zoo/core';
import {
  createScorer,
  DEVICES,
  MODEL_DTYPES,
  type ModelDtype,
  type NodeDevice,
  type NodeScorer,
} from '@iqa-zoo/runtime-node';
import { cropsFlag, oneOf, presetFlag, threadsFlag } from './args.js';
import { type CliIo } from './io.js';
import { modelOptions } from './model-options.js';
import { ProgressBar } from './progress.js';

/** The scoring flags `iqa eval` shares between its modes. */
export interface ScorerFlags {
  model?: string;
  device?: string;
  dtype?: string;
  threads?: string;
  crops?: string;
  preset?: string;
}

/**
 * Opens the scorer that --model, --device, --dtype, --threads and --crops ask for (warnings on stderr).
 *
 * @example
 * const { scorer, dtype } = await openScorer({ model: 'mobilenetv2-ml-clive', dtype: 'fp16' }, io);
 */
export async function openScorer(flags: ScorerFlags, io: CliIo): Promise<{ scorer: NodeScorer; dtype: ModelDtype }> {
  const device = oneOf<NodeDevice>(flags.device, DEVICES, '--device', 'auto');
  const dtype = oneOf<ModelDtype>(flags.dtype, MODEL_DTYPES, '--dtype', 'fp32');
  const threads = threadsFlag(flags.threads);
  const crops = cropsFlag(flags.crops);
  const preset = presetFlag(flags.preset);
  const scorer = await createScorer(flags.model, {
    ...modelOptions(io),
    device,
    dtype: flags.dtype === undefined ? undefined : dtype,
    threads,
    crops,
    preset,
    onWarning: (m) => io.stderr.write(`${m}\n`),
  });
  // The dtype that runs: the one given, else the fast preset's when asked for, else fp32.
  const runs = flags.dtype === undefined && preset === 'fast' ? (scorer.card.presets?.fast?.dtype ?? dtype) : dtype;
  return { scorer, dtype: runs };
}

/**
 * Scores `files` (paths) with a progress bar; a file that fails is reported on stderr as
 * `iqa eval: skipped LABEL: CODE: message` and comes back as undefined, never aborting the rest.
 *
 * @example
 * const { scores, skipped } = await scoreFiles(scorer, ['/a.png', '/b.png'], ['a.png', 'b.png'], io);
 */
export async function scoreFiles(
  scorer: NodeScorer,
  files: string[],
  labels: string[],
  io: CliIo,
): Promise<{ scores: (number | undefined)[]; skipped: number }> {
  const bar = new ProgressBar(files.length, (t) => io.stderr.write(t), io.stderrIsTTY);
  let skipped = 0;
  try {
    const scores = await mapLimit(files, 8, async (path, i) => {
      try {
        return await scorer.score(path);
      } catch (err) {
        const e = toIqaError(err, path);
        bar.log(`iqa eval: skipped ${labels[i]}: ${e.code}: ${e.message}`);
        skipped++;
        return undefined;
      } finally {
        bar.tick();
      }
    });
    return { scores, skipped };
  } finally {
    bar.clear();
  }
}
