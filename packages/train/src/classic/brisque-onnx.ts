/**
 * BRISQUE (A. Mittal, A. K. Moorthy and A. C. Bovik, "No-Reference Image Quality Assessment in the Spatial
 * Domain", IEEE TIP 2012) as one ONNX graph: RGB pixels in, the SVR's score out. Every step is core's
 * (packages/core/src/classic: mscn.ts, aggd-fit.ts, brisque-features.ts, svr-model.ts) written as ONNX ops in
 * float64, in the same order of operations, so the graph's features equal core's to rounding:
 *
 * - grey: OpenCV's fixed point, `floor((4899 R + 9617 G + 1868 B + 8192) / 16384) / 255` (exact in float64);
 * - MSCN: the 7-tap Gaussian (sigma 7/6) as seven shifted `Slice`s of an edge-`Pad`ded plane per direction
 *   (onnxruntime's CPU `Conv` has no float64 kernel); |I - mu| < 1e-9 counts as 0, as in core;
 * - pairwise products: `Slice` and `Mul` (products outside the image are 0: they count in n only);
 * - AGGD fit: sums by `ReduceSum` over `Greater`/`Less` masks; the shape is `ArgMin` over |ratio table - r̂|
 *   (core's table; the ratio rises with the shape, so this is the grid point core's scan stops at) and the
 *   Γ values of the chosen shape are `Gather`s from tables that core's `gammaFn` filled;
 * - half scale: Keys' cubic (a = -0.75, half-pixel centres, clamped taps) as `Gather`s of the four taps with
 *   weights computed from the sizes, rows then columns (onnxruntime's `Resize` has no float64 kernel);
 * - the SVR: svm-scale as `x * a + b`, the RBF kernel sum and rho, as in svr-onnx.ts.
 *
 * Input: `[N, H, W, 3]` float32 RGB levels 0..255 (alpha already composited onto white; N images of one
 * size). Output: `[N, 1]` float32 scores. A flat image (no positive or no negative MSCN value) gives NaN, which the scorer refuses.
 */
import {
  type SvrModel,
  MSCN_C,
  MSCN_FLAT,
  MSCN_GAUSSIAN,
  aggdShapeGrid,
  assertSvrModel,
  expected,
  gammaFn,
} from '@iqa-zoo/core';
import { ONNX_DOUBLE, ONNX_FLOAT, OnnxGraph } from './onnx-graph.js';
import { addSvr } from './svr-onnx.js';

/** Options of {@link brisqueToOnnx}. */
export interface BrisqueOnnxOptions {
  /** ONNX input name (default `image`). */
  inputName?: string;
  /** ONNX output name (default `score`). */
  outputName?: string;
  /** JSON stored in the model's `metadata_props` under each key (e.g. the model card under `iqa_zoo.card`). */
  metadata?: Record<string, string>;
}

interface Tables {
  shapes: string;
  ratios: string;
  g1: string;
  g2: string;
  g3: string;
}

/** The 7-tap Gaussian along `axis` (1: rows, 2: columns) of `[N, H, W]` planes, edges replicated: K3 d + K2 (c + e) + K1 (b + f) + K0 (a + g), as core. */
function blur(g: OnnxGraph, x: string, axis: 1 | 2, squared: boolean, base: string): string {
  const pads = axis === 1 ? [0, 3, 0, 0, 3, 0] : [0, 0, 3, 0, 0, 3];
  const padded = g.op('Pad', [x, g.int64(pads)], `${base}/pad`, { mode: { s: 'edge' } });
  const taps = [0, 1, 2, 3, 4, 5, 6].map((k) =>
    g.slice(padded, axis, k, k === 6 ? undefined : k - 6, `${base}/tap${k}`),
  );
  const [a, b, c, d, e, f, h] = squared ? taps.map((t, k) => g.op('Mul', [t, t], `${base}/sq${k}`)) : taps;
  const [K0, K1, K2, K3] = [0, 1, 2, 3].map((k) => g.double(`gauss_${k}`, [MSCN_GAUSSIAN[k]!]));
  // Core's square row is K3 * d * d = (K3 * d) * d; its pairs are c * c + e * e. Same order here.
  const centre = squared
    ? g.op('Mul', [g.op('Mul', [K3!, taps[3]!], `${base}/k3d`), taps[3]!], `${base}/k3dd`)
    : g.op('Mul', [K3!, d!], `${base}/k3d`);
  let sum = g.op('Add', [centre, g.op('Mul', [K2!, g.op('Add', [c!, e!], `${base}/ce`)], `${base}/k2`)], `${base}/s2`);
  sum = g.op('Add', [sum, g.op('Mul', [K1!, g.op('Add', [b!, f!], `${base}/bf`)], `${base}/k1`)], `${base}/s1`);
  return g.op('Add', [sum, g.op('Mul', [K0!, g.op('Add', [a!, h!], `${base}/ag`)], `${base}/k0`)], `${base}/s0`);
}

/** MSCN coefficients of `[N, H, W]` grey planes, as core's `mscn`. */
function mscn(g: OnnxGraph, grey: string, base: string): string {
  // Horizontal pass of I and of I² (core squares the taps: K3*d*d + K2*(c*c + e*e) + ...), then the vertical pass of each.
  const rowMean = blur(g, grey, 2, false, `${base}/h_mean`);
  const rowSquare = blur(g, grey, 2, true, `${base}/h_sq`);
  const mu = blur(g, rowMean, 1, false, `${base}/v_mean`);
  const mom2 = blur(g, rowSquare, 1, false, `${base}/v_sq`);
  const zero = g.double('zero', [0]);
  const v = g.op('Sub', [mom2, g.op('Mul', [mu, mu], `${base}/mu2`)], `${base}/var`);
  const sigma = g.op('Sqrt', [g.op('Max', [v, zero], `${base}/var_pos`)], `${base}/sigma`);
  const d = g.op('Sub', [grey, mu], `${base}/d`);
  const flat = g.op('Less', [g.op('Abs', [d], `${base}/abs_d`), g.double('flat', [MSCN_FLAT])], `${base}/flat`);
  const ratio = g.op('Div', [d, g.op('Add', [sigma, g.double('c', [MSCN_C])], `${base}/den`)], `${base}/ratio`);
  return g.op('Where', [flat, zero, ratio], `${base}/mscn`);
}

/** Per image `[N]`: shape, mean, left and right variance, and (σl² + σr²) / 2 of the AGGD fit of `x` `[N, h, w]`, with n = `n`. */
function aggd(
  g: OnnxGraph,
  x: string,
  n: string,
  t: Tables,
  base: string,
): { shape: string; mean: string; leftVar: string; rightVar: string; variance: string } {
  const zero = g.double('zero', [0]);
  const sum = (v: string, b: string) => g.op('ReduceSum', [v, g.int64([1, 2])], `${base}/${b}`, { keepdims: { i: 0 } });
  const pos = g.op('Cast', [g.op('Greater', [x, zero], `${base}/is_pos`)], `${base}/pos`, { to: { i: ONNX_DOUBLE } });
  const neg = g.op('Cast', [g.op('Less', [x, zero], `${base}/is_neg`)], `${base}/neg`, { to: { i: ONNX_DOUBLE } });
  const sq = g.op('Mul', [x, x], `${base}/sq`);
  const posSq = sum(g.op('Mul', [sq, pos], `${base}/pos_sq_v`), 'pos_sq');
  const negSq = sum(g.op('Mul', [sq, neg], `${base}/neg_sq_v`), 'neg_sq');
  const leftVar = g.op('Div', [negSq, sum(neg, 'neg_count')], `${base}/left_var`);
  const rightVar = g.op('Div', [posSq, sum(pos, 'pos_count')], `${base}/right_var`);
  const left = g.op('Sqrt', [leftVar], `${base}/left`);
  const right = g.op('Sqrt', [rightVar], `${base}/right`);
  // Core squares the sigmas again (sigma * sigma), which can differ from the variance in the last bit.
  const leftSq = g.op('Mul', [left, left], `${base}/left_sq`);
  const rightSq = g.op('Mul', [right, right], `${base}/right_sq`);
  const gh = g.op('Div', [left, right], `${base}/gamma_hat`);
  const meanAbs = g.op('Div', [sum(g.op('Abs', [x], `${base}/abs`), 'abs_sum'), n], `${base}/mean_abs`);
  const rHat = g.op(
    'Div',
    [
      g.op('Mul', [meanAbs, meanAbs], `${base}/mean_abs2`),
      g.op('Div', [g.op('Add', [negSq, posSq], `${base}/sq_sum`), n], `${base}/mean_sq`),
    ],
    `${base}/r_hat`,
  );
  const one = g.double('one', [1]);
  const gh2 = g.op('Mul', [gh, gh], `${base}/gh2`);
  const gh3 = g.op('Mul', [gh2, gh], `${base}/gh3`);
  // rHat * (gh³ + 1) * (gh + 1) / (gh² + 1)², left to right as core.
  const num = g.op(
    'Mul',
    [
      g.op('Mul', [rHat, g.op('Add', [gh3, one], `${base}/gh3_1`)], `${base}/n1`),
      g.op('Add', [gh, one], `${base}/gh_1`),
    ],
    `${base}/num`,
  );
  const den1 = g.op('Add', [gh2, one], `${base}/gh2_1`);
  const rNorm = g.op('Div', [num, g.op('Mul', [den1, den1], `${base}/den`)], `${base}/r_norm`);
  const dist = g.op('Sub', [t.ratios, g.op('Unsqueeze', [rNorm, g.int64([1])], `${base}/r_norm_col`)], `${base}/dist`); // [N, grid]
  const idx = g.op('ArgMin', [g.op('Abs', [dist], `${base}/abs_dist`)], `${base}/idx`, {
    keepdims: { i: 0 },
    axis: { i: 1 },
  });
  const pick = (table: string, b: string) => g.op('Gather', [table, idx], `${base}/${b}`, { axis: { i: 0 } });
  const shape = pick(t.shapes, 'shape');
  const g1 = pick(t.g1, 'g1');
  // (σr - σl) Γ(2/γ) / Γ(1/γ) · sqrt(Γ(1/γ) / Γ(3/γ))
  const mean = g.op(
    'Mul',
    [
      g.op(
        'Mul',
        [g.op('Sub', [right, left], `${base}/r_l`), g.op('Div', [pick(t.g2, 'g2'), g1], `${base}/g2_g1`)],
        `${base}/m1`,
      ),
      g.op('Sqrt', [g.op('Div', [g1, pick(t.g3, 'g3')], `${base}/g1_g3`)], `${base}/root`),
    ],
    `${base}/mean`,
  );
  const variance = g.op(
    'Div',
    [g.op('Add', [leftSq, rightSq], `${base}/var_sum`), g.double('two', [2])],
    `${base}/variance`,
  );
  return { shape, mean, leftVar: leftSq, rightVar: rightSq, variance };
}

/** The 18 features of one scale of `[N, H, W]` planes, as `[N, 18]` in BRISQUE_FEATURE_NAMES order. */
function scaleFeatures(g: OnnxGraph, grey: string, t: Tables, base: string): string {
  const coeffs = mscn(g, grey, base);
  const hw = g.slice(g.op('Shape', [grey], `${base}/shape`), 0, 1, 3, `${base}/hw`);
  const n = g.op('Cast', [g.op('ReduceProd', [hw], `${base}/numel`, { keepdims: { i: 0 } })], `${base}/n`, {
    to: { i: ONNX_DOUBLE },
  });
  const m = aggd(g, coeffs, n, t, `${base}/mscn_fit`);
  const parts = [m.shape, m.variance];
  // H (0, 1), V (1, 0), D1 (1, 1), D2 (-1, 1): coefficient times its neighbour, inside the image only.
  const shifts: Array<[string, [number, number]]> = [
    ['h', [0, 1]],
    ['v', [1, 0]],
    ['d1', [1, 1]],
    ['d2', [-1, 1]],
  ];
  for (const [name, [dy, dx]] of shifts) {
    let here = coeffs;
    let there = coeffs;
    if (dy === 1)
      [here, there] = [
        g.slice(here, 1, 0, -1, `${base}/${name}/y0`),
        g.slice(there, 1, 1, undefined, `${base}/${name}/y1`),
      ];
    if (dy === -1)
      [here, there] = [
        g.slice(here, 1, 1, undefined, `${base}/${name}/y0`),
        g.slice(there, 1, 0, -1, `${base}/${name}/y1`),
      ];
    if (dx === 1)
      [here, there] = [
        g.slice(here, 2, 0, -1, `${base}/${name}/x0`),
        g.slice(there, 2, 1, undefined, `${base}/${name}/x1`),
      ];
    const p = aggd(g, g.op('Mul', [here, there], `${base}/${name}/product`), n, t, `${base}/${name}`);
    parts.push(p.shape, p.mean, p.leftVar, p.rightVar);
  }
  const columns = parts.map((s, i) => g.op('Unsqueeze', [s, g.int64([1])], `${base}/f${i}`));
  return g.op('Concat', columns, `${base}/features`, { axis: { i: 1 } });
}

/** Cubic resampling of `[N, H, W]` along `axis` (1: rows, 2: columns) from its size to floor(size / 2), as core's `cubicTaps` + `resizeCubic`. */
function halfCubic(g: OnnxGraph, x: string, axis: 1 | 2, base: string): string {
  const size = g.op(
    'Cast',
    [g.op('Gather', [g.op('Shape', [x], `${base}/shape`), g.int64([axis])], `${base}/size_i`, { axis: { i: 0 } })],
    `${base}/size`,
    { to: { i: ONNX_DOUBLE } },
  );
  const out = g.op('Floor', [g.op('Div', [size, g.double('two', [2])], `${base}/half`)], `${base}/out`);
  // scale = 1 / (out / in), f = (o + 0.5) * scale - 0.5, s = floor(f), t = f - s
  const one = g.double('one', [1]);
  const scale = g.op('Div', [one, g.op('Div', [out, size], `${base}/ratio`)], `${base}/scale`);
  const half = g.double('half', [0.5]);
  const o = g.op('Range', [g.double('zero', [0]), g.op('Squeeze', [out], `${base}/out_s`), one], `${base}/o`);
  const f = g.op(
    'Sub',
    [
      g.op(
        'Mul',
        [g.op('Add', [o, half], `${base}/o_half`), g.op('Squeeze', [scale], `${base}/scale_s`)],
        `${base}/f0`,
      ),
      half,
    ],
    `${base}/f`,
  );
  const s = g.op('Floor', [f], `${base}/s`);
  const t = g.op('Sub', [f, s], `${base}/t`);
  const A = -0.75;
  const c = (v: number) => g.double(`c_${v}`, [v]);
  const t1 = g.op('Add', [t, one], `${base}/t1`);
  // w0 = ((A (t+1) - 5A) (t+1) + 8A) (t+1) - 4A
  const w0 = g.op(
    'Sub',
    [
      g.op(
        'Mul',
        [
          g.op(
            'Add',
            [
              g.op(
                'Mul',
                [g.op('Sub', [g.op('Mul', [c(A), t1], `${base}/w0a`), c(5 * A)], `${base}/w0b`), t1],
                `${base}/w0c`,
              ),
              c(8 * A),
            ],
            `${base}/w0d`,
          ),
          t1,
        ],
        `${base}/w0e`,
      ),
      c(4 * A),
    ],
    `${base}/w0`,
  );
  // w1 = ((A+2) t - (A+3)) t t + 1
  const poly = (u: string, b: string) =>
    g.op(
      'Add',
      [
        g.op(
          'Mul',
          [g.op('Mul', [g.op('Sub', [g.op('Mul', [c(A + 2), u], `${b}a`), c(A + 3)], `${b}b`), u], `${b}c`), u],
          `${b}d`,
        ),
        one,
      ],
      b,
    );
  const w1 = poly(t, `${base}/w1`);
  const w2 = poly(g.op('Sub', [one, t], `${base}/one_t`), `${base}/w2`);
  const w3 = g.op('Sub', [g.op('Sub', [g.op('Sub', [one, w0], `${base}/w3a`), w1], `${base}/w3b`), w2], `${base}/w3`);
  const last = g.op('Sub', [size, one], `${base}/last`);
  const zero = g.double('zero', [0]);
  const weights = [w0, w1, w2, w3];
  let sum: string | undefined;
  for (let k = 0; k < 4; k++) {
    const at = g.op('Add', [s, c(k - 1)], `${base}/at${k}`);
    const idx = g.op(
      'Cast',
      [g.op('Max', [g.op('Min', [at, last], `${base}/min${k}`), zero], `${base}/clamp${k}`)],
      `${base}/idx${k}`,
      { to: { i: 7 } },
    );
    const taps = g.op('Gather', [x, idx], `${base}/taps${k}`, { axis: { i: axis } });
    const w = axis === 1 ? g.op('Unsqueeze', [weights[k]!, g.int64([1])], `${base}/wcol${k}`) : weights[k]!;
    const term = g.op('Mul', [taps, w], `${base}/term${k}`);
    sum = sum === undefined ? term : g.op('Add', [sum, term], `${base}/sum${k}`);
  }
  return sum!;
}

/** The grey planes `[N, H, W]` in [0, 1] of `[N, H, W, 3]` RGB levels, as core's `greyPlane`. */
function grey(g: OnnxGraph, image: string): string {
  const rgb = g.op('Cast', [image], 'rgb', { to: { i: ONNX_DOUBLE } });
  const weighted = g.op('MatMul', [rgb, g.double('grey_weights', [4899, 9617, 1868], [3, 1])], 'grey_fixed');
  const shifted = g.op(
    'Floor',
    [
      g.op(
        'Div',
        [g.op('Add', [weighted, g.double('round', [8192])], 'grey_round'), g.double('q14', [16384])],
        'grey_q',
      ),
    ],
    'grey_level',
  );
  const plane = g.op('Squeeze', [shifted, g.int64([3])], 'grey_planes');
  return g.op('Div', [plane, g.double('levels', [255])], 'grey');
}

/**
 * BRISQUE as one ONNX model: `[N, H, W, 3]` float32 RGB (0..255) in, `[N, 1]` float32 scores out. N, H and W
 * are dynamic (H and W at least 16). The SVR is `model`'s (its 36 features scaled as in training).
 *
 * @example
 * const bytes = brisqueToOnnx(parseBrisqueModel(JSON.parse(readFileSync('brisque-svr.json', 'utf8'))));
 * const out = await session.run({ image: new ort.Tensor('float32', rgb, [1, h, w, 3]) }); // out.score: [1, 1]
 */
export function brisqueToOnnx(model: SvrModel, options: BrisqueOnnxOptions = {}): Uint8Array {
  assertSvrModel(model);
  if (model.scaling.min.length !== 36)
    throw new RangeError(expected('an SVR over 36 features', 'model.scaling.min', model.scaling.min));
  const inputName = options.inputName ?? 'image';
  const outputName = options.outputName ?? 'score';
  if (inputName === outputName)
    throw new RangeError(expected('different input and output names', 'outputName', outputName));
  const g = new OnnxGraph();
  const { shapes, ratios } = aggdShapeGrid();
  const t: Tables = {
    shapes: g.double('aggd_shapes', shapes, [shapes.length]),
    ratios: g.double('aggd_ratios', ratios, [ratios.length]),
    g1: g.double(
      'gamma_1',
      Array.from(shapes, (s) => gammaFn(1 / s)),
      [shapes.length],
    ),
    g2: g.double(
      'gamma_2',
      Array.from(shapes, (s) => gammaFn(2 / s)),
      [shapes.length],
    ),
    g3: g.double(
      'gamma_3',
      Array.from(shapes, (s) => gammaFn(3 / s)),
      [shapes.length],
    ),
  };
  const plane = grey(g, inputName);
  const full = scaleFeatures(g, plane, t, 's1');
  const halfPlane = halfCubic(g, halfCubic(g, plane, 2, 'half_w'), 1, 'half_h');
  const half = scaleFeatures(g, halfPlane, t, 's2');
  const features = g.op('Concat', [full, half], 'features', { axis: { i: 1 } }); // [N, 36]
  const decision = addSvr(g, features, model);
  g.op('Cast', [decision], outputName, { to: { i: ONNX_FLOAT } });
  return g.encode({
    name: 'brisque',
    input: { name: inputName, elemType: ONNX_FLOAT, dims: ['batch', 'height', 'width', 3] },
    output: { name: outputName, elemType: ONNX_FLOAT, dims: ['batch', 1] },
    metadata: options.metadata,
    producerName: 'iqa-zoo brisque-onnx',
  });
}
