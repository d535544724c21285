/**
 * BRISQUE (A. Mittal, A. K. Moorthy and A. C. Bovik, "No-Reference Image Quality Assessment in the Spatial
 * Domain", IEEE TIP 2012) as one ONNX graph: RGB pixels in, the SVR's score out. Every step is core's
 * (packages/core/src/classic: mscn.ts, aggd-fit.ts, brisque-features.ts, svr-model.ts) written as ONNX ops, in
 * float64 up to the MSCN coefficients and from the moment sums on; the pairwise products and the sums of each row
 * are float32 (scores within 1e-5 of core's: 5.1e-6 at most on the 931 CLIVE photos):
 *
 * - grey: OpenCV's fixed point, `floor((4899 R + 9617 G + 1868 B + 8192) / 16384)`, in float32 (exact for 8-bit
 *   levels), then float64 levels 0..255 (core's [0, 1] times 255: MSCN's C and flat threshold are scaled to match);
 * - MSCN: the 7-tap Gaussian (sigma 7/6) separably, each pass a `Gather` of blocks of rows (edges replicated by
 *   clamped indices) and a `MatMul` by the banded matrix of the taps (onnxruntime's CPU `Conv` has no float64
 *   kernel), with one `Transpose` between the passes; |I - mu| < 1e-9 (on [0, 1]) counts as 0, as in core;
 * - pairwise products: the coefficients (as float32) times a `Slice` of them with a zero border (products outside
 *   the image are 0: they count in n only);
 * - AGGD fit: per plane and row, float32 `ReduceSum`s of each side (`Relu`, `Min` with 0), of their squares and of
 *   0/1 masks for the counts (exact), then the rows added in float64; the 10 fits
 *   of both scales then run at once on `[N, 10]` columns: the shape is `ArgMin` over |ratio table - r̂| (core's
 *   table; the ratio rises with the shape, so this is the grid point core's scan stops at) and the Γ values of the
 *   chosen shape are `Gather`s from tables that core's `gammaFn` filled;
 * - half scale: Keys' cubic (a = -0.75, half-pixel centres, clamped taps) as `Gather`s of the four taps with
 *   weights computed from the sizes, along the width, then the height, each pass gathering whole rows (the
 *   width pass on transposed planes); onnxruntime's `Resize` has no float64 kernel;
 * - the SVR: svm-scale as `x * a + b`, the RBF kernel sum and rho, as in svr-onnx.ts.
 *
 * Speed (docs/classic-models.md): onnxruntime runs one op at a time over whole planes, so the cost is about the
 * number of full-size planes written and the speed of each op's kernel (`ReduceSum` is far faster than
 * `ReduceSumSquare` or `ReduceL1`, `Sign` and `Where` are slow); no op here has a last dimension of 1
 * (onnxruntime's elementwise ops take a much slower path there).
 *
 * Input: `[N, H, W, 3]` float32 RGB levels 0..255 (alpha already composited onto white; N images of one
 * size). Output: `[N, 1]` float32 scores. A flat image (no positive or no negative MSCN value) gives NaN, which the
 * scorer refuses.
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
import { ONNX_DOUBLE, ONNX_FLOAT, ONNX_INT64, OnnxGraph } from './onnx-graph.js';
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

/**
 * Rows per block of the banded Gaussian (see {@link blurBlocks}). 8, 16, 20, 24 and 32 took about the same time at
 * 500x500, except where the padded size is a power of two (16: 512 rows), whose `Transpose` took 7 times as long
 * (cache sets); 20 pads 500 to 500 and, with its factor 5, never to a power of two.
 */
const BLOCK = 20;

/**
 * The rows each block of {@link blurBlocks} reads along an axis of `size` (an int64 `[1]`): `[ceil(size / BLOCK),
 * BLOCK + 6]` indices, block j's rows j BLOCK - 3 .. j BLOCK + BLOCK + 2 clamped to 0..size-1 (the replicated edges).
 */
function blockIndices(g: OnnxGraph, size: string, base: string): string {
  const blocks = g.op('Div', [g.op('Add', [size, g.int64([BLOCK - 1])], `${base}/up`), g.int64([BLOCK])], `${base}/n`);
  const scalar = (v: string, b: string) => g.op('Squeeze', [v, g.int64([0])], b);
  const range = g.op(
    'Range',
    [scalar(g.int64([0]), `${base}/r0`), scalar(blocks, `${base}/rn`), scalar(g.int64([1]), `${base}/r1`)],
    `${base}/j`,
  );
  const starts = g.op(
    'Unsqueeze',
    [g.op('Mul', [range, g.int64([BLOCK])], `${base}/jb`), g.int64([1])],
    `${base}/start`,
  );
  const taps = g.int64(Array.from({ length: BLOCK + 6 }, (_, k) => k - 3));
  const rows = g.op('Add', [starts, taps], `${base}/rows`);
  const last = g.op('Sub', [size, g.int64([1])], `${base}/last`);
  return g.op('Max', [g.op('Min', [rows, last], `${base}/clamp_hi`), g.int64([0])], `${base}/idx`);
}

/**
 * The 7-tap Gaussian along axis 1 of `[N, A, B]` planes (edges replicated) by blocks of rows: one `Gather` of each
 * block's `BLOCK + 6` rows (`idx` from {@link blockIndices}), then one `MatMul` by the banded `[BLOCK, BLOCK + 6]`
 * matrix of the taps, and the blocks as rows again: `[N, A', B]` with A' = `ceil(A / BLOCK) BLOCK` (the rows past A
 * are the last rows' blur again, cut off later). onnxruntime's CPU `Conv` has no float64 kernel; this writes about
 * 2.3 planes per pass where 7 shifted `Slice`s and their sums wrote 17.
 */
function blurBlocks(g: OnnxGraph, x: string, idx: string, b: string, base: string): string {
  return bandSums(g, gatherBlocks(g, x, idx, base), b, base);
}

/** `[N, blocks, BLOCK + 6, B]`: the rows of each block of `[N, A, B]` (see {@link blurBlocks}). */
function gatherBlocks(g: OnnxGraph, x: string, idx: string, base: string): string {
  return g.op('Gather', [x, idx], `${base}/rows`, { axis: { i: 1 } });
}

/** The blocks' Gaussian sums as rows again: `[N, blocks, BLOCK + 6, B]` to `[N, A', B]` (see {@link blurBlocks}). */
function bandSums(g: OnnxGraph, blocks: string, b: string, base: string): string {
  const band = new Float64Array(BLOCK * (BLOCK + 6));
  for (let i = 0; i < BLOCK; i++) for (let k = 0; k < 7; k++) band[i * (BLOCK + 6) + i + k] = MSCN_GAUSSIAN[k]!;
  const sums = g.op('MatMul', [g.double('gauss_band', band, [BLOCK, BLOCK + 6]), blocks], `${base}/mm`);
  return g.op('Reshape', [sums, g.op('Concat', [g.int64([0, -1]), b], `${base}/shape`, { axis: { i: 0 } })], base);
}

/** A scale's `[N, A, B]` planes' sizes (int64 `[1]` each) and block indices, shared by its two blurs. */
interface BlurAxes {
  a: string;
  b: string;
  aIdx: string;
  bIdx: string;
}

function blurAxes(g: OnnxGraph, planes: string, base: string): BlurAxes {
  const shape = g.op('Shape', [planes], `${base}/shape`);
  const dim = (k: number, n: string) => g.op('Gather', [shape, g.int64([k])], `${base}/${n}`, { axis: { i: 0 } });
  const [a, b] = [dim(1, 'a'), dim(2, 'b')];
  return { a, b, aIdx: blockIndices(g, a, `${base}/a`), bIdx: blockIndices(g, b, `${base}/b`) };
}

/**
 * The 7x7 Gaussian (separable, edges replicated) of `[N, A, B]` planes, returned TRANSPOSED as `[N, B, A]`, from
 * their first pass `along` (`[N, A', B]`, {@link bandSums}): one `Transpose`, blocks along B, one `Slice` of the
 * padding. Given the transposed grey planes `[N, W, H]`, it blurs along the rows first, as core, and returns
 * `[N, H, W]`. float64 throughout (sums in `MatMul`'s order).
 */
function blurT(g: OnnxGraph, along: string, axes: BlurAxes, base: string): string {
  const turned = g.op('Transpose', [along], `${base}/t`, { perm: { ints: [0, 2, 1] } }); // [N, B, A']
  const aPadded = g.op('Shape', [turned], `${base}/a_pad`, { start: { i: 2 } });
  const across = blurBlocks(g, turned, axes.bIdx, aPadded, `${base}/b`); // [N, B', A']
  const end = g.op('Concat', [axes.b, axes.a], `${base}/end`, { axis: { i: 0 } });
  return g.op('Slice', [across, g.int64([0, 0]), end, g.int64([1, 2])], `${base}/crop`); // [N, B, A]
}

/**
 * MSCN coefficients of `[N, H, W]` grey planes (levels 0..255; `greyT`: the same, transposed), as core's `mscn`. The
 * second moment is the Gaussian of I² (core squares each tap, K3 d d; the same to the last bit or so). On 0..255,
 * C = 255 C and the flat-window threshold is 255 · 1e-9: core's values on [0, 1] times 255, to rounding.
 */
function mscn(g: OnnxGraph, grey: string, greyT: string, base: string): string {
  const axes = blurAxes(g, greyT, `${base}/blur`);
  // The first pass of both blurs reads the same blocks of rows: I² is squared there (a `Mul` of the transposed
  // planes became Transpose(Mul) in onnxruntime's transpose optimiser, one more full-size Transpose).
  const blocks = gatherBlocks(g, greyT, axes.aIdx, `${base}/blocks`);
  const mu = blurT(g, bandSums(g, blocks, axes.b, `${base}/mu/a`), axes, `${base}/mu`);
  const squares = g.op('Mul', [blocks, blocks], `${base}/sq`);
  const mom2 = blurT(g, bandSums(g, squares, axes.b, `${base}/mom2/a`), axes, `${base}/mom2`);
  const v = g.op('Sub', [mom2, g.op('Mul', [mu, mu], `${base}/mu2`)], `${base}/var`);
  const sigma = g.op('Sqrt', [g.op('Relu', [v], `${base}/var_pos`)], `${base}/sigma`);
  const d = g.op('Sub', [grey, mu], `${base}/d`);
  // Not flat (|d| >= 1e-9 on [0, 1]) as a float64 0 or 1: a `Mul` by it was faster than a `Where` here.
  const kept = g.op(
    'Cast',
    [g.op('GreaterOrEqual', [g.op('Abs', [d], `${base}/abs_d`), g.double('flat', [MSCN_FLAT * 255])], `${base}/ge`)],
    `${base}/kept`,
    { to: { i: ONNX_DOUBLE } },
  );
  const ratio = g.op('Div', [d, g.op('Add', [sigma, g.double('c', [MSCN_C * 255])], `${base}/den`)], `${base}/ratio`);
  return g.op('Mul', [ratio, kept], `${base}/mscn`);
}

/** The sums an AGGD fit needs of each of `[N, H, W]` planes, as `[N, planes]` columns (AggdMoments in core). */
interface Moments {
  posCount: string;
  negCount: string;
  posSq: string;
  negSq: string;
  absSum: string;
}

/** The sums of a plane, in this order: Σ max(x, 0), Σ min(x, 0), their squares' sums, the counts of x > 0 and x < 0. */
const SUMS = 6;

/**
 * The sums (see {@link SUMS}) of each row of one `[N, A, B]` float32 plane, each `[N, A, 1]` float32: `ReduceSum`s
 * of the positive and the negative side (`Relu`, `Min` with 0) and of their squares, and of 0/1 masks for the
 * counts (exact: integers below 2^24). The rows' sums are added in float64 (see {@link scaleSums}), so each float32
 * sum has at most B terms, all of one sign. (Each side's squares as the half sum and half difference of Σ x² and
 * Σ x|x| lost a side that is 1e5 times smaller to cancellation in float32: 8% on a blurred test image.)
 * onnxruntime's `ReduceSum` is about 3.5 times as fast as its `ReduceSumSquare` and `ReduceL1`, and `Greater` +
 * `Cast` twice as fast as `Sign` here.
 */
function planeSums(g: OnnxGraph, x: string, base: string): string[] {
  const sum = (v: string, b: string) => g.op('ReduceSum', [v, g.int64([2])], `${base}/${b}`, { keepdims: { i: 1 } });
  const zero = g.float('zero32', [0]);
  const pos = g.op('Relu', [x], `${base}/pos`);
  const neg = g.op('Min', [x, zero], `${base}/neg`);
  const count = (op: string, b: string) =>
    sum(g.op('Cast', [g.op(op, [x, zero], `${base}/${b}_mask`)], `${base}/${b}_01`, { to: { i: ONNX_FLOAT } }), b);
  return [
    sum(pos, 'pos_sum'),
    sum(neg, 'neg_sum'),
    sum(g.op('Mul', [pos, pos], `${base}/pos_sq`), 'pos_sq_sum'),
    sum(g.op('Mul', [neg, neg], `${base}/neg_sq`), 'neg_sq_sum'),
    count('Greater', 'pos_count'),
    count('Less', 'neg_count'),
  ];
}

/**
 * One scale's planes' row sums added up in float64: `[N, planes * SUMS]`, column p * SUMS + k (k as {@link SUMS}).
 */
function scaleSums(g: OnnxGraph, planes: string[][], base: string): string {
  const rows = g.op('Concat', planes.flat(), `${base}/row_sums`, { axis: { i: 2 } }); // [N, A, planes * SUMS]
  const wide = g.op('Cast', [rows], `${base}/row_sums64`, { to: { i: ONNX_DOUBLE } });
  return g.op('ReduceSum', [wide, g.int64([1])], `${base}/sums`, { keepdims: { i: 0 } });
}

/** The moments of `[N, K * SUMS]` sums (plane by plane, see {@link SUMS}) as `[N, K]` columns. */
function momentColumns(g: OnnxGraph, sums: string): Moments {
  const table = g.op('Reshape', [sums, g.int64([0, -1, SUMS])], 'moments/table'); // [N, K, SUMS]
  const names = ['pos_sum', 'neg_sum', 'pos_sq', 'neg_sq', 'pos_count', 'neg_count'];
  const [posSum, negSum, posSq, negSq, posCount, negCount] = names.map((b, k) =>
    g.op(
      'Squeeze',
      [g.op('Gather', [table, g.int64([k])], `moments/${b}3`, { axis: { i: 2 } }), g.int64([2])],
      `moments/${b}`,
    ),
  ) as [string, string, string, string, string, string];
  return { posCount, negCount, posSq, negSq, absSum: g.op('Sub', [posSum, negSum], 'moments/abs_sum') };
}

/**
 * The AGGD fits of `[N, K]` moment columns with n = `n` (`[K]`), all at once, as core's `fitAggd` and `aggdMean`:
 * each `[N, K]`. The shape is the nearest grid point of core's ratio table (`ArgMin` over `[N, K, grid]`).
 */
function aggd(
  g: OnnxGraph,
  m: Moments,
  n: string,
  t: Tables,
): { shape: string; mean: string; leftVar: string; rightVar: string; variance: string } {
  const base = 'aggd';
  const leftVar = g.op('Div', [m.negSq, m.negCount], `${base}/left_var`);
  const rightVar = g.op('Div', [m.posSq, m.posCount], `${base}/right_var`);
  const left = g.op('Sqrt', [leftVar], `${base}/left`);
  const right = g.op('Sqrt', [rightVar], `${base}/right`);
  // Core squares the sigmas again (sigma * sigma), which can differ from the variance in the last bit.
  const leftSq = g.op('Mul', [left, left], `${base}/left_sq`);
  const rightSq = g.op('Mul', [right, right], `${base}/right_sq`);
  const gh = g.op('Div', [left, right], `${base}/gamma_hat`);
  const meanAbs = g.op('Div', [m.absSum, n], `${base}/mean_abs`);
  const rHat = g.op(
    'Div',
    [
      g.op('Mul', [meanAbs, meanAbs], `${base}/mean_abs2`),
      g.op('Div', [g.op('Add', [m.negSq, m.posSq], `${base}/sq_sum`), n], `${base}/mean_sq`),
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
  const dist = g.op('Sub', [t.ratios, g.op('Unsqueeze', [rNorm, g.int64([2])], `${base}/r_norm_col`)], `${base}/dist`);
  const idx = g.op('ArgMin', [g.op('Abs', [dist], `${base}/abs_dist`)], `${base}/idx`, {
    keepdims: { i: 0 },
    axis: { i: 2 },
  }); // [N, K]
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

/** H (0, 1), V (1, 0), D1 (1, 1), D2 (-1, 1): the neighbour's row and column offsets, as core's PAIR_SHIFTS. */
const SHIFTS: Array<[string, number, number]> = [
  ['h', 0, 1],
  ['v', 1, 0],
  ['d1', 1, 1],
  ['d2', -1, 1],
];

/**
 * The sums of one scale's `[N, H, W]` grey planes (`greyT`: the same, transposed): the MSCN coefficients, then
 * their products with each neighbour (0 where the neighbour is outside the image: a zero border, so each product
 * plane is `[N, H, W]` and such products count in n only, as core). Returns the 5 planes' sums (see
 * {@link scaleSums}) and n = H W.
 */
function scaleMoments(g: OnnxGraph, grey: string, greyT: string, base: string): { sums: string; n: string } {
  // The coefficients are float64; their products and sums float32 (row by row, see planeSums): 17% less time
  // (docs/classic-models.md). Rounding each coefficient and product to float32 does not change its sign.
  const coeffs = g.op('Cast', [mscn(g, grey, greyT, base)], `${base}/mscn32`, { to: { i: ONNX_FLOAT } });
  const hw = g.slice(g.op('Shape', [grey], `${base}/shape`), 0, 1, 3, `${base}/hw`);
  const n = g.op('Cast', [g.op('ReduceProd', [hw], `${base}/numel`, { keepdims: { i: 1 } })], `${base}/n`, {
    to: { i: ONNX_DOUBLE },
  });
  // Rows 1..H and columns 0..W-1 of the padded plane are the coefficients: the neighbour at (dy, dx) of every
  // coefficient is the H x W window from row 1 + dy, column dx.
  const padded = g.op('Pad', [coeffs, g.int64([0, 1, 0, 0, 1, 1])], `${base}/zero_border`);
  const sums = [planeSums(g, coeffs, `${base}/mscn_m`)];
  for (const [name, dy, dx] of SHIFTS) {
    const end = (k: number) => (k === 0 ? Number.MAX_SAFE_INTEGER : k); // counted from the end; 0: to the end
    const there = g.op(
      'Slice',
      [padded, g.int64([1 + dy, dx]), g.int64([end(dy - 1), end(dx - 1)]), g.int64([1, 2])],
      `${base}/${name}/there`,
    );
    sums.push(planeSums(g, g.op('Mul', [coeffs, there], `${base}/${name}/product`), `${base}/${name}_m`));
  }
  return { sums: scaleSums(g, sums, base), n };
}

/** Columns of `parts` side by side: `[N, K]` each into `[N, sum K]`. */
function columns(g: OnnxGraph, parts: string[], base: string): string {
  return g.op('Concat', parts, base, { axis: { i: 1 } });
}

/**
 * Cubic resampling of `[N, H, W]` along `axis` (1: rows, 2: columns) from its size to floor(size / 2), as core's
 * `cubicTaps` + `resizeCubic`.
 */
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
      { to: { i: ONNX_INT64 } },
    );
    const taps = g.op('Gather', [x, idx], `${base}/taps${k}`, { axis: { i: axis } });
    const w = axis === 1 ? g.op('Unsqueeze', [weights[k]!, g.int64([1])], `${base}/wcol${k}`) : weights[k]!;
    const term = g.op('Mul', [taps, w], `${base}/term${k}`);
    sum = sum === undefined ? term : g.op('Add', [sum, term], `${base}/sum${k}`);
  }
  return sum!;
}

/**
 * The grey planes `[N, H, W]` in [0, 1] of `[N, H, W, 3]` RGB levels, as core's `greyPlane`. The fixed point runs in
 * float32, where it is exact for 8-bit levels (every sum is an integer below 2^24, and / 16384 is a power of two);
 * one `Cast` to float64 and / 255 follow. `MatMul`'s `[N, H, W, 1]` is squeezed at once: onnxruntime's elementwise
 * ops on a tensor whose last dimension is 1 take a path about 10 times slower (and `MatMul` by a vector, too).
 */
function grey(g: OnnxGraph, image: string): string {
  // floor((4899 R + 9617 G + 1868 B + 8192) / 16384) as floor(R 4899 / 16384 + ... + 0.5): the weights / 16384 are
  // exact in float32, and so is every product and sum (multiples of 2^-14 below 2^8). (A `Conv` of the pixels as one
  // `[1, H W, 3]` channel by a 1x3 kernel was faster alone, but onnxruntime's NCHWc rewrite at level 'all' made it
  // 3 times slower than this `MatMul`.)
  const weights = g.float('grey_weights', [4899 / 16384, 9617 / 16384, 1868 / 16384], [3, 1]);
  const weighted = g.op('Squeeze', [g.op('MatMul', [image, weights], 'grey_fixed'), g.int64([3])], 'grey_sum');
  const level = g.op('Floor', [g.op('Add', [weighted, g.float('round', [0.5])], 'grey_round')], 'grey_level');
  return g.op('Cast', [level], 'grey', { to: { i: ONNX_DOUBLE } });
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
  const swap = { perm: { ints: [0, 2, 1] } };
  const planeT = g.op('Transpose', [plane], 'grey_t', swap); // [N, W, H]
  const full = scaleMoments(g, plane, planeT, 's1');
  // Columns first, as core: on the transposed planes, so that both passes gather whole rows (a `Gather` along the
  // last axis copies one value at a time and took 4 times as long).
  const narrow = halfCubic(g, planeT, 1, 'half_w'); // [N, W / 2, H]
  const halfPlane = halfCubic(g, g.op('Transpose', [narrow], 'half_t2', swap), 1, 'half_h');
  const half = scaleMoments(g, halfPlane, g.op('Transpose', [halfPlane], 'half_t3', swap), 's2');
  // The 10 fits (5 per scale) at once, on [N, 10] columns; then the 36 features picked in BRISQUE_FEATURE_NAMES order.
  const moments = momentColumns(g, columns(g, [full.sums, half.sums], 'moments/sums')); // [N, 10] each
  const five = g.int64([5]);
  const n = g.op(
    'Concat',
    [g.op('Expand', [full.n, five], 's1/n5'), g.op('Expand', [half.n, five], 's2/n5')],
    'moments/n',
    { axis: { i: 0 } },
  );
  const fit = aggd(g, moments, n, t);
  const table = columns(g, [fit.shape, fit.variance, fit.mean, fit.leftVar, fit.rightVar], 'fits'); // [N, 50]
  // Column q * 10 + j: q = shape, variance, mean, left, right; j = 5 * scale + plane (MSCN, H, V, D1, D2).
  const order = [0, 5].flatMap((j) => [
    j,
    10 + j,
    ...[1, 2, 3, 4].flatMap((k) => [j + k, 20 + j + k, 30 + j + k, 40 + j + k]),
  ]);
  const features = g.op('Gather', [table, g.int64(order)], 'features', { axis: { i: 1 } }); // [N, 36]
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
