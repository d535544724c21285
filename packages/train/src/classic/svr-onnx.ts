/**
 * An RBF epsilon-SVR (LIBSVM's decision function, Chang and Lin, ACM TIST 2011) as one ONNX graph, so the
 * regression half of BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012, section IV) runs in onnxruntime in
 * Node and in the browser:
 *
 *   x  = Cast<double>(features)                      [N, D]   (float32 in, as every runtime feeds)
 *   s  = x * a + b                                   [N, D]   svm-scale to [lower, upper] (a = 0, b = 0 for a
 *                                                             constant feature)
 *   d2 = ReduceSum((s[:, None, :] - SV)², axis 2)    [N, S]
 *   y  = Exp(-gamma d2) @ coef - rho                 [N, 1]
 *   score = Cast<float>(y)
 *
 * Everything after the input is float64, so the graph matches core's `predictSvr` to about 1e-12 on the
 * same float32 features.
 */
import { type SvrModel, assertSvrModel, expected } from '@iqa-zoo/core';
import { ONNX_DOUBLE, ONNX_FLOAT, OnnxGraph } from './onnx-graph.js';

/** Options of {@link svrToOnnx}. */
export interface SvrOnnxOptions {
  /** ONNX input name (default `features`). */
  inputName?: string;
  /** ONNX output name (default `score`). */
  outputName?: string;
  /** JSON stored in the model's `metadata_props` under each key (e.g. the model card under `iqa_zoo.card`). */
  metadata?: Record<string, string>;
  /** Producer version written into the model. */
  producerVersion?: string;
}

/**
 * svm-scale as `x * a + b`: a = (upper - lower) / (max - min), b = lower - a min; a feature constant in training maps
 * to 0.
 */
export function scalingAffine(model: Pick<SvrModel, 'scaling'>): { a: Float64Array; b: Float64Array } {
  const { lower, upper, min, max } = model.scaling;
  const a = new Float64Array(min.length);
  const b = new Float64Array(min.length);
  for (let j = 0; j < min.length; j++) {
    if (max[j] === min[j]) continue;
    a[j] = (upper - lower) / (max[j]! - min[j]!);
    b[j] = lower - a[j]! * min[j]!;
  }
  return { a, b };
}

/** Adds svm-scale and the RBF SVR on float64 features `[N, D]` to `g`; returns the float64 decision `[N, 1]`. */
export function addSvr(g: OnnxGraph, features: string, model: SvrModel): string {
  const { a, b } = scalingAffine(model);
  const d = a.length;
  const s = model.supportVectors.length;
  const scaled = g.op(
    'Add',
    [g.op('Mul', [features, g.double('scale_a', a, [d])], 'x_a'), g.double('scale_b', b, [d])],
    'scaled',
  );
  const diff = g.op(
    'Sub',
    [
      g.op('Unsqueeze', [scaled, g.int64([1])], 'scaled_3d'),
      g.double('support_vectors', model.supportVectors.flat(), [s, d]),
    ],
    'diff',
  );
  const dist = g.op('ReduceSum', [g.op('Mul', [diff, diff], 'diff_sq'), g.int64([2])], 'dist_sq', {
    keepdims: { i: 0 },
  });
  const kernel = g.op('Exp', [g.op('Mul', [dist, g.double('neg_gamma', [-model.gamma])], 'neg_gamma_dist')], 'kernel');
  return g.op(
    'Sub',
    [
      g.op('MatMul', [kernel, g.double('coefficients', model.coefficients, [s, 1])], 'decision_sum'),
      g.double('rho', [model.rho]),
    ],
    'decision',
  );
}

/**
 * The SVR as an ONNX model (opset 17, IR 8): input `[N, D]` float32 features, output `[N, 1]` float32 scores.
 *
 * @example
 * const bytes = svrToOnnx(parseBrisqueModel(JSON.parse(readFileSync('brisque-svr.json', 'utf8'))));
 * const session = await ort.InferenceSession.create(bytes); // input "features" [N, 36], output "score" [N, 1]
 */
export function svrToOnnx(model: SvrModel, options: SvrOnnxOptions = {}): Uint8Array {
  assertSvrModel(model);
  const inputName = options.inputName ?? 'features';
  const outputName = options.outputName ?? 'score';
  if (inputName === outputName)
    throw new RangeError(expected('different input and output names', 'outputName', outputName));
  const g = new OnnxGraph();
  const x = g.op('Cast', [inputName], 'x', { to: { i: ONNX_DOUBLE } });
  g.op('Cast', [addSvr(g, x, model)], outputName, { to: { i: ONNX_FLOAT } });
  const d = model.scaling.min.length;
  return g.encode({
    name: 'rbf_svr',
    input: { name: inputName, elemType: ONNX_FLOAT, dims: ['batch', d] },
    output: { name: outputName, elemType: ONNX_FLOAT, dims: ['batch', 1] },
    metadata: options.metadata,
    producerName: 'iqa-zoo svr-onnx',
    producerVersion: options.producerVersion,
  });
}
