import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';

/** Checks paired samples (same length, at least `min`, finite) and copies them to arrays. Internal to metrics. */
export function checkPairs(x: ArrayLike<number>, y: ArrayLike<number>, min = 2): [number[], number[]] {
  if (x.length !== y.length)
    throw new RangeError(`Expected two arrays of the same length but received ${x.length} and ${y.length}`);
  if (x.length < min) throw new RangeError(`Expected at least ${min} pairs but received ${x.length}`);
  const a = Array.from(x);
  const b = Array.from(y);
  const bad = a.findIndex((v, i) => !Number.isFinite(v) || !Number.isFinite(b[i]!));
  if (bad >= 0) throw new RangeError(`Expected finite numbers but received ${a[bad]} and ${b[bad]} at index ${bad}`);
  return [a, b];
}

/** Pearson linear correlation (PLCC). */
export function plcc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = checkPairs(x, y);
  return sampleCorrelation(a, b);
}

/** Spearman rank correlation (SRCC), ties get their mid-rank. */
export function srcc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = checkPairs(x, y);
  return sampleRankCorrelation(a, b);
}

/**
 * Kendall's tau-b (KRCC), which corrects for ties in either variable (as scipy.stats.kendalltau).
 * O(n^2): fine for IQA validation sets of a few thousand images. No maintained JS statistics
 * library ships tau-b, so it is written here.
 */
export function krcc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = checkPairs(x, y);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const dx = Math.sign(a[j]! - a[i]!);
      const dy = Math.sign(b[j]! - b[i]!);
      if (dx === 0 && dy === 0) continue; // tied in both: counts in neither denominator term
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denom = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denom === 0 ? Number.NaN : (concordant - discordant) / denom;
}

/** Root mean squared error. */
export function rmse(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [a, b] = checkPairs(x, y, 1);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}
