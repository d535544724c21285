/**
 * HOSA features: J. Xu, P. Ye, Q. Li, H. Du, Y. Liu and D. Doermann, "Blind Image Quality Assessment Based on High
 * Order Statistics Aggregation", IEEE Transactions on Image Processing 25(9), 2016.
 *
 * Local features are the grey image's non-overlapping B x B patches (B = 7), each normalised as
 * (p - mean) / (std + C). A codebook of K codewords (k-means centres, with each cluster's per-dimension variance and
 * skewness) describes them: each patch is softly assigned to its r nearest codewords, with weights
 * exp(-beta d²) normalised over those r; per codeword, the weighted mean, variance and skewness of the patches
 * assigned to it, less the codeword's own, give 3 x B² numbers. The K x 3 x B² vector is signed-power normalised
 * (sign(f) |f|^alpha) and then L2-normalised.
 *
 * Ours, where the paper leaves a choice or differs (docs/classic-models.md, "HOSA"):
 * - grey is OpenCV's BT.601 fixed point (as BRISQUE here), levels 0..255; patches start at the top-left corner and
 *   the right and bottom remainders (under B pixels) are left out;
 * - std is the sample standard deviation (n - 1) of the B² levels; C = 10 on 0..255;
 * - no ZCA whitening;
 * - a patch's r nearest codewords are those whose squared distance is at most its r-th smallest distinct one (ties
 *   keep all the tied codewords), and distances are |x|² - 2 x.c + |c|², as the ONNX graph computes them;
 * - skewness is m3 / (m2 + eps)^(3/2), with moments from the weighted raw sums (codebook and images alike); a
 *   codeword no patch is assigned to gives 0 for its 3 x B² numbers.
 */
import { IqaError, expected } from '../errors.js';
import { type RawImage, assertRawImage } from '../preprocess/raw-image.js';
import { greyPlane } from './mscn.js';

/** The smallest side HOSA accepts here (as BRISQUE): 4 patches of 7 x 7 at least. */
export const HOSA_MIN_SIDE = 16;

/** The encoding's settings and codebook: K codewords of B² dimensions, each with its cluster's statistics. */
export interface HosaCodebook {
  /** Patch side B (non-overlapping patches: the stride is B). */
  patch: number;
  /** Normalisation constant C on 0..255 levels. */
  c: number;
  /** Nearest codewords per patch. */
  r: number;
  /** Soft-assignment sharpness: weights exp(-beta d²). */
  beta: number;
  /** Signed power normalisation exponent. */
  alpha: number;
  /** Skewness stabiliser: m3 / (m2 + eps)^1.5. */
  eps: number;
  /** K x B² cluster centres. */
  means: number[][];
  /** K x B² per-dimension variances of each cluster. */
  variances: number[][];
  /** K x B² per-dimension skewness of each cluster. */
  skewness: number[][];
}

/** The normalised non-overlapping patches of an image: `count` rows of `dims` values. */
export interface HosaPatches {
  data: Float64Array;
  count: number;
  dims: number;
}

/** Length of the HOSA vector of a codebook: K x 3 x B². */
export function hosaFeatureCount(codebook: Pick<HosaCodebook, 'means' | 'patch'>): number {
  return codebook.means.length * 3 * codebook.patch * codebook.patch;
}

/**
 * The image's non-overlapping `patch` x `patch` grey patches (row by row from the top-left corner), each normalised
 * as (p - mean) / (std + c) with the sample std of its levels 0..255. RGBA is read as RGB (the scorer composites
 * alpha onto white first).
 *
 * @example
 * const { data, count, dims } = hosaPatches(rgb, 7, 10); // dims 49, count floor(h/7) * floor(w/7)
 */
export function hosaPatches(image: RawImage, patch: number, c: number): HosaPatches {
  assertRawImage(image);
  if (!Number.isInteger(patch) || patch < 2) throw new RangeError(expected('an integer of at least 2', 'patch', patch));
  if (!(c > 0)) throw new RangeError(expected('a positive number', 'c', c));
  const { width, height } = image;
  if (width < HOSA_MIN_SIDE || height < HOSA_MIN_SIDE) {
    throw new IqaError(
      'IMAGE_TOO_SMALL',
      expected(`at least ${HOSA_MIN_SIDE}x${HOSA_MIN_SIDE} pixels`, 'the HOSA image', `${width}x${height}`),
    );
  }
  const grey = greyPlane(image).data;
  const rows = Math.floor(height / patch);
  const cols = Math.floor(width / patch);
  const dims = patch * patch;
  const data = new Float64Array(rows * cols * dims);
  const levels = new Float64Array(dims);
  for (let py = 0; py < rows; py++) {
    for (let px = 0; px < cols; px++) {
      let sum = 0;
      for (let dy = 0; dy < patch; dy++) {
        const at = (py * patch + dy) * width + px * patch;
        for (let dx = 0; dx < patch; dx++) {
          const v = Math.round(grey[at + dx]! * 255);
          levels[dy * patch + dx] = v;
          sum += v;
        }
      }
      const mean = sum / dims;
      let ss = 0;
      for (let j = 0; j < dims; j++) ss += (levels[j]! - mean) * (levels[j]! - mean);
      const scale = Math.sqrt(ss / (dims - 1)) + c;
      const out = (py * cols + px) * dims;
      for (let j = 0; j < dims; j++) data[out + j] = (levels[j]! - mean) / scale;
    }
  }
  return { data, count: rows * cols, dims };
}

/** Checks a codebook read from a file; throws `IqaError('INVALID_ARGUMENT')` naming the first problem. */
export function assertHosaCodebook(codebook: HosaCodebook, name = 'the HOSA codebook'): void {
  const fail = (what: string, field: string, got: unknown): never => {
    throw new IqaError('INVALID_ARGUMENT', expected(what, `${name}.${field}`, got));
  };
  if (!Number.isInteger(codebook?.patch) || codebook.patch < 2)
    fail('an integer of at least 2', 'patch', codebook?.patch);
  for (const key of ['c', 'beta', 'alpha', 'eps'] as const)
    if (!(codebook[key] > 0)) fail('a positive number', key, codebook[key]);
  const k = codebook.means?.length;
  if (!Array.isArray(codebook.means) || !k) fail('at least one codeword', 'means', codebook.means);
  if (!Number.isInteger(codebook.r) || codebook.r < 1 || codebook.r > k)
    fail(`an integer from 1 to ${k} (the codewords)`, 'r', codebook.r);
  const d = codebook.patch * codebook.patch;
  for (const key of ['means', 'variances', 'skewness'] as const) {
    const rows = codebook[key];
    if (!Array.isArray(rows) || rows.length !== k) fail(`${k} rows (one per codeword)`, key, rows);
    const bad = rows.findIndex((row) => !Array.isArray(row) || row.length !== d || !row.every(Number.isFinite));
    if (bad >= 0) fail(`${d} finite values`, `${key}[${bad}]`, rows[bad]);
  }
}

/** Adds one patch's soft assignment (weights over its r nearest codewords) to the raw moment sums. */
function assign(x: Float64Array, at: number, cb: HosaCodebook, norms: Float64Array, sums: Float64Array[]): void {
  const { means, r, beta } = cb;
  const k = means.length;
  const d = cb.patch * cb.patch;
  const [s0, s1, s2, s3] = sums as [Float64Array, Float64Array, Float64Array, Float64Array];
  let xx = 0;
  for (let j = 0; j < d; j++) xx += x[at + j]! * x[at + j]!;
  const dist = new Float64Array(k);
  for (let q = 0; q < k; q++) {
    const m = means[q]!;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += x[at + j]! * m[j]!;
    dist[q] = xx - 2 * dot + norms[q]!;
  }
  const sorted = dist.slice().sort();
  const nearest = sorted[0]!;
  let kth = nearest;
  for (let i = 1, distinct = 1; i < k && distinct < r; i++) {
    if (sorted[i]! > kth) {
      kth = sorted[i]!;
      distinct++;
    }
  }
  let total = 0;
  const w = new Float64Array(k);
  for (let q = 0; q < k; q++) {
    if (dist[q]! <= kth) {
      w[q] = Math.exp(-beta * (dist[q]! - nearest));
      total += w[q]!;
    }
  }
  for (let q = 0; q < k; q++) {
    if (w[q] === 0) continue;
    const wq = w[q]! / total;
    s0[q] = s0[q]! + wq;
    for (let j = 0; j < d; j++) {
      const v = x[at + j]!;
      const v2 = v * v;
      s1[q * d + j] = s1[q * d + j]! + wq * v;
      s2[q * d + j] = s2[q * d + j]! + wq * v2;
      s3[q * d + j] = s3[q * d + j]! + wq * v2 * v;
    }
  }
}

/**
 * Mean, variance and skewness from weighted raw moment sums (s1 / s0, s2 / s0, s3 / s0): m, m2 = E2 - m² and
 * m3 / (m2 + eps)^1.5 with m3 = E3 - 3 m E2 + 2 m³. Also used for the codebook's own statistics.
 */
export function hosaMoments(
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  eps: number,
): { mean: number; variance: number; skewness: number } {
  const mean = s1 / s0;
  const e2 = s2 / s0;
  const e3 = s3 / s0;
  const variance = e2 - mean * mean;
  const m3 = e3 - 3 * mean * e2 + 2 * mean * mean * mean;
  return { mean, variance, skewness: m3 / (variance + eps) ** 1.5 };
}

/**
 * The HOSA vector of normalised patches (from `hosaPatches`): per codeword its B² mean, B² variance and B² skewness
 * differences, signed-power and L2 normalised.
 *
 * @example
 * const f = hosaEncode(hosaPatches(rgb, cb.patch, cb.c), cb); // K * 3 * B² values, unit length
 */
export function hosaEncode(patches: HosaPatches, codebook: HosaCodebook): Float64Array {
  const k = codebook.means.length;
  const d = codebook.patch * codebook.patch;
  if (patches.dims !== d) throw new RangeError(expected(`patches of ${d} values`, 'patches.dims', patches.dims));
  if (patches.count < 1) throw new RangeError(expected('at least one patch', 'patches.count', patches.count));
  const norms = Float64Array.from(codebook.means, (m) => m.reduce((a, v) => a + v * v, 0));
  const sums = [new Float64Array(k), new Float64Array(k * d), new Float64Array(k * d), new Float64Array(k * d)];
  for (let i = 0; i < patches.count; i++) assign(patches.data, i * d, codebook, norms, sums);
  const [s0, s1, s2, s3] = sums as [Float64Array, Float64Array, Float64Array, Float64Array];
  const out = new Float64Array(k * 3 * d);
  for (let q = 0; q < k; q++) {
    if (!(s0[q]! > 0)) continue;
    for (let j = 0; j < d; j++) {
      const at = q * d + j;
      const m = hosaMoments(s0[q]!, s1[at]!, s2[at]!, s3[at]!, codebook.eps);
      out[q * 3 * d + j] = m.mean - codebook.means[q]![j]!;
      out[q * 3 * d + d + j] = m.variance - codebook.variances[q]![j]!;
      out[q * 3 * d + 2 * d + j] = m.skewness - codebook.skewness[q]![j]!;
    }
  }
  let ss = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.sign(out[i]!) * Math.abs(out[i]!) ** codebook.alpha;
    ss += out[i]! * out[i]!;
  }
  const norm = Math.sqrt(ss);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / norm;
  return out;
}

/**
 * HOSA features of an 8-bit grey, RGB or RGBA image (alpha ignored): K x 3 x B² numbers of unit length.
 * Throws `IqaError('IMAGE_TOO_SMALL')` below 16 pixels a side.
 *
 * @example
 * const f = hosaFeatures({ data, width: 500, height: 500, channels: 3 }, model.codebook); // 14,700 for K = 100
 */
export function hosaFeatures(image: RawImage, codebook: HosaCodebook): Float64Array {
  return hosaEncode(hosaPatches(image, codebook.patch, codebook.c), codebook);
}
