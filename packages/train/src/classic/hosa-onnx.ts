/**
 * HOSA (J. Xu, P. Ye, Q. Li, H. Du, Y. Liu and D. Doermann, "Blind Image Quality Assessment Based on High Order
 * Statistics Aggregation", IEEE TIP 2016) as one ONNX graph: RGB pixels in, the linear SVR's score out. Every step
 * is core's (packages/core/src/classic/hosa-features.ts, hosa-score.ts) written as ONNX ops in float64:
 *
 * - grey: OpenCV's BT.601 fixed point, `floor((4899 R + 9617 G + 1868 B + 8192) / 16384)`, in float32 (exact for
 *   8-bit levels), then float64 levels 0..255;
 * - patches: the plane cut to whole 7 x 7 cells from the top-left corner (`Slice` with ends from `Shape`), then
 *   `Reshape` [N, H/7, 7, W/7, 7], `Transpose` and `Reshape` to [N, P, 49]; each row normalised as
 *   (p - mean) / (sample std + C);
 * - soft assignment: squared distances |x|² - 2 x.c + |c|² to the K codewords (`MatMul`), the r smallest distinct
 *   ones m_1 < ... < m_r by r `ReduceMin`s (each `Where` drops the values up to the last), weights
 *   exp(-beta (m_i - m_1)) placed by nested `Where`s on d > m_i (0 beyond m_r), normalised per patch;
 * - aggregation: one `MatMul` of the transposed weights [N, K, P] with [x, x², x³] [N, P, 3 B²] gives each
 *   codeword's weighted raw moment sums; mean, variance, skewness m3 / (m2 + eps)^1.5 as core's `hosaMoments`, less
 *   the codeword's; a codeword without patches gives 0;
 * - signed power, L2 normalisation, and w.f + b.
 *
 * Where ours differs from the paper (docs/classic-models.md, "HOSA"): the codebook is learnt from our pristine
 * photos, not CSIQ; no ZCA whitening; OpenCV's grey; the SVR is LIBSVM's linear epsilon-SVR fitted on CLIVE.
 *
 * Input: `[N, H, W, 3]` float32 RGB levels 0..255 (alpha already composited onto white; N images of one size, H
 * and W at least 16). Output: `[N, 1]` float32 scores.
 */
import { type HosaModel, expected, hosaFeatureCount, parseHosaModel } from '@iqa-zoo/core';
import { ONNX_DOUBLE, ONNX_FLOAT, OnnxGraph } from './onnx-graph.js';

/** Options of {@link hosaToOnnx}. */
export interface HosaOnnxOptions {
  /** ONNX input name (default `image`). */
  inputName?: string;
  /** ONNX output name (default `score`). */
  outputName?: string;
  /** JSON stored in the model's `metadata_props` under each key (e.g. the model card under `iqa_zoo.card`). */
  metadata?: Record<string, string>;
}

/** Grey levels `[N, H, W]` (float64, 0..255) of `[N, H, W, 3]` RGB levels, as core's `greyPlane` times 255. */
function greyLevels(g: OnnxGraph, image: string): string {
  const column = g.op('MatMul', [image, g.float('grey_weights', [4899, 9617, 1868], [3, 1])], 'grey_fixed');
  const weighted = g.op('Squeeze', [column, g.int64([3])], 'grey_sum');
  const rounded = g.op('Add', [weighted, g.float('round', [8192])], 'grey_round');
  const level = g.op('Floor', [g.op('Div', [rounded, g.float('q14', [16384])], 'grey_q')], 'grey_level');
  return g.op('Cast', [level], 'grey', { to: { i: ONNX_DOUBLE } });
}

/** The normalised non-overlapping `b` x `b` patches `[N, P, b²]` of grey levels `[N, H, W]`, row by row. */
function patches(g: OnnxGraph, levels: string, b: number, c: number): string {
  const shape = g.op('Shape', [levels], 'shape');
  const n = g.slice(shape, 0, 0, 1, 'shape_n');
  const cells = g.op('Div', [g.slice(shape, 0, 1, 3, 'shape_hw'), g.int64([b])], 'cells'); // [H / b, W / b]
  const ends = g.op('Mul', [cells, g.int64([b])], 'cells_px');
  const cropped = g.op('Slice', [levels, g.int64([0, 0]), ends, g.int64([1, 2])], 'cropped');
  const rows = g.slice(cells, 0, 0, 1, 'cells_h');
  const cols = g.slice(cells, 0, 1, 2, 'cells_w');
  const dims5 = g.op('Concat', [n, rows, g.int64([b]), cols, g.int64([b])], 'dims5', { axis: { i: 0 } });
  const grid = g.op('Reshape', [cropped, dims5], 'grid'); // [N, H / b, b, W / b, b]
  const cut = g.op('Transpose', [grid], 'cells_t', { perm: { ints: [0, 1, 3, 2, 4] } });
  const p = g.op('Reshape', [cut, g.int64([0, -1, b * b])], 'patches'); // [N, P, b²]
  const mean = g.op('Div', [g.op('ReduceSum', [p, g.int64([2])], 'patch_sum'), g.double('b2', [b * b])], 'patch_mean');
  const centred = g.op('Sub', [p, mean], 'centred');
  const ss = g.op('ReduceSumSquare', [centred], 'patch_ss', { axes: { ints: [2] }, keepdims: { i: 1 } });
  const std = g.op('Sqrt', [g.op('Div', [ss, g.double('b2m1', [b * b - 1])], 'patch_var')], 'patch_std');
  return g.op('Div', [centred, g.op('Add', [std, g.double('c', [c])], 'patch_scale')], 'local');
}

/** Soft-assignment weights `[N, P, K]`: exp(-beta (d - d_min)) over each patch's r nearest codewords, normalised. */
function weights(g: OnnxGraph, x: string, model: HosaModel): string {
  const { means, r, beta } = model.codebook;
  const k = means.length;
  const d = means[0]!.length;
  const ct = Array.from({ length: d * k }, (_, i) => means[i % k]![Math.floor(i / k)]!); // [d, K]
  const xx = g.op('ReduceSumSquare', [x], 'xx', { axes: { ints: [2] }, keepdims: { i: 1 } });
  const dot = g.op('MatMul', [x, g.double('codewords_t', ct, [d, k])], 'dot');
  const cc = means.map((m) => m.reduce((a, v) => a + v * v, 0));
  const twice = g.op('Mul', [g.double('two', [2]), dot], 'dot2');
  const dist = g.op('Add', [g.op('Sub', [xx, twice], 'xx_dot'), g.double('cc', cc, [k])], 'dist');
  // The r smallest distinct distances m_1 < ... < m_r, one `ReduceMin` each (the graph writer's nodes have one output,
  // and `TopK` needs two); a patch's codewords at distance m_i get weight exp(-beta (m_i - m_1)), those beyond m_r 0.
  // Only r exponentials per patch: `Exp` over all [N, P, K] distances took a third of the graph's time.
  const above: string[] = [];
  const mins: string[] = [];
  for (let i = 0; i < r; i++) {
    const rest = i === 0 ? dist : g.op('Where', [above[i - 1]!, dist, g.double('inf', [Infinity])], `rest${i}`);
    mins.push(g.op('ReduceMin', [rest], `d_min${i + 1}`, { axes: { ints: [2] }, keepdims: { i: 1 } }));
    above.push(g.op('Greater', [dist, mins[i]!], `above${i + 1}`));
  }
  const minusBeta = g.double('minus_beta', [-beta]);
  const e = mins.map((m, i) =>
    g.op('Exp', [g.op('Mul', [minusBeta, g.op('Sub', [m, mins[0]!], `d_rel${i + 1}`)], `ed${i + 1}`)], `e${i + 1}`),
  );
  let masked = e[0]!;
  for (let i = 0; i < r; i++) {
    masked = g.op('Where', [above[i]!, i + 1 < r ? e[i + 1]! : g.double('zero', [0]), masked], `w_upto${i + 1}`);
  }
  const total = g.op('ReduceSum', [masked, g.int64([2])], 'e_total');
  return g.op('Div', [masked, total], 'w');
}

/** The HOSA vector `[N, K * 3 * b²]`, signed-power and L2 normalised. */
function encode(g: OnnxGraph, x: string, w: string, model: HosaModel): string {
  const { means, variances, skewness, eps, alpha } = model.codebook;
  const k = means.length;
  const d = means[0]!.length;
  const x2 = g.op('Mul', [x, x], 'x2');
  const powers = g.op('Concat', [x, x2, g.op('Mul', [x2, x], 'x3')], 'powers', { axis: { i: 2 } }); // [N, P, 3d]
  const wt = g.op('Transpose', [w], 'w_t', { perm: { ints: [0, 2, 1] } }); // [N, K, P]
  const sums = g.op('MatMul', [wt, powers], 'sums'); // [N, K, 3d]
  const s0 = g.op('ReduceSum', [w, g.int64([1])], 's0', { keepdims: { i: 0 } }); // [N, K]
  const s0c = g.op('Unsqueeze', [s0, g.int64([2])], 's0_col'); // [N, K, 1]
  const raw = g.op('Div', [sums, g.op('Max', [s0c, g.double('tiny', [1e-300])], 's0_safe')], 'raw');
  const mean = g.slice(raw, 2, 0, d, 'mean');
  const e2 = g.slice(raw, 2, d, 2 * d, 'e2');
  const e3 = g.slice(raw, 2, 2 * d, 3 * d, 'e3');
  const variance = g.op('Sub', [e2, g.op('Mul', [mean, mean], 'mean2')], 'variance');
  const t1 = g.op('Mul', [g.op('Mul', [g.double('three', [3]), mean], 'mean_x3'), e2], 't1');
  const twoMean = g.op('Mul', [g.double('two', [2]), mean], 'mean_x2');
  const t2 = g.op('Mul', [g.op('Mul', [twoMean, mean], 't2a'), mean], 't2');
  const m3 = g.op('Add', [g.op('Sub', [e3, t1], 'e3_t1'), t2], 'm3');
  const spread = g.op(
    'Pow',
    [g.op('Add', [variance, g.double('eps', [eps])], 'var_eps'), g.double('p15', [1.5])],
    'sd3',
  );
  const skew = g.op('Div', [m3, spread], 'skew');
  const table = (base: string, rows: number[][]) => g.double(base, rows.flat(), [k, d]);
  const res = g.op(
    'Concat',
    [
      g.op('Sub', [mean, table('cb_means', means)], 'res_mean'),
      g.op('Sub', [variance, table('cb_variances', variances)], 'res_var'),
      g.op('Sub', [skew, table('cb_skewness', skewness)], 'res_skew'),
    ],
    'res',
    { axis: { i: 2 } },
  );
  const present = g.op('Cast', [g.op('Greater', [s0c, g.double('zero', [0])], 'has')], 'present', {
    to: { i: ONNX_DOUBLE },
  });
  const kept = g.op('Reshape', [g.op('Mul', [res, present], 'res_kept'), g.int64([0, -1])], 'flat');
  const magnitude = g.op('Pow', [g.op('Abs', [kept], 'abs'), g.double('alpha', [alpha])], 'pow');
  const powered = g.op('Mul', [g.op('Sign', [kept], 'sign'), magnitude], 'powered');
  const norm = g.op(
    'Sqrt',
    [g.op('ReduceSumSquare', [powered], 'ss', { axes: { ints: [1] }, keepdims: { i: 1 } })],
    'l2',
  );
  return g.op('Div', [powered, norm], 'features');
}

/**
 * HOSA as one ONNX model: `[N, H, W, 3]` float32 RGB (0..255) in, `[N, 1]` float32 scores out. N, H and W are
 * dynamic (H and W at least 16).
 *
 * @example
 * const bytes = hosaToOnnx(parseHosaModel(JSON.parse(readFileSync('hosa-model.json', 'utf8'))));
 * const out = await session.run({ image: new ort.Tensor('float32', rgb, [1, h, w, 3]) }); // out.score: [1, 1]
 */
export function hosaToOnnx(model: HosaModel, options: HosaOnnxOptions = {}): Uint8Array {
  parseHosaModel(model);
  const inputName = options.inputName ?? 'image';
  const outputName = options.outputName ?? 'score';
  if (inputName === outputName)
    throw new RangeError(expected('different input and output names', 'outputName', outputName));
  const { patch, c } = model.codebook;
  const g = new OnnxGraph();
  const x = patches(g, greyLevels(g, inputName), patch, c);
  const f = encode(g, x, weights(g, x, model), model);
  const n = hosaFeatureCount(model.codebook);
  const dot = g.op('MatMul', [f, g.double('svr_w', model.weights, [n, 1])], 'svr_dot');
  const score = g.op('Add', [dot, g.double('svr_b', [model.bias])], 'svr');
  g.op('Cast', [score], outputName, { to: { i: ONNX_FLOAT } });
  return g.encode({
    name: 'hosa',
    input: { name: inputName, elemType: ONNX_FLOAT, dims: ['batch', 'height', 'width', 3] },
    output: { name: outputName, elemType: ONNX_FLOAT, dims: ['batch', 1] },
    metadata: options.metadata,
    producerName: 'iqa-zoo hosa-onnx',
  });
}
