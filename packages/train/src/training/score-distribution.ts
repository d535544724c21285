/**
 * NIMA's training target and loss (Talebi and Milanfar, IEEE TIP 2018). CLIVE gives each image a MOS and the
 * standard deviation of its ratings on 0-100, not a histogram, so the target is the normal N(MOS, std) cut into
 * `bins` equal bins of [0, 100] (bin i covers [100(i-1)/K, 100i/K)) and renormalised over [0, 100] (the mass
 * outside it dropped). The loss is NIMA's earth mover's distance with r = 2 between cumulative distributions.
 */
import * as tf from '@tensorflow/tfjs';

/** The standard normal CDF (Abramowitz and Stegun 7.1.26 erf, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * The target distribution of one image: N(`mos`, `std`) on `[0, range]` in `bins` equal bins, renormalised.
 * A std of 0 (or below a thousandth of a bin) puts all mass in the MOS's bin.
 *
 * @example
 * scoreDistribution(50, 10, 10); // symmetric around the 5|6 bin edge: p[4] = p[5] ~ 0.34
 */
export function scoreDistribution(mos: number, std: number, bins: number, range = 100): Float32Array {
  if (!Number.isFinite(mos) || !Number.isFinite(std) || std < 0)
    throw new RangeError(`Expected a finite MOS and std >= 0 but received ${mos} and ${std}`);
  const width = range / bins;
  const out = new Float32Array(bins);
  if (std < width / 1000) {
    out[Math.min(bins - 1, Math.max(0, Math.floor(mos / width)))] = 1;
    return out;
  }
  const cdf = (x: number) => normalCdf((x - mos) / std);
  const lo = cdf(0);
  const total = cdf(range) - lo;
  if (!(total > 0)) {
    out[Math.min(bins - 1, Math.max(0, Math.floor(mos / width)))] = 1;
    return out;
  }
  for (let i = 0; i < bins; i++) out[i] = (cdf((i + 1) * width) - cdf(i * width)) / total;
  return out;
}

/**
 * The card's map from a distribution over bins 1..K of `[0, range]` to that scale: bin i stands for its centre,
 * (i - 0.5) x range / K, so score = mean x range / K - range / (2K); a standard deviation scales by range / K.
 *
 * @example
 * distributionOutput(10); // { scale: 10, offset: -5 }: a mean of 1 is MOS 5, a mean of 10 is MOS 95
 */
export function distributionOutput(bins: number, range = 100): { scale: number; offset: number } {
  return { scale: range / bins, offset: -range / (2 * bins) };
}

/** The mean over bins 1..K of each row of row-major distributions `p` ([n, K]). */
export function distributionMeans(p: Float32Array, bins: number): Float32Array {
  const n = p.length / bins;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let m = 0;
    for (let i = 0; i < bins; i++) m += p[r * bins + i]! * (i + 1);
    out[r] = m;
  }
  return out;
}

/**
 * NIMA's EMD loss, r = 2: the batch mean of sqrt(mean over bins of (CDF_pred - CDF_target)^2), `pred` and
 * `target` [B, K]. A small epsilon inside the square root keeps the gradient finite where the two agree.
 *
 * @example
 * emdLoss(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]])); // sqrt(1 / 2)
 */
export function emdLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    // CDFs as one matmul with the upper-triangular ones (u[j][i] = 1 for j <= i): a kernel every backend has.
    const k = pred.shape[pred.rank - 1]!;
    const u = tf.tensor2d(
      Float32Array.from({ length: k * k }, (_, x) => (Math.floor(x / k) <= x % k ? 1 : 0)),
      [k, k],
    );
    const d = tf.matMul(tf.sub(pred, target) as tf.Tensor2D, u);
    return tf.mean(tf.sqrt(tf.add(tf.mean(tf.square(d), -1), 1e-12))) as tf.Scalar;
  });
}
