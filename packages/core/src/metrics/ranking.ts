/**
 * Ranking evaluation on distortion ladders (the protocol of RankIQA, Liu et al., ICCV 2017, and of
 * "Exploiting Unlabeled Data in CNNs by Self-Supervised Learning to Rank", TPAMI 2019): a model
 * that sees one reference at growing strengths of one distortion should score it worse at every step.
 *
 * A ladder is one reference under one distortion type: the reference's level-0 entry (if any) plus
 * that type's levels 1, 2, ... of it. Pairs are only ever formed inside one ladder, never across
 * references or types, so a model is not asked whether a blurred sunset beats a sharp tree.
 */
import { IqaError } from '../errors.js';
import { srcc } from './correlation.js';

/** One scored image of a ranking set. */
export interface RankingEntry {
  /** The reference image this entry was made from (its name; the same for all its versions). */
  reference: string;
  /** The distortion type; ignored at level 0, where the entry is the undistorted reference. */
  type: string;
  /** 0 is the undistorted reference, higher is a stronger distortion. */
  level: number;
  /** The model's score. */
  score: number;
}

export interface RankingOptions {
  /** Direction of the scores (the card's `output.higherIsBetter`); default true. */
  higherIsBetter?: boolean;
}

/** Ordered pairs: how many were compared, how many in order, how many tied. */
export interface PairCount {
  pairs: number;
  /** Pairs whose less distorted image scored better. */
  correct: number;
  /** Pairs with equal scores; each counts half in `share`. */
  ties: number;
  /** (correct + ties / 2) / pairs; NaN when there are no pairs. */
  share: number;
}

/** The ranking report of one distortion type. */
export interface TypeRanking extends PairCount {
  /** Ladders (references with at least one level of this type). */
  ladders: number;
  /** Mean over ladders of the SRCC between quality (-level) and score; +1 is a perfectly ordered ladder. */
  srcc: number;
  /** Ladders that entered `srcc` (those with at least two different levels). */
  srccLadders: number;
  /** Pair counts per level gap |level a - level b| (1, 2, ...). */
  byGap: Record<string, PairCount>;
}

export interface RankingReport {
  /** All types' pairs together. */
  overall: PairCount & { srcc: number; srccLadders: number };
  /** Per distortion type, in order of first appearance. */
  byType: Record<string, TypeRanking>;
  /** Per level gap, all types together. */
  byGap: Record<string, PairCount>;
  /** Per reference, all its types together (which images a model gets wrong), in order of first appearance. */
  byReference: Record<string, PairCount>;
  counts: { entries: number; references: number; types: number; ladders: number; referencesWithLevel0: number };
}

interface Tally {
  pairs: number;
  correct: number;
  ties: number;
}

const tally = (): Tally => ({ pairs: 0, correct: 0, ties: 0 });

function finish(t: Tally): PairCount {
  return { ...t, share: t.pairs > 0 ? (t.correct + t.ties / 2) / t.pairs : Number.NaN };
}

function finishGaps(gaps: Map<number, Tally>): Record<string, PairCount> {
  const out: Record<string, PairCount> = {};
  for (const gap of [...gaps.keys()].sort((a, b) => a - b)) out[String(gap)] = finish(gaps.get(gap)!);
  return out;
}

function addPair(t: Tally, order: number): void {
  t.pairs++;
  if (order > 0) t.correct++;
  else if (order === 0) t.ties++;
}

function checkEntry(e: RankingEntry, i: number): void {
  if (typeof e.reference !== 'string' || e.reference.length === 0) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a non-empty reference name for entry ${i} but received ${JSON.stringify(e.reference)}`,
    );
  }
  if (!Number.isInteger(e.level) || e.level < 0) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected an integer level >= 0 for entry ${i} (${e.reference}) but received ${e.level}`,
    );
  }
  if (e.level > 0 && (typeof e.type !== 'string' || e.type.length === 0)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a distortion type for entry ${i} (${e.reference}, level ${e.level}) but received ` +
        `${JSON.stringify(e.type)}`,
    );
  }
  if (!Number.isFinite(e.score)) {
    throw new IqaError(
      'INVALID_ARGUMENT',
      `Expected a finite score for entry ${i} (${e.reference}, ${e.type} ${e.level}) but received ${e.score}`,
    );
  }
}

/**
 * SRCC of (-level, score) on one ladder: +1 when the score falls at every step. A ladder with one constant score has no
 * order: 0.
 */
function ladderSrcc(ladder: RankingEntry[], sign: number): number {
  const r = srcc(
    ladder.map((e) => -e.level),
    ladder.map((e) => sign * e.score),
  );
  return Number.isNaN(r) ? 0 : r;
}

/**
 * Evaluates how well scores order distortion ladders. For every reference and type, every pair of
 * entries at different levels is one comparison: correct when the less distorted one scores better,
 * a tie counts half (as in an AUC: a model that cannot tell the two apart is right half the time;
 * ties are reported separately so a saturated model is visible). A reference's level-0 entry is part
 * of every type's ladder. The SRCC of a type is the mean over its ladders of SRCC(-level, score);
 * a ladder whose scores are all equal counts as 0.
 *
 * @example
 * const r = rankingReport([
 *   { reference: 'a', type: 'ref', level: 0, score: 80 },
 *   { reference: 'a', type: 'blur', level: 1, score: 60 },
 *   { reference: 'a', type: 'blur', level: 2, score: 70 },
 * ]);
 * r.byType.blur.share; // 2 of 3 pairs in order: 0.6667
 */
export function rankingReport(entries: readonly RankingEntry[], options: RankingOptions = {}): RankingReport {
  const sign = options.higherIsBetter === false ? -1 : 1;
  const level0 = new Map<string, RankingEntry>();
  const ladders = new Map<string, Map<string, RankingEntry[]>>(); // type -> reference -> levels > 0
  const seen = new Set<string>();
  const references = new Set<string>();
  entries.forEach((e, i) => {
    checkEntry(e, i);
    references.add(e.reference);
    const key = e.level === 0 ? JSON.stringify([e.reference, 0]) : JSON.stringify([e.reference, e.type, e.level]);
    if (seen.has(key)) {
      const what = e.level === 0 ? 'level 0' : `${e.type} level ${e.level}`;
      throw new IqaError(
        'INVALID_ARGUMENT',
        `Expected one entry per reference, type and level but received ${what} of ${e.reference} twice (entry ${i})`,
      );
    }
    seen.add(key);
    if (e.level === 0) level0.set(e.reference, e);
    else {
      const byRef = ladders.get(e.type) ?? new Map<string, RankingEntry[]>();
      ladders.set(e.type, byRef);
      byRef.set(e.reference, [...(byRef.get(e.reference) ?? []), e]);
    }
  });

  const all = tally();
  const allGaps = new Map<number, Tally>();
  const byRefTally = new Map<string, Tally>([...references].map((r) => [r, tally()]));
  const byType: Record<string, TypeRanking> = {};
  const allSrcc: number[] = [];
  let ladderCount = 0;
  for (const [type, byRef] of ladders) {
    const t = tally();
    const gaps = new Map<number, Tally>();
    const rhos: number[] = [];
    for (const [reference, distorted] of byRef) {
      const ref = level0.get(reference);
      const ladder = ref ? [ref, ...distorted] : distorted;
      for (let i = 0; i < ladder.length; i++) {
        for (let j = i + 1; j < ladder.length; j++) {
          const [better, worse] =
            ladder[i]!.level < ladder[j]!.level ? [ladder[i]!, ladder[j]!] : [ladder[j]!, ladder[i]!];
          const order = Math.sign(sign * (better.score - worse.score));
          const gap = worse.level - better.level;
          for (const target of [t, all, byRefTally.get(reference)!]) addPair(target, order);
          for (const map of [gaps, allGaps]) {
            if (!map.has(gap)) map.set(gap, tally());
            addPair(map.get(gap)!, order);
          }
        }
      }
      if (ladder.length >= 2) rhos.push(ladderSrcc(ladder, sign));
    }
    ladderCount += byRef.size;
    allSrcc.push(...rhos);
    byType[type] = {
      ...finish(t),
      ladders: byRef.size,
      srcc: mean(rhos),
      srccLadders: rhos.length,
      byGap: finishGaps(gaps),
    };
  }
  return {
    overall: { ...finish(all), srcc: mean(allSrcc), srccLadders: allSrcc.length },
    byType,
    byGap: finishGaps(allGaps),
    byReference: Object.fromEntries([...byRefTally].map(([r, t]) => [r, finish(t)])),
    counts: {
      entries: entries.length,
      references: references.size,
      types: ladders.size,
      ladders: ladderCount,
      referencesWithLevel0: level0.size,
    },
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
}
