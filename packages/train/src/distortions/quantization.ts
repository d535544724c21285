/**
 * TID2013 #7, quantisation noise, after RankIQA's `QuantizationNoise.m`: thresholds chosen from the
 * image's histogram (all three channels together) by multi-level Otsu, then every channel
 * quantised with them. Multi-level Otsu (maximal between-class variance) is solved exactly by
 * dynamic programming over the 256 bins; each class is replaced by its mean, so fewer thresholds
 * always mean a larger error.
 */
import { mapBytes } from './pixels.js';
import type { BoundDistortion, RgbImage } from './types.js';

/**
 * The `count` thresholds that maximise the between-class variance of a 256-bin histogram
 * (multi-level Otsu). Class k holds values t[k-1] < v <= t[k].
 *
 * @example
 * multiOtsu(histogram, 2); // e.g. [84, 170]
 */
export function multiOtsu(histogram: ArrayLike<number>, count: number): number[] {
  const bins = 256;
  const s0 = new Float64Array(bins + 1);
  const s1 = new Float64Array(bins + 1);
  const s2 = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) {
    const c = histogram[i] ?? 0;
    s0[i + 1] = s0[i]! + c;
    s1[i + 1] = s1[i]! + c * i;
    s2[i + 1] = s2[i]! + c * i * i;
  }
  // within-class squared error of bins [a, b)
  const cost = (a: number, b: number): number => {
    const n = s0[b]! - s0[a]!;
    if (n <= 0) return 0;
    const m = s1[b]! - s1[a]!;
    return s2[b]! - s2[a]! - (m * m) / n;
  };
  const classes = count + 1;
  // best[k][b]: minimal error of the first b bins split into k + 1 classes; from[k][b]: last split.
  let prev = new Float64Array(bins + 1);
  for (let b = 0; b <= bins; b++) prev[b] = cost(0, b);
  const from: Int32Array[] = [];
  for (let k = 1; k < classes; k++) {
    const cur = new Float64Array(bins + 1).fill(Infinity);
    const arg = new Int32Array(bins + 1);
    for (let b = k + 1; b <= bins; b++) {
      for (let a = k; a < b; a++) {
        const e = prev[a]! + cost(a, b);
        if (e < cur[b]!) {
          cur[b] = e;
          arg[b] = a;
        }
      }
    }
    from.push(arg);
    prev = cur;
  }
  const cuts: number[] = [];
  let b = bins;
  for (let k = classes - 2; k >= 0; k--) {
    b = from[k]![b]!;
    cuts.unshift(b - 1); // class boundary: values <= b - 1 go below
  }
  return cuts;
}

/** Binds #7 to one image: the level's value is the number of thresholds (9, 7, 5, 3). */
export function bindQuantization(image: RgbImage): BoundDistortion {
  const hist = new Float64Array(256);
  for (const v of image.data) hist[v]!++;
  return (thresholds) => {
    const cuts = multiOtsu(hist, thresholds);
    const lut = new Uint8Array(256);
    let lo = 0;
    for (let k = 0; k <= cuts.length; k++) {
      const hi = k < cuts.length ? cuts[k]! : 255;
      let n = 0;
      let sum = 0;
      for (let v = lo; v <= hi; v++) {
        n += hist[v]!;
        sum += hist[v]! * v;
      }
      const mean = n > 0 ? Math.round(sum / n) : Math.round((lo + hi) / 2);
      for (let v = lo; v <= hi; v++) lut[v] = mean;
      lo = hi + 1;
    }
    return mapBytes(image, (v) => lut[v]!);
  };
}
