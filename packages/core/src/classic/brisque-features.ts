/**
 * BRISQUE features: A. Mittal, A. K. Moorthy and A. C. Bovik, "No-Reference Image Quality Assessment in
 * the Spatial Domain", IEEE Transactions on Image Processing 21(12), 2012.
 *
 * Per scale (the image, then its half-size copy): the shape and variance of the MSCN coefficients, then for
 * each pairwise product (H, V, D1, D2) the AGGD shape, mean, left and right variance: 2 x 18 = 36 features.
 *
 * Where ours follows the authors' C++ release and OpenCV's `quality` module rather than the paper's text:
 * the MSCN shape comes from the same moment-matching fit as the products, with variance (σl² + σr²) / 2
 * (identical to the paper's GGD fit when the histogram is symmetric); products are 0 outside the image
 * (MATLAB's release wraps around with `circshift`); the half-size copy is an INTER_CUBIC resize without
 * antialiasing (MATLAB's `imresize` antialiases). We compute in float64 where OpenCV uses float32.
 */
import { IqaError, expected } from '../errors.js';
import { type RawImage, assertRawImage } from '../preprocess/raw-image.js';
import { type AggdFit, type AggdMoments, aggdMean, fitAggd } from './aggd-fit.js';
import { PAIR_SHIFTS, type Plane, greyPlane, mscn, pairMoments, resizeCubic } from './mscn.js';

/** The smallest side BRISQUE accepts: the half-size copy keeps at least 8 pixels for the 7x7 window. */
export const BRISQUE_MIN_SIDE = 16;

/** Number of BRISQUE features (18 per scale, 2 scales). */
export const BRISQUE_FEATURE_COUNT = 36;

/** Names of the 36 features in order, e.g. `s1.mscn.shape`, `s2.d2.rightVar`. */
export const BRISQUE_FEATURE_NAMES: readonly string[] = [1, 2].flatMap((s) => [
  `s${s}.mscn.shape`,
  `s${s}.mscn.var`,
  ...['h', 'v', 'd1', 'd2'].flatMap((o) => ['shape', 'mean', 'leftVar', 'rightVar'].map((p) => `s${s}.${o}.${p}`)),
]);

function fitOrThrow(values: Float64Array | AggdMoments, what: string): AggdFit {
  const fit = fitAggd(values);
  if (!fit) {
    throw new IqaError(
      'UNSUPPORTED_IMAGE',
      `Expected both positive and negative ${what} for BRISQUE but received a flat image (one sign is missing)`,
    );
  }
  return fit;
}

function scaleFeatures(grey: Plane, scale: number, out: Float64Array, at: number): void {
  const coeffs = mscn(grey);
  const m = fitOrThrow(coeffs.data, `MSCN coefficients at scale ${scale}`);
  out[at] = m.shape;
  out[at + 1] = (m.leftSigma * m.leftSigma + m.rightSigma * m.rightSigma) / 2;
  PAIR_SHIFTS.forEach((shift, o) => {
    const p = fitOrThrow(pairMoments(coeffs, shift), `pairwise products at scale ${scale}`);
    const k = at + 2 + 4 * o;
    out[k] = p.shape;
    out[k + 1] = aggdMean(p);
    out[k + 2] = p.leftSigma * p.leftSigma;
    out[k + 3] = p.rightSigma * p.rightSigma;
  });
}

/**
 * Computes the 36 BRISQUE features of an 8-bit grey, RGB or RGBA image (alpha is ignored).
 * Throws `IqaError('IMAGE_TOO_SMALL')` below 16 pixels a side and `IqaError('UNSUPPORTED_IMAGE')` for a flat image.
 *
 * @example
 * const features = brisqueFeatures({ data, width: 500, height: 500, channels: 3 });
 * features.length; // 36, named by BRISQUE_FEATURE_NAMES
 */
export function brisqueFeatures(image: RawImage): Float64Array {
  assertRawImage(image);
  const { width, height } = image;
  if (width < BRISQUE_MIN_SIDE || height < BRISQUE_MIN_SIDE) {
    throw new IqaError(
      'IMAGE_TOO_SMALL',
      expected(`at least ${BRISQUE_MIN_SIDE}x${BRISQUE_MIN_SIDE} pixels`, 'the BRISQUE image', `${width}x${height}`),
    );
  }
  const grey = greyPlane(image);
  const out = new Float64Array(BRISQUE_FEATURE_COUNT);
  scaleFeatures(grey, 1, out, 0);
  scaleFeatures(resizeCubic(grey, Math.floor(width / 2), Math.floor(height / 2)), 2, out, 18);
  return out;
}
