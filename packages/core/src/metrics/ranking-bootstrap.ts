/**
 * Intervals for a ranking report: how far the share of pairs in order would move on other references
 * like these. The unit of resampling is the reference, not the pair: the pairs of one reference's
 * ladders share its content (a smooth painting gets most of its JPEG pairs wrong together), so
 * resampling pairs would give intervals that are far too narrow.
 */
import { type BootstrapInterval, type BootstrapOptions, checkOptions, forEachResample, interval } from './bootstrap.js';
import { type PairCount, type RankingEntry, type RankingOptions, rankingReport } from './ranking.js';

/** Bootstrap intervals of a ranking report's shares, references resampled with replacement. */
export interface RankingIntervals {
  /** Per distortion type: the share of pairs in order, with its interval. */
  byType: Record<string, BootstrapInterval>;
  /** All types' pairs together. */
  overall: BootstrapInterval;
  /** References resampled (each resample draws this many, with replacement). */
  references: number;
  seed: number;
}

const share = (correct: number, ties: number, pairs: number) => (pairs > 0 ? (correct + ties / 2) / pairs : Number.NaN);

/**
 * Percentile-bootstrap intervals of `rankingReport`'s per-type and overall shares: each resample
 * draws the references with replacement and pools the pairs of the drawn references' ladders.
 * A resample in which a type has no pairs is left out of that type's interval.
 *
 * @example
 * const ci = rankingIntervals(entries, { resamples: 2000 });
 * ci.byType.jpeg; // { estimate: 0.958, low: 0.91, high: 0.99, level: 0.95, resamples: 2000 }
 */
export function rankingIntervals(
  entries: readonly RankingEntry[],
  options: RankingOptions & BootstrapOptions = {},
): RankingIntervals {
  const { resamples, seed, level } = checkOptions(options);
  const whole = rankingReport(entries, options); // checks the entries
  const types = Object.keys(whole.byType);
  const byReference = new Map<string, RankingEntry[]>();
  for (const e of entries) {
    const own = byReference.get(e.reference);
    if (own) own.push(e);
    else byReference.set(e.reference, [e]);
  }
  // One report per reference: its pairs per type, which every resample only adds up.
  const counts: PairCount[][] = [...byReference.values()].map((own) => {
    const r = rankingReport(own, options);
    return types.map((t) => r.byType[t] ?? { pairs: 0, correct: 0, ties: 0, share: Number.NaN });
  });
  const values: number[][] = types.map(() => []);
  const overall: number[] = [];
  forEachResample(counts.length, resamples, seed, (idx) => {
    let c = 0;
    let t = 0;
    let p = 0;
    types.forEach((_, k) => {
      let ck = 0;
      let tk = 0;
      let pk = 0;
      for (const i of idx) {
        const n = counts[i]![k]!;
        ck += n.correct;
        tk += n.ties;
        pk += n.pairs;
      }
      if (pk > 0) values[k]!.push(share(ck, tk, pk));
      c += ck;
      t += tk;
      p += pk;
    });
    if (p > 0) overall.push(share(c, t, p));
  });
  return {
    byType: Object.fromEntries(types.map((type, k) => [type, interval(whole.byType[type]!.share, values[k]!, level)])),
    overall: interval(whole.overall.share, overall, level),
    references: counts.length,
    seed,
  };
}
