import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  type PairCount,
  parseRankingManifest,
  type RankingEntry,
  type RankingIntervals,
  rankingIntervals,
  rankingReport,
  type RankingManifestRow,
  type RankingReport,
} from '@iqa-zoo/core';
import { type CliIo, EXIT } from './io.js';
import { openScorer, type ScorerFlags, scoreFiles } from './score-files.js';

/** The flags of `iqa eval --ranking`. */
export interface RankingFlags extends ScorerFlags {
  ranking: string;
  refs?: string;
  root?: string;
  json?: boolean;
  /** With a value, adds 95% bootstrap intervals of the shares over this many resamples of the references. */
  resamples?: number;
}

/** What `iqa eval --ranking --json` prints: the report plus what was scored. */
export type RankingEvalResult = RankingReport & {
  model: string;
  dtype: string;
  manifest: string;
  images: number;
  skipped: number;
  /** With --ci: the shares' 95% intervals, references resampled (seed 0). */
  ci?: RankingIntervals & { resamples: number };
};

/**
 * The manifest's rows, with `refs/<reference>` as level 0 for each reference that has no level-0 row
 * when `refs` is given. Files are resolved against `root`.
 */
export function rankingFiles(rows: RankingManifestRow[], root: string, refs?: string): RankingManifestRow[] {
  const files = rows.map((r) => ({ ...r, file: resolve(root, r.file) }));
  if (refs === undefined) return files;
  const withLevel0 = new Set(rows.filter((r) => r.level === 0).map((r) => r.reference));
  const missing = [...new Set(rows.map((r) => r.reference))].filter((ref) => !withLevel0.has(ref));
  return [...files, ...missing.map((reference) => ({ file: resolve(refs, reference), reference, type: '', level: 0 }))];
}

/**
 * `iqa eval --ranking MANIFEST`: scores every file of a ranking manifest and prints how well the
 * scores order each reference's distortion ladder, per type, overall and per level gap.
 * A file that fails is reported and left out.
 *
 * @example
 * await rankingEval({ ranking: 'heldout/manifest.csv', model: 'mobilenetv2-ml-clive', json: true }, processIo());
 */
export async function rankingEval(flags: RankingFlags, io: CliIo): Promise<number> {
  const rows = rankingFiles(
    parseRankingManifest(await readFile(flags.ranking, 'utf8'), flags.ranking),
    flags.root ?? dirname(flags.ranking),
    flags.refs,
  );
  const { scorer, dtype } = await openScorer(flags, io);
  const entries: RankingEntry[] = [];
  let skipped: number;
  let higherIsBetter: boolean;
  try {
    higherIsBetter = scorer.card.output.higherIsBetter;
    const scored = await scoreFiles(
      scorer,
      rows.map((r) => r.file),
      rows.map((r) => r.file),
      io,
    );
    skipped = scored.skipped;
    scored.scores.forEach((score, i) => {
      if (score !== undefined)
        entries.push({ reference: rows[i]!.reference, type: rows[i]!.type, level: rows[i]!.level, score });
    });
  } finally {
    await scorer.dispose();
  }
  const report = rankingReport(entries, { higherIsBetter });
  if (report.overall.pairs === 0) {
    io.stderr.write(
      'iqa eval: expected at least one pair of levels of one reference and type but received none ' +
        `(${entries.length} scored, ${skipped} skipped)\n`,
    );
    return EXIT.FAILED;
  }
  const ci =
    flags.resamples === undefined
      ? undefined
      : { ...rankingIntervals(entries, { higherIsBetter, resamples: flags.resamples }), resamples: flags.resamples };
  const result: RankingEvalResult = {
    model: scorer.card.id,
    dtype,
    manifest: flags.ranking,
    images: entries.length,
    skipped,
    ...report,
    ...(ci ? { ci } : {}),
  };
  io.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : formatRanking(result));
  return EXIT.OK;
}

const f4 = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(4));

/**
 * The plain-text report: one row per type and `all`, then the shares per level gap.
 *
 * @example
 * io.stdout.write(formatRanking(result));
 */
export function formatRanking(r: RankingEvalResult): string {
  const c = r.counts;
  const within = (name: string) => {
    const c = name === 'all' ? r.ci?.overall : r.ci?.byType[name];
    return c ? `  ${f4(c.low)} to ${f4(c.high)}` : '';
  };
  const row = (name: string, ladders: number | string, p: PairCount, rho: number) =>
    `${name.padEnd(14)}${String(ladders).padStart(8)}${String(p.pairs).padStart(8)}` +
    `${f4(p.share).padStart(10)}${String(p.ties).padStart(6)}${f4(rho).padStart(9)}${within(name)}\n`;
  const lines = [
    `model ${r.model} (${r.dtype}), ranking set ${r.manifest}\n`,
    `images ${r.images} (skipped ${r.skipped}); ` +
      `${c.references} references (${c.referencesWithLevel0} with level 0), ${c.types} types, ${c.ladders} ladders\n`,
    `${'type'.padEnd(14)}${'ladders'.padStart(8)}${'pairs'.padStart(8)}` +
      `${'in order'.padStart(10)}${'ties'.padStart(6)}${'SRCC'.padStart(9)}${r.ci ? '  in order, 95% CI' : ''}\n`,
    ...Object.entries(r.byType).map(([type, t]) => row(type, t.ladders, t, t.srcc)),
    row('all', c.ladders, r.overall, r.overall.srcc),
    `${'level gap'.padEnd(14)}${''.padStart(8)}${'pairs'.padStart(8)}${'in order'.padStart(10)}${'ties'.padStart(6)}\n`,
    ...Object.entries(r.byGap).map(
      ([gap, p]) =>
        `${gap.padEnd(14)}${''.padStart(8)}${String(p.pairs).padStart(8)}` +
        `${f4(p.share).padStart(10)}${String(p.ties).padStart(6)}\n`,
    ),
    '(in order: share of pairs within one reference and type whose less distorted image scores better, ' +
      'a tie counting half; SRCC: mean over ladders of SRCC(-level, score))\n',
    ...(r.ci
      ? [`(intervals: ${r.ci.resamples} bootstrap resamples of the ${r.ci.references} references, seed ${r.ci.seed})\n`]
      : []),
  ];
  return lines.join('');
}
