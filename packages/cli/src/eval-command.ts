import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bootstrapInterval, evaluatePredictions, mapLimit, type PairMetric, parseMosCsv, plcc, srcc, toIqaError } from '@iqa-zoo/core';
import { type CliIo, createScorer, DEVICES, EXIT, intFlag, MODEL_DTYPES, type ModelDtype, type NodeDevice, oneOf, parseCommandArgs, UsageError } from '@iqa-zoo/runtime-node';
import { modelOptions } from './model-options.js';
import { ProgressBar } from './progress.js';

export const EVAL_USAGE = `Usage: iqa eval --model ID|PATH --mos CSV [--root DIR] [--device auto|cuda|cpu] [--dtype fp32|fp16] [--threads N] [--ci [--resamples N]] [--json]
  Scores every image in CSV (columns image,mos[,std]; paths relative to --root, default the CSV's folder)
  and prints n, SRCC, KRCC, PLCC, PLCC after the 4-parameter logistic fit and RMSE.
  Images that fail are reported on stderr and left out.
  --dtype fp16 evaluates the card's fp16 variant (files.onnxFp16); --threads sets onnxruntime's intra-op threads.
  --ci adds 95% bootstrap intervals of SRCC and PLCC (N resamples of the images, default 2000, seed 0):
  how far the numbers could move on other images like these.`;

/**
 * `iqa eval`: a model's correlation with MOS on a labelled set.
 *
 * @example
 * await evalCommand(['--model', 'vgg-small-ml', '--mos', 'clive/mos.csv'], processIo());
 */
export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    model: { type: 'string', short: 'm' },
    mos: { type: 'string' },
    root: { type: 'string' },
    device: { type: 'string' },
    dtype: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    ci: { type: 'boolean' },
    resamples: { type: 'string' },
  });
  if (!values.mos) throw new UsageError('Expected --mos CSV but received none');
  const device = oneOf<NodeDevice>(values.device, DEVICES, '--device', 'auto');
  const dtype = oneOf<ModelDtype>(values.dtype, MODEL_DTYPES, '--dtype', 'fp32');
  const threads = intFlag(values.threads, '--threads', 0);
  if (values.resamples !== undefined && !values.ci) throw new UsageError('Expected --resamples only with --ci but received it without');
  const resamples = intFlag(values.resamples, '--resamples', 2000, 10);
  const rows = parseMosCsv(await readFile(values.mos, 'utf8'), values.mos);
  const root = values.root ?? dirname(values.mos);
  const scorer = await createScorer(values.model, { ...modelOptions(io), device, dtype, threads, onWarning: (m) => io.stderr.write(`${m}\n`) });
  const bar = new ProgressBar(rows.length, (t) => io.stderr.write(t), io.stderrIsTTY);
  const pred: number[] = [];
  const mos: number[] = [];
  let skipped = 0;
  try {
    const scores = await mapLimit(rows, 8, async (row) => {
      const path = resolve(root, row.image);
      try {
        return await scorer.score(path);
      } catch (err) {
        const e = toIqaError(err, path);
        bar.log(`iqa eval: skipped ${row.image}: ${e.code}: ${e.message}`);
        skipped++;
        return undefined;
      } finally {
        bar.tick();
      }
    });
    scores.forEach((s, i) => {
      if (s !== undefined) {
        pred.push(s);
        mos.push(rows[i]!.mos);
      }
    });
  } finally {
    bar.clear();
    await scorer.dispose();
  }
  if (pred.length < 3) {
    io.stderr.write(`iqa eval: expected at least 3 scored images but received ${pred.length} (${skipped} skipped)\n`);
    return EXIT.FAILED;
  }
  const m = evaluatePredictions(pred, mos);
  const ci = values.ci ? { level: 0.95, resamples, seed: 0, srcc: interval(pred, mos, srcc, resamples), plcc: interval(pred, mos, plcc, resamples) } : undefined;
  const report = { model: scorer.card.id, dtype, n: m.n, skipped, srcc: m.srcc, krcc: m.krcc, plcc: m.plcc, plccLogistic: m.plccLogistic, rmse: m.rmse, rmseLogistic: m.rmseLogistic, ...(ci ? { ci } : {}) };
  if (values.json) io.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const f = (v: number) => v.toFixed(4);
    const within = (c: [number, number] | undefined) => (c ? ` (95% CI ${f(c[0])} to ${f(c[1])})` : '');
    io.stdout.write(
      `model ${report.model} (${dtype})\nn ${m.n} (skipped ${skipped})\nSRCC ${f(m.srcc)}${within(ci?.srcc)}\nKRCC ${f(m.krcc)}\nPLCC ${f(m.plcc)}${within(ci?.plcc)}\nPLCC (logistic) ${f(m.plccLogistic)}\nRMSE ${f(m.rmse)}\nRMSE (logistic) ${f(m.rmseLogistic)}\n` +
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
