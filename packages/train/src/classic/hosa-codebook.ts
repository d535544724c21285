/**
 * HOSA's codebook (Xu, Ye, Li, Du, Liu and Doermann, IEEE TIP 2016, section III-B): k-means on normalised local
 * patches, and for each cluster the per-dimension mean (the codeword), variance and skewness of its members.
 *
 * k-means is Lloyd's algorithm from a seeded k-means++ start (Arthur and Vassilvitskii, SODA 2007); the paper
 * does not say how it seeds. The cluster statistics use core's `hosaMoments`, so the codebook's skewness and an
 * image's are the same formula.
 */
import { type HosaCodebook, expected, hosaMoments, mulberry32 } from '@iqa-zoo/core';

/** The encoding settings a codebook is built for (everything in `HosaCodebook` but the cluster statistics). */
export type HosaSettings = Omit<HosaCodebook, 'means' | 'variances' | 'skewness'>;

/** Options of {@link buildHosaCodebook}. */
export interface HosaCodebookOptions {
  /** Number of codewords K. */
  k: number;
  seed: number;
  /** Lloyd iterations at most (default 50); it stops earlier when no assignment changes. */
  iterations?: number;
  /** Called after each iteration with the number of rows that changed cluster. */
  onIteration?: (iteration: number, changed: number) => void;
}

/** Index of the nearest centre of row `i` (squared distances as |x|² - 2 x.c + |c|², ties to the lower index). */
function nearest(rows: Float64Array, i: number, d: number, centres: Float64Array, norms: Float64Array): number {
  let best = 0;
  let bestDist = Infinity;
  for (let q = 0; q < norms.length; q++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += rows[i * d + j]! * centres[q * d + j]!;
    const dist = norms[q]! - 2 * dot;
    if (dist < bestDist) {
      bestDist = dist;
      best = q;
    }
  }
  return best;
}

/** k-means++: each next centre drawn with probability proportional to its squared distance to the chosen ones. */
function seedCentres(rows: Float64Array, n: number, d: number, k: number, rand: () => number): Float64Array {
  const centres = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rand() * n);
  for (let q = 0; q < k; q++) {
    centres.set(rows.subarray(pick * d, pick * d + d), q * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (rows[i * d + j]! - centres[q * d + j]!) ** 2;
      dist[i] = Math.min(dist[i]!, s);
      total += dist[i]!;
    }
    let target = rand() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= dist[i]!;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}

/**
 * Clusters `rows` (n rows of B² normalised patch values, e.g. from core's `hosaPatches`) into `options.k` codewords
 * and returns the codebook with each cluster's statistics (hard assignment) and the given settings.
 *
 * @example
 * const cb = buildHosaCodebook(patches, 49, { patch: 7, c: 10, r: 5, beta: 0.05, alpha: 0.2, eps: 1e-3 },
 *   { k: 100, seed: 2017 });
 */
export function buildHosaCodebook(
  rows: Float64Array,
  d: number,
  settings: HosaSettings,
  options: HosaCodebookOptions,
): HosaCodebook {
  if (settings.patch * settings.patch !== d)
    throw new RangeError(expected(`${settings.patch * settings.patch} values per row`, 'd', d));
  const n = rows.length / d;
  const { k } = options;
  if (!Number.isInteger(n) || n < k) throw new RangeError(expected(`at least ${k} rows of ${d} values`, 'rows', rows));
  const rand = mulberry32(options.seed);
  const centres = seedCentres(rows, n, d, k, rand);
  const label = new Int32Array(n).fill(-1);
  const norms = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let it = 0; it < (options.iterations ?? 50); it++) {
    for (let q = 0; q < k; q++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += centres[q * d + j]! ** 2;
      norms[q] = s;
    }
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const q = nearest(rows, i, d, centres, norms);
      if (q !== label[i]) changed++;
      label[i] = q;
    }
    options.onIteration?.(it + 1, changed);
    if (changed === 0) break;
    const sums = new Float64Array(k * d);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const q = label[i]!;
      counts[q] = counts[q]! + 1;
      for (let j = 0; j < d; j++) sums[q * d + j] = sums[q * d + j]! + rows[i * d + j]!;
    }
    // An empty cluster keeps its centre.
    for (let q = 0; q < k; q++)
      if (counts[q]! > 0) for (let j = 0; j < d; j++) centres[q * d + j] = sums[q * d + j]! / counts[q]!;
  }
  const [s1, s2, s3] = [new Float64Array(k * d), new Float64Array(k * d), new Float64Array(k * d)];
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const q = label[i]!;
    counts[q] = counts[q]! + 1;
    for (let j = 0; j < d; j++) {
      const v = rows[i * d + j]!;
      const at = q * d + j;
      s1[at] = s1[at]! + v;
      s2[at] = s2[at]! + v * v;
      s3[at] = s3[at]! + v * v * v;
    }
  }
  const stats = Array.from({ length: k }, (_, q) =>
    Array.from({ length: d }, (_, j) =>
      counts[q]! > 0
        ? hosaMoments(counts[q]!, s1[q * d + j]!, s2[q * d + j]!, s3[q * d + j]!, settings.eps)
        : { mean: centres[q * d + j]!, variance: 0, skewness: 0 },
    ),
  );
  return {
    ...settings,
    means: stats.map((row) => row.map((s) => s.mean)),
    variances: stats.map((row) => row.map((s) => s.variance)),
    skewness: stats.map((row) => row.map((s) => s.skewness)),
  };
}
