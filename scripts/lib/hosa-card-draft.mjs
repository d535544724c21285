// The training half of hosa-clive's card and its model file, written by scripts/hosa-clive.mjs --model DIR:
// DIR/hosa-model.json (the codebook and the default split's linear SVR, as core's parseHosaModel reads it) and
// DIR/card.draft.json (training, metrics, licence, credits). scripts/hosa-model.mjs turns them into model.onnx and
// card.json.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLIVE_LICENCE = 'LIVE-README: use and redistribution with notice kept';

/**
 * Writes DIR/hosa-model.json and DIR/card.draft.json from the fit's results (fold 0 is the default split).
 *
 * @example
 * writeHosaDraft('models/hosa-clive', { results, folds, codebook, source, images: 931 });
 */
export function writeHosaDraft(dir, { results, folds, codebook, source, images }) {
  mkdirSync(dir, { recursive: true });
  const { params, svr, metrics, intervals } = folds[0];
  const model = {
    format: 'iqa-zoo/hosa',
    version: 1,
    codebook,
    weights: Array.from(svr.weights),
    bias: svr.bias,
    params,
    supportVectors: svr.supportVectors,
    metrics,
  };
  const text = `${JSON.stringify(model)}\n`;
  const file = path.join(dir, 'hosa-model.json');
  writeFileSync(file, text);
  const measured = {
    command: results.command,
    runtime: 'Node, @iqa-zoo/core hosaFeatures + linear SVR (w.f + b)',
    date: results.date,
  };
  const k = codebook.means.length;
  const { patch } = codebook;
  const gridPoints = results.grid.C.length * results.grid.epsilon.length;
  const draft = {
    schemaVersion: 1,
    id: 'hosa-clive',
    version: '0.1.0',
    task: 'nr',
    files: {
      svr: { path: 'hosa-model.json', sha256: createHash('sha256').update(text).digest('hex'), bytes: text.length },
    },
    training: {
      data: [
        {
          name:
            'pristine photos (BSDS500, Kodak, McMaster, Debian wallpapers): ' +
            `${source.patches} random ${patch}x${patch} ` +
            `patches, at most ${source.perImage} per photo, for the codebook (k-means, K ${k})`,
          role: 'codebook',
          images: source.photos,
          licence: 'per source: research use (BSDS500, McMaster), unrestricted (Kodak), GPL-2+/CC (Debian)',
        },
        {
          name: 'CLIVE (LIVE In the Wild Challenge), training split',
          role: 'finetune',
          images: images - metrics.n,
          licence: CLIVE_LICENCE,
        },
        { name: 'CLIVE, validation split', role: 'validation', images: metrics.n, licence: CLIVE_LICENCE },
      ],
      stages: [
        {
          name: 'codebook',
          description:
            `k-means (k-means++ start, seed ${results.settings.codebookSeed}) of ${source.patches} normalised ` +
            `${patch}x${patch} patches of the pristine photos into ${k} codewords, with each cluster's ` +
            'per-dimension variance and skewness',
        },
        {
          name: 'svr',
          description:
            `linear epsilon-SVR (LIBSVM): C and epsilon chosen from ${gridPoints} grid points by ` +
            `${results.innerFolds}-fold CV inside the CLIVE training split (pooled SRCC), then fitted on the whole ` +
            'training split',
        },
      ],
      commands: [results.command],
      seed: results.split.splitSeed,
      machine: `${os.cpus().length} CPU cores (shared with other jobs), no GPU`,
    },
    metrics: [
      {
        dataset: 'CLIVE',
        split:
          `validation (20% by image, split seed ${results.split.splitSeed}, fold 0); 95% bootstrap CI ` +
          `SRCC ${intervals.srcc.map((v) => v.toFixed(3)).join(' to ')}, ` +
          `PLCC ${intervals.plcc.map((v) => v.toFixed(3)).join(' to ')}`,
        n: metrics.n,
        measured,
        srcc: metrics.srcc,
        plcc: metrics.plcc,
        krcc: metrics.krcc,
        plccLogistic: metrics.plccLogistic,
        rmse: metrics.rmse,
      },
      ...(folds.length >= 2
        ? [
            {
              dataset: 'CLIVE',
              split:
                `${folds.length}-fold CV (folds 0..${folds.length - 1} of split seed ` +
                `${results.split.splitSeed}, mean over folds; sd over folds SRCC ${results.cv.srccSd.toFixed(3)}, ` +
                `PLCC ${results.cv.plccSd.toFixed(3)})`,
              n: folds.reduce((a, f) => a + f.metrics.n, 0),
              folds: folds.length,
              measured,
              srcc: results.cv.srccMean,
              plcc: results.cv.plccMean,
            },
          ]
        : []),
    ],
    licence: 'MIT (code and model); LIBSVM (libsvm-js) is BSD-3-Clause',
    credits: [
      'J. Xu, P. Ye, Q. Li, H. Du, Y. Liu and D. Doermann, "Blind Image Quality Assessment Based on High Order ' +
        'Statistics Aggregation", IEEE TIP 2016.',
      'C.-C. Chang and C.-J. Lin, "LIBSVM: A library for support vector machines", ACM TIST 2011 ' +
        '(libsvm-js, the emscripten build).',
      'LIVE In the Wild Image Quality Challenge Database: D. Ghadiyaram and A. C. Bovik, "Massive Online ' +
        'Crowdsourced Study of Subjective and Objective Picture Quality", IEEE TIP 2016.',
    ],
  };
  const draftFile = path.join(dir, 'card.draft.json');
  writeFileSync(draftFile, `${JSON.stringify(draft, null, 2)}\n`);
  console.log(`model: ${file} (codebook K ${k}, ${svr.supportVectors} support vectors); card draft: ${draftFile}`);
}
