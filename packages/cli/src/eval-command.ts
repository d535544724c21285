import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bootstrapInterval, evaluatePredictions, type PairMetric, parseMosCsv, plcc, srcc } from '@iqa-zoo/core';
import { intFlag, parseCommandArgs } from './args.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { rankingEval } from './ranking-eval.js';
import { openScorer, scoreFiles } from './score-files.js';

export const EVAL_USAGE =
  'Usage: iqa eval --model ID|PATH --mos CSV [--root DIR] [--device auto|cuda|cpu] [--dtype fp32|fp16|q8] ' +
  '[--threads N] [--crops N] [--preset fast] [--ci [--resamples N]] [--json]\n' +
  '       iqa eval --model ID|PATH --ranking MANIFEST [--refs DIR] [--root DIR] [--device ...] [--dtype ...] ' +
  `[--threads N] [--ci [--resamples N]] [--json]
  --mos: scores every image in CSV (columns image,mos[,std]; paths relative to --root, default the CSV's folder)
  and prints n, SRCC, KRCC, PLCC, PLCC after the 4-parameter logistic fit and RMSE.
  --ranking: scores every file of MANIFEST (columns file,reference,type,level, as iqa distort writes it;
  level 0 is the undistorted reference, higher is worse; files relative to --root, default the manifest's
  folder) and prints, per distortion type and overall, the share of pairs of one reference's ladder that
  the model puts in order (a tie counts half), the share per level gap and the mean SRCC within each
  ladder. --refs DIR adds DIR/<reference> as level 0 for references the manifest has no level-0 row for.
  Images that fail are reported on stderr and left out.
  --crops N averages N crops per image instead of the card's protocol count (the first N of its seeded draw);
  --preset fast scores as the card's presets.fast says (--crops and --dtype given win).
  --dtype fp16|q8 evaluates the card's fp16 (files.onnxFp16) or int8 (files.onnxQ8) variant; ` +
  `--threads sets onnxruntime's intra-op threads (default the preset's or the card's, else one per core; ` +
  `0: onnxruntime's choice).
  --ci adds 95% bootstrap intervals of SRCC and PLCC (N resamples of the images, default 2000, seed 0):
  how far the numbers could move on other images like these; with --ranking, of each type's share of
  pairs in order (N resamples of the references, each with all its ladders).`;

/**
 * `iqa eval`: a model's correlation with MOS on a labelled set.
 *
 * `iqa eval --ranking`: how well it orders distortion ladders (see rankingEval).
 *
 * @example
 * await evalCommand(['--model', 'vgg-small-ml', '--mos', 'clive/mos.csv'], processIo());
 * await evalCommand(['--ranking', 'heldout/manifest.csv', '--json'], processIo());
 */
export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    model: { type: 'string', short: 'm' },
    mos: { type: 'string' },
    ranking: { type: 'string' },
    refs: { type: 'string' },
    root: { type: 'string' },
    device: { type: 'string' },
    dtype: { type: 'string' },
    threads: { type: 'string' },
    crops: { type: 'string' },
    preset: { type: 'string' },
    json: { type: 'boolean' },
    ci: { type: 'boolean' },
    resamples: { type: 'string' },
  });
  if (values.mos && values.ranking)
    throw new UsageError('Expected one of --mos CSV or --ranking MANIFEST but received both');
  if (values.resamples !== undefined && !values.ci)
    throw new UsageError('Expected --resamples only with --ci but received it without');
  const resamples = intFlag(values.resamples, '--resamples', 2000, 10);
  if (values.ranking) {
    const { ci, resamples: _, ...rest } = values;
    return rankingEval({ ...rest, ranking: values.ranking, ...(ci ? { resamples } : {}) }, io);
  }
  if (!values.mos) throw new UsageError('Expected --mos CSV or --ranking MANIFEST but received neither');
  if (values.refs) throw new UsageError('Expected --refs only with --ranking but received it with --mos');
  const rows = parseMosCsv(await readFile(values.mos, 'utf8'), values.mos);
  const root = values.root ?? dirname(values.mos);
  const { scorer, dtype } = await openScorer(values, io);
  const pred: number[] = [];
  const mos: number[] = [];
  let skipped: number;
  try {
    const scored = await scoreFiles(
      scorer,
      rows.map((r) => resolve(root, r.image)),
      rows.map((r) => r.image),
      io,
    );
    skipped = scored.skipped;
    scored.scores.forEach((s, i) => {
      if (s !== undefined) {
        pred.push(s);
        mos.push(rows[i]!.mos);
      }
    });
  } finally {
    await scorer.dispose();
  }
  if (pred.length < 3) {
    io.stderr.write(`iqa eval: expected at least 3 scored images but received ${pred.length} (${skipped} skipped)\n`);
    return EXIT.FAILED;
  }
  const m = evaluatePredictions(pred, mos);
  const ci = values.ci
    ? {
        level: 0.95,
        resamples,
        seed: 0,
        srcc: interval(pred, mos, srcc, resamples),
        plcc: interval(pred, mos, plcc, resamples),
      }
    : undefined;
  const fast = values.preset === 'fast' ? scorer.card.presets?.fast : undefined;
  const crops =
    scorer.card.input.protocol.kind === 'crops'
      ? values.crops === undefined
        ? (fast?.crops ?? scorer.card.input.protocol.count)
        : Number(values.crops)
      : undefined;
  const report = {
    model: scorer.card.id,
    dtype,
    ...(crops === undefined ? {} : { crops }),
    n: m.n,
    skipped,
    srcc: m.srcc,
    krcc: m.krcc,
    plcc: m.plcc,
    plccLogistic: m.plccLogistic,
    rmse: m.rmse,
    rmseLogistic: m.rmseLogistic,
    ...(ci ? { ci } : {}),
  };
  if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const f = (v: number) => v.toFixed(4);
    const within = (c: [number, number] | undefined) => (c ? ` (95% CI ${f(c[0])} to ${f(c[1])})` : '');
    io.stdout.write(
      `model ${report.model} (${dtype}${crops === undefined ? '' : `, ${crops} crops`})\n` +
        `n ${m.n} (skipped ${skipped})\n` +
        `SRCC ${f(m.srcc)}${within(ci?.srcc)}\n` +
        `KRCC ${f(m.krcc)}\n` +
        `PLCC ${f(m.plcc)}${within(ci?.plcc)}\n` +
        `PLCC (logistic) ${f(m.plccLogistic)}\n` +
        `RMSE ${f(m.rmse)}\n` +
        `RMSE (logistic) ${f(m.rmseLogistic)}\n` +
        (ci ? `(intervals: ${resamples} bootstrap resamples of the ${m.n} images, seed 0)\n` : ''),
    );
  }
  return EXIT.OK;
}

/** The 95% percentile-bootstrap interval of `metric`, as [low, high]. */
function interval(pred: number[], mos: number[], metric: PairMetric, resamples: number): [number, number] {
  const c = bootstrapInterval(pred, mos, metric, { resamples, seed: 0, level: 0.95 });
  return [c.low, c.high];
}
