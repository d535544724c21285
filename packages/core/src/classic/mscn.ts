/**
 * The image side of BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012, section III-A): grey levels in [0, 1],
 * bicubic downscaling and mean-subtracted contrast-normalised (MSCN) coefficients. Every step follows
 * OpenCV's `quality` module (the reference the tests compare with): BT.601 grey rounded to 8 bits, a 7x7
 * Gaussian with sigma 7/6 and replicated borders, C = 1/255 on the [0, 1] scale (C = 1 on 0..255),
 * and Keys' cubic (a = -0.75) without antialiasing for the half-scale copy.
 */
import type { RawImage } from '../preprocess/raw-image.js';
import { AggdMoments } from './aggd-fit.js';

/** A single-channel float plane, row-major. */
export interface Plane {
  data: Float64Array;
  width: number;
  height: number;
}

/**
 * Grey levels in [0, 1]: `round(0.299 R + 0.587 G + 0.114 B)` in OpenCV's 14-bit fixed point, divided by 255.
 * RGBA is read as RGB (alpha ignored, as OpenCV's BGRA2GRAY); grey is used as is.
 */
export function greyPlane(image: RawImage): Plane {
  const { data, width, height, channels } = image;
  const n = width * height;
  const out = new Float64Array(n);
  if (channels === 1) {
    for (let i = 0; i < n; i++) out[i] = data[i]! / 255;
  } else {
    for (let i = 0, j = 0; i < n; i++, j += channels) {
      out[i] = ((data[j]! * 4899 + data[j + 1]! * 9617 + data[j + 2]! * 1868 + 8192) >> 14) / 255;
    }
  }
  return { data: out, width, height };
}

/** Keys' cubic weights (a = -0.75) for a fractional offset `t` in [0, 1), as OpenCV's `interpolateCubic`. */
function cubicWeights(t: number, w: Float64Array, at: number): void {
  const A = -0.75;
  w[at] = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
  w[at + 1] = ((A + 2) * t - (A + 3)) * t * t + 1;
  w[at + 2] = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
  w[at + 3] = 1 - w[at]! - w[at + 1]! - w[at + 2]!;
}

/** Source taps (clamped to the edge) and weights of a 4-tap cubic resampling from `inSize` to `outSize`. */
function cubicTaps(inSize: number, outSize: number): { index: Int32Array; weight: Float64Array } {
  const scale = 1 / (outSize / inSize);
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  for (let o = 0; o < outSize; o++) {
    const f = (o + 0.5) * scale - 0.5;
    const s = Math.floor(f);
    cubicWeights(f - s, weight, 4 * o);
    for (let k = 0; k < 4; k++) index[4 * o + k] = Math.min(inSize - 1, Math.max(0, s - 1 + k));
  }
  return { index, weight };
}

/** Bicubic resize without antialiasing (OpenCV's INTER_CUBIC with replicated borders). */
export function resizeCubic(plane: Plane, width: number, height: number): Plane {
  if (width === plane.width && height === plane.height) return { data: plane.data.slice(), width, height };
  const src = plane.data;
  const sw = plane.width;
  const h = cubicTaps(sw, width);
  const v = cubicTaps(plane.height, height);
  const rows = new Float64Array(plane.height * width);
  for (let y = 0; y < plane.height; y++) {
    const r = y * sw;
    for (let x = 0; x < width; x++) {
      const k = 4 * x;
      rows[y * width + x] =
        src[r + h.index[k]!]! * h.weight[k]! +
        src[r + h.index[k + 1]!]! * h.weight[k + 1]! +
        src[r + h.index[k + 2]!]! * h.weight[k + 2]! +
        src[r + h.index[k + 3]!]! * h.weight[k + 3]!;
    }
  }
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const k = 4 * y;
    const r0 = v.index[k]! * width;
    const r1 = v.index[k + 1]! * width;
    const r2 = v.index[k + 2]! * width;
    const r3 = v.index[k + 3]! * width;
    const w0 = v.weight[k]!;
    const w1 = v.weight[k + 1]!;
    const w2 = v.weight[k + 2]!;
    const w3 = v.weight[k + 3]!;
    for (let x = 0; x < width; x++) {
      out[y * width + x] = rows[r0 + x]! * w0 + rows[r1 + x]! * w1 + rows[r2 + x]! * w2 + rows[r3 + x]! * w3;
    }
  }
  return { data: out, width, height };
}

const RADIUS = 3;

/** MSCN's stabilising constant C on the [0, 1] scale (C = 1 on 0..255). */
export const MSCN_C = 1 / 255;

/** |I - mu| below this is a flat window's rounding residue and counts as 0 (see `mscn`). */
export const MSCN_FLAT = 1e-9;

/** The normalised 7-tap Gaussian with sigma 7/6 (OpenCV's `getGaussianKernel(7, 7/6)`); exported for the ONNX graph. */
export const MSCN_GAUSSIAN: Float64Array = (() => {
  const k = new Float64Array(2 * RADIUS + 1);
  const sigma = 7 / 6;
  let sum = 0;
  for (let i = 0; i < k.length; i++) {
    const x = i - RADIUS;
    k[i] = Math.exp((-0.5 * x * x) / (sigma * sigma));
    sum += k[i]!;
  }
  return k.map((v) => v / sum);
})();

/** The Gaussian's taps from the centre out: [3], [2] = [4], [1] = [5], [0] = [6]. */
const [K3, K2, K1, K0] = [MSCN_GAUSSIAN[3]!, MSCN_GAUSSIAN[2]!, MSCN_GAUSSIAN[1]!, MSCN_GAUSSIAN[0]!];

/** Index of `i` clamped to 0..n-1 (replicated border). */
const clampIndex = (i: number, n: number): number => (i < 0 ? 0 : i >= n ? n - 1 : i);

/** The horizontal Gaussian of row `y` and of its square into `mean` and `square` (one row each), edges replicated. */
function blurRow(src: Float64Array, width: number, y: number, mean: Float64Array, square: Float64Array): void {
  const r = y * width;
  const at = (x: number): number => src[r + clampIndex(x, width)]!;
  for (let x = 0; x < width; x++) {
    const edge = x < RADIUS || x >= width - RADIUS;
    const i = r + x;
    const a = edge ? at(x - 3) : src[i - 3]!;
    const b = edge ? at(x - 2) : src[i - 2]!;
    const c = edge ? at(x - 1) : src[i - 1]!;
    const d = src[i]!;
    const e = edge ? at(x + 1) : src[i + 1]!;
    const f = edge ? at(x + 2) : src[i + 2]!;
    const g = edge ? at(x + 3) : src[i + 3]!;
    mean[x] = K3 * d + K2 * (c + e) + K1 * (b + f) + K0 * (a + g);
    square[x] = K3 * d * d + K2 * (c * c + e * e) + K1 * (b * b + f * f) + K0 * (a * a + g * g);
  }
}

/**
 * MSCN coefficients (I - mu) / (sigma + C) with mu and sigma the Gaussian-weighted local mean and
 * standard deviation; a local variance that rounding makes negative counts as 0. The horizontal pass
 * keeps only the 7 rows the vertical pass needs (a ring), so the only full-size buffer is the result.
 */
export function mscn(plane: Plane): Plane {
  const { data, width, height } = plane;
  const ring = 2 * RADIUS + 1;
  const means = Array.from({ length: ring }, () => new Float64Array(width));
  const squares = Array.from({ length: ring }, () => new Float64Array(width));
  const slot = (y: number): number => ((y % ring) + ring) % ring;
  // Rows -3..-1 replicate row 0; rows past the end replicate the last row (their ring slots are filled on demand).
  const rowOf = new Int32Array(ring).fill(-2 * ring); // no virtual row is that far above the image
  const load = (y: number): number => {
    const s = slot(y);
    const src = clampIndex(y, height);
    if (rowOf[s] !== y) {
      blurRow(data, width, src, means[s]!, squares[s]!);
      rowOf[s] = y;
    }
    return s;
  };
  const out = new Float64Array(data.length);
  const C = MSCN_C;
  // In a flat window I - mu is 0 but float64 leaves about 1e-16; such residues are set to 0 (neither sign in the
  // fits). A real difference of 8-bit levels is far larger (the Gaussian's smallest weight / 255 is about 6e-7).
  const FLAT = MSCN_FLAT;
  for (let y = 0; y < height; y++) {
    const [m0, m1, m2, m3, m4, m5, m6] = [-3, -2, -1, 0, 1, 2, 3].map((k) => means[load(y + k)]!) as Float64Array[];
    const [q0, q1, q2, q3, q4, q5, q6] = [-3, -2, -1, 0, 1, 2, 3].map((k) => squares[slot(y + k)]!) as Float64Array[];
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const mu = K3 * m3![x]! + K2 * (m2![x]! + m4![x]!) + K1 * (m1![x]! + m5![x]!) + K0 * (m0![x]! + m6![x]!);
      const mom2 = K3 * q3![x]! + K2 * (q2![x]! + q4![x]!) + K1 * (q1![x]! + q5![x]!) + K0 * (q0![x]! + q6![x]!);
      const v = mom2 - mu * mu;
      const d = data[row + x]! - mu;
      out[row + x] = Math.abs(d) < FLAT ? 0 : d / ((v > 0 ? Math.sqrt(v) : 0) + C);
    }
  }
  return { data: out, width, height };
}

/** Offsets (row, column) of the neighbour in the four pairwise products: H, V, D1 and D2. */
export const PAIR_SHIFTS: ReadonlyArray<readonly [number, number]> = [
  [0, 1],
  [1, 0],
  [1, 1],
  [-1, 1],
];

/**
 * The AGGD moments of the product of each coefficient with its neighbour at `shift`, without storing the
 * products; where the neighbour is outside the image the product is 0 (as OpenCV), counted in n only.
 */
export function pairMoments(plane: Plane, shift: readonly [number, number]): AggdMoments {
  const { data, width, height } = plane;
  const [dy, dx] = shift;
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(height, height - dy);
  const x1 = Math.min(width, width - dx);
  // Locals rather than AggdMoments.add: this loop runs over every coefficient four times per scale.
  let posCount = 0;
  let negCount = 0;
  let posSq = 0;
  let negSq = 0;
  let absSum = 0;
  for (let y = y0; y < y1; y++) {
    const r = y * width;
    const s = (y + dy) * width + dx;
    for (let x = 0; x < x1; x++) {
      const p = data[r + x]! * data[s + x]!;
      if (p > 0) {
        posCount++;
        posSq += p * p;
        absSum += p;
      } else if (p < 0) {
        negCount++;
        negSq += p * p;
        absSum -= p;
      }
    }
  }
  return Object.assign(new AggdMoments(), { n: width * height, posCount, negCount, posSq, negSq, absSum });
}
