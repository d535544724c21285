import { mapLimit, toIqaError } from '@iqa-zoo/core';
import {
  createScorer,
  DEVICES,
  MODEL_DTYPES,
  type ModelDtype,
  type NodeDevice,
  type NodeScorer,
  type NodeScorerOptions,
} from '@iqa-zoo/runtime-node';
import { cropsFlag, oneOf, presetFlag, threadsFlag } from './args.js';
import type { CliIo } from './io.js';
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
  const options = scorerOptions(flags, io);
  const scorer = await createScorer(flags.model, options);
  const dtype = options.dtype ?? 'fp32';
  // The dtype that runs: the one given, else the fast preset's when asked for, else fp32.
  const runs =
    flags.dtype === undefined && options.preset === 'fast' ? (scorer.card.presets?.fast?.dtype ?? dtype) : dtype;
  return { scorer, dtype: runs };
}

/**
 * The createScorer options that --device, --dtype, --threads, --crops and --preset ask for, checked
 * (a bad flag is a usage error before any model loads; warnings go to stderr).
 *
 * @example
 * const scorer = await createScorer(flags.model, scorerOptions({ device: 'cpu', crops: '8' }, io));
 */
export function scorerOptions(flags: ScorerFlags, io: CliIo): NodeScorerOptions {
  const device = oneOf<NodeDevice>(flags.device, DEVICES, '--device', 'auto');
  const dtype = oneOf<ModelDtype>(flags.dtype, MODEL_DTYPES, '--dtype', 'fp32');
  return {
    ...modelOptions(io),
    device,
    dtype: flags.dtype === undefined ? undefined : dtype,
    threads: threadsFlag(flags.threads),
    crops: cropsFlag(flags.crops),
    preset: presetFlag(flags.preset),
    onWarning: (m) => io.stderr.write(`${m}\n`),
  };
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
