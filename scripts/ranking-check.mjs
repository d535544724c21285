// Held-out ranking check of one model (issue 20's targets): `iqa eval --ranking` on the ImageMagick
// set of scripts/heldout-ranking-set.sh (per-type shares of ordered pairs; target >= 0.95 each), and
// the extremes' scores next to the model's own 10th percentile of scores on CLIVE (target: below it).
// A benchmark, not run in CI; exits 1 when a command fails (not when a target is missed), 2 on bad arguments.
//
// Usage: node scripts/ranking-check.mjs --model ID|PATH [--set DIR] [--clive MOS_CSV] [--clive-scores CSV]
//          [--dtype fp32|fp16] [--device auto|cuda|cpu] [--json] [--write]
//   --set DIR           the held-out set (default runs/heldout-ranking; made with the script if missing)
//   --clive MOS_CSV     CLIVE's image,mos list (default clive/mos.csv of $IQA_ZOO_DATA, else ./data); its images are
//                       scored once with `iqa score --csv` and cached as
//                       runs/ranking-check/clive-<card id>-<dtype>-<onnx sha256, 12 hex>.csv
//   --clive-scores CSV  an `iqa score --csv` output of those images to use instead (nothing is scored)
//   --write             record the per-type shares in the zoo model's card.json as `ranking` (the zoo table and
//                       `iqa models` show them), embedded in its ONNX files again (scripts/lib/model-card.mjs)
// Run `npm run build` first (it runs packages/cli/bin/iqa.js and reads the packages' dist).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMosCsv } from '@iqa-zoo/core';
import { createScorer } from '@iqa-zoo/runtime-node';
import { DATA } from './lib/data-folder.mjs';
import { updateCard } from './lib/model-card.mjs';
import { readScoredSet } from './lib/score-csv.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IQA = join(ROOT, 'packages/cli/bin/iqa.js');
const USAGE =
  'Usage: node scripts/ranking-check.mjs --model ID|PATH [--set DIR] [--clive MOS_CSV] [--clive-scores CSV] ' +
  '[--dtype fp32|fp16] [--device auto|cuda|cpu] [--json] [--write]';

let args;
try {
  args = parseArgs({
    options: {
      model: { type: 'string' },
      set: { type: 'string', default: join(ROOT, 'runs/heldout-ranking') },
      clive: { type: 'string', default: join(DATA, 'clive/mos.csv') },
      'clive-scores': { type: 'string' },
      dtype: { type: 'string', default: 'fp32' },
      device: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
  }).values;
  if (!args.model) throw new Error('Expected --model ID|PATH but received none');
} catch (err) {
  console.error(`ranking-check: ${err.message}\n${USAGE}`);
  process.exit(2);
}

/**
 * Runs a command; its stderr passes through, its stdout comes back. An exit code outside `okCodes` ends the
 * check with exit code 1 (`iqa score` exits 1 when some of its files failed: their lines carry the error).
 */
function run(command, argv, okCodes = [0]) {
  const shown = argv.length > 12 ? [...argv.slice(0, 10), `... (${argv.length} arguments)`] : argv;
  const line = [command, ...shown].join(' ');
  const r = spawnSync(command, argv, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!okCodes.includes(r.status)) {
    console.error(
      `ranking-check: expected exit code ${okCodes.join(' or ')} from \`${line}\` but received ${r.status ?? r.signal}`,
    );
    process.exit(1);
  }
  return r.stdout;
}

/** The p-quantile of `values` with linear interpolation between order statistics (numpy's default). */
function quantile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

const model = existsSync(args.model) ? resolve(args.model) : args.model;
const scorerFlags = ['--model', model, '--dtype', args.dtype, '--device', args.device];
const setDir = resolve(args.set);
const manifest = join(setDir, 'manifest.csv');
if (!existsSync(manifest)) run('bash', [join(ROOT, 'scripts/heldout-ranking-set.sh'), setDir]);

// Which weights: the card's id and the ONNX file's hash name the cached CLIVE scores.
const probe = await createScorer(model, { device: 'cpu', dtype: args.dtype });
const { card } = probe;
await probe.dispose();
const file = args.dtype === 'fp16' ? card.files.onnxFp16 : card.files.onnx;
const sha = file?.sha256 ?? 'unhashed';

const ranking = JSON.parse(run('node', [IQA, 'eval', '--ranking', manifest, ...scorerFlags, '--json']));

const extremesDir = join(setDir, 'extremes');
const extremeFiles = readdirSync(extremesDir)
  .sort()
  .map((f) => join(extremesDir, f));
// A model may reject an extreme (BRISQUE: a single-colour image has no statistics): that line carries the error.
const extremes = run('node', [IQA, 'score', '--json', ...scorerFlags, ...extremeFiles], [0, 1])
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));

let cliveScores = args['clive-scores'] && resolve(args['clive-scores']);
if (!cliveScores) {
  mkdirSync(join(ROOT, 'runs/ranking-check'), { recursive: true });
  cliveScores = join(ROOT, 'runs/ranking-check', `clive-${card.id}-${args.dtype}-${sha.slice(0, 12)}.csv`);
  if (!existsSync(cliveScores)) {
    const cliveRoot = dirname(resolve(args.clive));
    const images = parseMosCsv(readFileSync(args.clive, 'utf8'), args.clive).map((r) => join(cliveRoot, r.image));
    console.error(`ranking-check: scoring ${images.length} CLIVE images into ${cliveScores} (once per model)`);
    // 100 images per process: onnxruntime-node 1.30.0 segfaults creating a session when the process's
    // command line is about 30,000 characters or longer (all 931 CLIVE paths here are about 36,800).
    const rows = [];
    for (let i = 0; i < images.length; i += 100) {
      const lines = run('node', [IQA, 'score', '--csv', ...scorerFlags, ...images.slice(i, i + 100)])
        .trim()
        .split('\n');
      if (i === 0) rows.push(lines[0]);
      rows.push(...lines.slice(1));
      console.error(`ranking-check: ${Math.min(i + 100, images.length)}/${images.length} CLIVE images scored`);
    }
    writeFileSync(`${cliveScores}.tmp`, `${rows.join('\n')}\n`);
    renameSync(`${cliveScores}.tmp`, cliveScores);
  }
}
const {
  scores: [clive],
} = readScoredSet(args.clive, [cliveScores]);
const p10 = quantile(clive, 0.1);

const report = {
  model: card.id,
  modelArg: args.model,
  dtype: args.dtype,
  onnxSha256: sha,
  set: setDir,
  ranking: {
    images: ranking.images,
    skipped: ranking.skipped,
    references: ranking.counts.references,
    byType: Object.fromEntries(
      Object.entries(ranking.byType).map(([t, r]) => [
        t,
        { pairs: r.pairs, share: r.share, ties: r.ties, srcc: r.srcc },
      ]),
    ),
    overall: { pairs: ranking.overall.pairs, share: ranking.overall.share, srcc: ranking.overall.srcc },
    byGap: Object.fromEntries(Object.entries(ranking.byGap).map(([g, r]) => [g, { pairs: r.pairs, share: r.share }])),
    byReference: Object.fromEntries(
      Object.entries(ranking.byReference).map(([ref, r]) => [ref, { pairs: r.pairs, share: r.share }]),
    ),
  },
  clive: { n: clive.length, p10, median: quantile(clive, 0.5), scores: cliveScores },
  // clean-photo.png is the undistorted photo the extremes were made from: a comparison, not a target.
  extremes: extremes.map((e) => {
    const name = e.file.slice(extremesDir.length + 1);
    return {
      name,
      role: name.startsWith('clean-') ? 'clean' : 'extreme',
      score: e.score ?? null,
      error: e.error?.code,
      belowP10: e.score === undefined ? null : e.score < p10,
    };
  }),
};

if (args.json) console.log(JSON.stringify(report, null, 2));
else {
  const f = (v) => (typeof v === 'number' ? v.toFixed(4) : '-');
  const r = report.ranking;
  const out = [
    `model ${report.model} (${report.dtype}, onnx sha256 ${sha.slice(0, 12)}) on ${setDir}`,
    `held-out ranking: ${r.images} images of ${r.references} photos (skipped ${r.skipped}); target >= 0.95 per type`,
    `${'type'.padEnd(8)}${'pairs'.padStart(7)}${'in order'.padStart(10)}${'SRCC'.padStart(9)}`,
    ...Object.entries(r.byType).map(
      ([t, x]) => `${t.padEnd(8)}${String(x.pairs).padStart(7)}${f(x.share).padStart(10)}${f(x.srcc).padStart(9)}`,
    ),
    `${'all'.padEnd(8)}${String(r.overall.pairs).padStart(7)}` +
      `${f(r.overall.share).padStart(10)}${f(r.overall.srcc).padStart(9)}`,
    `by level gap: ${Object.entries(r.byGap)
      .map(([g, x]) => `${g}: ${f(x.share)} (${x.pairs})`)
      .join(', ')}`,
    `by photo, worst first: ${Object.entries(r.byReference)
      .sort((a, b) => a[1].share - b[1].share)
      .map(([ref, x]) => `${ref} ${f(x.share)}`)
      .join(', ')}`,
    `CLIVE: ${report.clive.n} images, 10th percentile ${report.clive.p10.toFixed(2)}, ` +
      `median ${report.clive.median.toFixed(2)}; target: each extreme below the 10th percentile`,
    ...report.extremes.map((e) => {
      const verdict =
        e.role === 'clean' ? '(the undistorted photo, for comparison)' : e.belowP10 ? 'below' : 'NOT below';
      const value = e.score === null ? `failed: ${e.error}` : `${e.score.toFixed(2).padStart(7)}  ${verdict}`;
      return `  ${e.name.padEnd(20)}${value}`;
    }),
  ];
  console.log(out.join('\n'));
}

if (args.write) {
  const cardFile = join(ROOT, 'models', card.id, 'card.json');
  if (!existsSync(cardFile)) {
    console.error(`ranking-check: --write expected a zoo model's card at ${cardFile} but found none`);
    process.exit(2);
  }
  const r = report.ranking;
  const share = (x) => ({ pairs: x.pairs, share: Number(x.share.toFixed(4)) });
  const entry = {
    set:
      `ImageMagick ladders (blur, JPEG, noise; 4 levels each) of ${r.references} images kept out of training ` +
      '(scripts/heldout-ranking-set.sh)',
    images: r.images,
    references: r.references,
    byType: Object.fromEntries(Object.entries(r.byType).map(([t, x]) => [t, share(x)])),
    overall: share(r.overall),
    measured: {
      command:
        `node scripts/ranking-check.mjs --model ${card.id}` + (args.dtype === 'fp32' ? '' : ` --dtype ${args.dtype}`),
      runtime: `onnxruntime-node (iqa eval --ranking), ${args.dtype}, onnx sha256 ${sha.slice(0, 12)}`,
      date: new Date().toISOString(),
    },
  };
  const lines = updateCard(dirname(cardFile), (onDisk) => ({
    ...onDisk,
    ranking: [entry, ...(onDisk.ranking ?? []).filter((x) => x.set !== entry.set)],
  }));
  console.error(`ranking-check: wrote ${cardFile} (ranking) and embedded it: ${lines.join('; ')}`);
}
