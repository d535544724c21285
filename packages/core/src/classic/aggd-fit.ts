/**
 * Moment-matching fit of an asymmetric generalised Gaussian distribution (AGGD), as BRISQUE uses it
 * (Mittal, Moorthy and Bovik, IEEE TIP 2012, section III; Lasmar, Stitou and Berthoumieu, ICIP 2009).
 * The shape is searched on the grid 0.2, 0.201, ... < 10 like the authors' release and OpenCV's
 * `quality` module, so the shapes agree with theirs to the grid step.
 */

/** Lanczos approximation of the gamma function (g = 7, 9 terms; about 1e-15 relative for x > 0). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function gammaFn(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFn(1 - x));
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a;
}

export interface ShapeGrid {
  shapes: Float64Array;
  ratios: Float64Array;
}

let grid: ShapeGrid | undefined;

/**
 * The shape grid and its moment ratio Γ(2/γ)² / (Γ(1/γ) Γ(3/γ)), built once (the step accumulates like the
 * reference loop). Exported so an ONNX graph can search the same table.
 *
 * @example
 * const { shapes, ratios } = aggdShapeGrid(); // 9800 shapes from 0.2
 */
export function aggdShapeGrid(): ShapeGrid {
  if (grid) return grid;
  const shapes: number[] = [];
  for (let g = 0.2; g < 10; g += 0.001) shapes.push(g);
  const ratios = new Float64Array(shapes.length);
  shapes.forEach((g, i) => {
    const g2 = gammaFn(2 / g);
    ratios[i] = (g2 * g2) / (gammaFn(1 / g) * gammaFn(3 / g));
  });
  grid = { shapes: Float64Array.from(shapes), ratios };
  return grid;
}

/** Result of {@link fitAggd}: the shape and the left and right standard deviations. */
export interface AggdFit {
  shape: number;
  leftSigma: number;
  rightSigma: number;
}

/** The sums an AGGD fit needs, accumulated one value at a time. */
export class AggdMoments {
  n = 0;
  posCount = 0;
  negCount = 0;
  posSq = 0;
  negSq = 0;
  absSum = 0;

  add(v: number): void {
    this.n++;
    if (v > 0) {
      this.posCount++;
      this.posSq += v * v;
      this.absSum += v;
    } else if (v < 0) {
      this.negCount++;
      this.negSq += v * v;
      this.absSum -= v;
    }
  }
}

/**
 * Fits an AGGD to `values` (or to moments already accumulated). Zeros count in the mean of |x| and of x², but
 * neither in the left nor in the right count (as OpenCV's `countNonZero`). Returns `undefined` when either side has no
 * values.
 */
export function fitAggd(values: ArrayLike<number> | AggdMoments): AggdFit | undefined {
  let m: AggdMoments;
  if (values instanceof AggdMoments) m = values;
  else {
    m = new AggdMoments();
    for (let i = 0; i < values.length; i++) m.add(values[i]!);
  }
  const { n, posCount, negCount, posSq, negSq, absSum } = m;
  if (posCount === 0 || negCount === 0) return undefined;
  const leftSigma = Math.sqrt(negSq / negCount);
  const rightSigma = Math.sqrt(posSq / posCount);
  const gammaHat = leftSigma / rightSigma;
  const meanAbs = absSum / n;
  const rHat = (meanAbs * meanAbs) / ((negSq + posSq) / n);
  const rHatNorm = (rHat * (gammaHat ** 3 + 1) * (gammaHat + 1)) / (gammaHat * gammaHat + 1) ** 2;
  // The ratio rises with the shape, so the reference's "stop when the distance grows" scan finds the nearest grid
  // point.
  const { shapes, ratios } = aggdShapeGrid();
  let shape = 0;
  let prevDiff = 1e10;
  for (let i = 0; i < shapes.length; i++) {
    const diff = Math.abs(ratios[i]! - rHatNorm);
    if (diff > prevDiff) break;
    prevDiff = diff;
    shape = shapes[i]!;
  }
  return { shape, leftSigma, rightSigma };
}

/** The AGGD's mean: (σr - σl) Γ(2/γ) / Γ(1/γ) · sqrt(Γ(1/γ) / Γ(3/γ)). */
export function aggdMean({ shape, leftSigma, rightSigma }: AggdFit): number {
  const g1 = gammaFn(1 / shape);
  return (rightSigma - leftSigma) * (gammaFn(2 / shape) / g1) * Math.sqrt(g1 / gammaFn(3 / shape));
}
