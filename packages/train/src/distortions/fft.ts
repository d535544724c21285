/**
 * A small complex FFT for any length: iterative radix-2 for powers of two, Bluestein's chirp-z
 * for the rest. Enough for filtering image planes in the frequency domain.
 */

/** In-place radix-2 FFT of (re, im), length a power of two; `inverse` leaves the 1/n to the caller. */
function fftPow2(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k;
        const b = a + half;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** A reusable transform of one length `n` (forward or inverse, unnormalised). */
export interface Fft {
  readonly n: number;
  transform(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

/**
 * Plans an FFT of length `n` (any positive integer).
 *
 * @example
 * const f = planFft(481); f.transform(re, im, false);
 */
export function planFft(n: number): Fft {
  if ((n & (n - 1)) === 0) return { n, transform: (re, im, inv) => fftPow2(re, im, inv) };
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // chirp w_k = exp(-i pi k^2 / n); k^2 taken mod 2n to keep the angle exact.
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    cr[k] = Math.cos(a);
    ci[k] = -Math.sin(a);
  }
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  br[0] = cr[0]!;
  bi[0] = -ci[0]!;
  for (let k = 1; k < n; k++) {
    br[k] = br[m - k] = cr[k]!;
    bi[k] = bi[m - k] = -ci[k]!;
  }
  fftPow2(br, bi, false);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return {
    n,
    transform(re, im, inverse) {
      const s = inverse ? -1 : 1; // the inverse uses the conjugate chirp
      ar.fill(0);
      ai.fill(0);
      for (let k = 0; k < n; k++) {
        const wr = cr[k]!;
        const wi = s * ci[k]!;
        ar[k] = re[k]! * wr - im[k]! * wi;
        ai[k] = re[k]! * wi + im[k]! * wr;
      }
      fftPow2(ar, ai, false);
      for (let k = 0; k < m; k++) {
        const xr = ar[k]! * br[k]! - ai[k]! * s * bi[k]!;
        const xi = ar[k]! * s * bi[k]! + ai[k]! * br[k]!;
        ar[k] = xr;
        ai[k] = xi;
      }
      fftPow2(ar, ai, true);
      for (let k = 0; k < n; k++) {
        const xr = ar[k]! / m;
        const xi = ai[k]! / m;
        const wr = cr[k]!;
        const wi = s * ci[k]!;
        re[k] = xr * wr - xi * wi;
        im[k] = xr * wi + xi * wr;
      }
    },
  };
}

/**
 * Multiplies the 2-D DFT of a real `width` x `height` plane by `gain(row, col)` (unshifted
 * frequency indices, 0-based) and returns the real part of the inverse, like MATLAB's
 * `real(ifft2(H .* fft2(x)))`.
 */
export function filterPlaneFft(
  plane: Float32Array,
  width: number,
  height: number,
  gain: (row: number, col: number) => number,
): Float64Array {
  const n = width * height;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = plane[i]!;
  const fw = planFft(width);
  const fh = planFft(height);
  const rowRe = new Float64Array(width);
  const rowIm = new Float64Array(width);
  const colRe = new Float64Array(height);
  const colIm = new Float64Array(height);
  const rows = (inverse: boolean): void => {
    for (let y = 0; y < height; y++) {
      const o = y * width;
      for (let x = 0; x < width; x++) {
        rowRe[x] = re[o + x]!;
        rowIm[x] = im[o + x]!;
      }
      fw.transform(rowRe, rowIm, inverse);
      for (let x = 0; x < width; x++) {
        re[o + x] = rowRe[x]!;
        im[o + x] = rowIm[x]!;
      }
    }
  };
  const cols = (inverse: boolean, apply: boolean): void => {
    for (let x = 0; x < width; x++) {
      for (let y = 0; y < height; y++) {
        colRe[y] = re[y * width + x]!;
        colIm[y] = im[y * width + x]!;
      }
      fh.transform(colRe, colIm, inverse);
      if (apply) {
        for (let y = 0; y < height; y++) {
          const g = gain(y, x);
          colRe[y]! *= g;
          colIm[y]! *= g;
        }
        fh.transform(colRe, colIm, true);
      }
      for (let y = 0; y < height; y++) {
        re[y * width + x] = colRe[y]!;
        im[y * width + x] = colIm[y]!;
      }
    }
  };
  rows(false);
  cols(false, true); // forward along columns, filter, inverse along columns in one sweep
  rows(true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = re[i]! / n;
  return out;
}
