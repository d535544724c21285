/**
 * The image side of BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012, section III-A): grey levels in [0, 1],
 * bicubic downscaling and mean-subtracted contrast-normalised (MSCN) coefficients. Every step follows
 * OpenCV's `quality` module (the reference the tests compare with): BT.601 grey rounded to 8 bits, a 7x7
 * Gaussian with sigma 7/6 and replicated borders, C = 1/255 on the [0, 1] scale (C = 1 on 0..255),
 * and Keys' cubic (a = -0.75) without antialiasing for the half-scale copy.
 */
import type { RawImage } from '../preprocess/raw-image.js';

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

/** The normalised 7-tap Gaussian with sigma 7/6 (OpenCV's `getGaussianKernel(7, 7/6)`). */
const KERNEL = (() => {
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

/** One separable pass of the Gaussian along rows (`stride` 1) or columns (`stride` width), edges replicated. */
function blurPass(src: Float64Array, out: Float64Array, width: number, height: number, alongRows: boolean): void {
  const len = alongRows ? width : height;
  const lines = alongRows ? height : width;
  const step = alongRows ? 1 : width;
  const lineStep = alongRows ? width : 1;
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    for (let i = 0; i < len; i++) {
      let acc = 0;
      if (i >= RADIUS && i < len - RADIUS) {
        const c = base + i * step;
        for (let k = -RADIUS; k <= RADIUS; k++) acc += src[c + k * step]! * KERNEL[k + RADIUS]!;
      } else {
        for (let k = -RADIUS; k <= RADIUS; k++) {
          const j = Math.min(len - 1, Math.max(0, i + k));
          acc += src[base + j * step]! * KERNEL[k + RADIUS]!;
        }
      }
      out[base + i * step] = acc;
    }
  }
}

function gaussianBlur(src: Float64Array, width: number, height: number): Float64Array {
  const tmp = new Float64Array(src.length);
  const out = new Float64Array(src.length);
  blurPass(src, tmp, width, height, true);
  blurPass(tmp, out, width, height, false);
  return out;
}

/**
 * MSCN coefficients (I - mu) / (sigma + C) with mu and sigma the Gaussian-weighted local mean and
 * standard deviation; a local variance that rounding makes negative counts as 0.
 */
export function mscn(plane: Plane): Plane {
  const { data, width, height } = plane;
  const n = data.length;
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = data[i]! * data[i]!;
  const mu = gaussianBlur(data, width, height);
  const mom2 = gaussianBlur(sq, width, height);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = mu[i]!;
    const sigma = Math.sqrt(Math.max(0, mom2[i]! - m * m)) + 1 / 255;
    out[i] = (data[i]! - m) / sigma;
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

/** The product of each coefficient with its neighbour at `shift`; 0 where the neighbour is outside (as OpenCV). */
export function pairProduct(plane: Plane, shift: readonly [number, number], out: Float64Array): Float64Array {
  const { data, width, height } = plane;
  const [dy, dx] = shift;
  out.fill(0);
  const y0 = Math.max(0, -dy);
  const y1 = Math.min(height, height - dy);
  const x1 = Math.min(width, width - dx);
  for (let y = y0; y < y1; y++) {
    const r = y * width;
    const s = (y + dy) * width + dx;
    for (let x = 0; x < x1; x++) out[r + x] = data[r + x]! * data[s + x]!;
  }
  return out;
}
