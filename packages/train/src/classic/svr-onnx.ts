/**
 * An RBF epsilon-SVR (LIBSVM's decision function, Chang and Lin, ACM TIST 2011) as one ONNX graph, so the
 * regression half of BRISQUE (Mittal, Moorthy and Bovik, IEEE TIP 2012, section IV) runs in onnxruntime in
 * Node and in the browser:
 *
 *   x  = Cast<double>(features)                      [N, D]   (float32 in, as every runtime feeds)
 *   s  = x * a + b                                   [N, D]   svm-scale to [lower, upper] (a = 0, b = 0 for a constant feature)
 *   d2 = ReduceSum((s[:, None, :] - SV)², axis 2)    [N, S]
 *   y  = Exp(-gamma d2) @ coef - rho                 [N, 1]
 *   score = Cast<float>(y)
 *
 * Everything after the input is float64, so the graph matches core's `predictSvr` to about 1e-12 on the
 * same float32 features.
 */
import { type SvrModel, assertSvrModel, expected } from '@iqa-zoo/core';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type TensorProto = InstanceType<typeof onnx.TensorProto>;
type NodeProto = import('onnx-proto').onnx.INodeProto;

const FLOAT = 1;
const INT64 = 7;
const DOUBLE = 11;

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

function doubles(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const data = Float64Array.from(values as ArrayLike<number>);
  return onnx.TensorProto.create({ name, dims, dataType: DOUBLE, rawData: new Uint8Array(data.buffer) });
}

function int64s(name: string, values: number[]): TensorProto {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: INT64,
    rawData: new Uint8Array(data.buffer),
  });
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** svm-scale as `x * a + b`: a = (upper - lower) / (max - min), b = lower - a min; a feature constant in training maps to 0. */
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
  const d = model.scaling.min.length;
  const s = model.supportVectors.length;
  const { a, b } = scalingAffine(model);
  const initializer = [
    doubles('scale_a', [d], a),
    doubles('scale_b', [d], b),
    doubles('support_vectors', [s, d], model.supportVectors.flat()),
    doubles('neg_gamma', [], [-model.gamma]),
    doubles('coefficients', [s, 1], model.coefficients),
    doubles('rho', [], [model.rho]),
    int64s('axis_1', [1]),
    int64s('axis_2', [2]),
  ];
  const node = (
    opType: string,
    input: string[],
    output: string,
    attribute: NodeProto['attribute'] = [],
  ): NodeProto => ({
    opType,
    name: output,
    input,
    output: [output],
    attribute,
  });
  const nodes: NodeProto[] = [
    node('Cast', [inputName], 'x', [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DOUBLE }]),
    node('Mul', ['x', 'scale_a'], 'x_a'),
    node('Add', ['x_a', 'scale_b'], 'scaled'),
    node('Unsqueeze', ['scaled', 'axis_1'], 'scaled_3d'),
    node('Sub', ['scaled_3d', 'support_vectors'], 'diff'),
    node('Mul', ['diff', 'diff'], 'diff_sq'),
    node('ReduceSum', ['diff_sq', 'axis_2'], 'dist_sq', [
      { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
    ]),
    node('Mul', ['dist_sq', 'neg_gamma'], 'neg_gamma_dist'),
    node('Exp', ['neg_gamma_dist'], 'kernel'),
    node('MatMul', ['kernel', 'coefficients'], 'decision_sum'),
    node('Sub', ['decision_sum', 'rho'], 'decision'),
    node('Cast', ['decision'], outputName, [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }]),
  ];
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'iqa-zoo svr-onnx',
    producerVersion: options.producerVersion ?? '0.1.0',
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'rbf_svr',
      node: nodes,
      initializer,
      input: [valueInfo(inputName, FLOAT, ['batch', d])],
      output: [valueInfo(outputName, FLOAT, ['batch', 1])],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
