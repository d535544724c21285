/**
 * Splits a multi-level network into a frozen trunk, whose outputs are computed once per crop and
 * cached, and a trainable top, run eagerly on those cached rows during training.
 *
 * - Frozen backbone (`cut` absent): the trunk ends at the pooled, concatenated multi-level
 *   features (`ml_concat`); only the head trains.
 * - Upper blocks trained (`cut: 'block_15_add'`): the trunk ends at that layer's feature map,
 *   plus every pooled tap computed below it; the layers above the cut (minus BatchNormalization,
 *   kept frozen) and the head train.
 *
 * The top reuses the network's own layer objects, so training it trains the network that is
 * later saved and exported.
 */
import * as tf from '@tensorflow/tfjs';

export interface SplitModel {
  /** image (NHWC) -> trunk outputs (one tensor, or several: the cut map and the pooled taps below it). */
  features: tf.LayersModel;
  /** Per-sample shape of each trunk output, in order; a cached row is their concatenation. */
  parts: number[][];
  /** Floats per cached row. */
  featureSize: number;
  /** The trainable variables of the top. */
  vars: tf.Variable[];
  /** Runs the top on rows [B, featureSize]; `dropoutSeed` null = inference. */
  forward(rows: tf.Tensor2D, dropout: number, dropoutSeed: number | null): tf.Tensor;
  /**
   * Runs the top on rows [B, featureSize] in inference mode as far as the pooled, concatenated
   * features the head reads (`ml_concat`, or the single-level `pool_*`): [B, width].
   */
  pooled(rows: tf.Tensor2D): tf.Tensor2D;
  /** The layer the trunk ends at. */
  cut: string;
}

type Sym = tf.SymbolicTensor & { id: number };

function nodeOf(layer: tf.layers.Layer): { inputTensors: Sym[]; outputTensors: Sym[] } {
  return (layer as unknown as { inboundNodes: Array<{ inputTensors: Sym[]; outputTensors: Sym[] }> }).inboundNodes[0]!;
}

/**
 * A frozen BatchNormalization layer in inference mode as one affine map over the last axis,
 * x * a + b with a = gamma / sqrt(variance + epsilon), b = beta - mean * a, computed from the
 * layer's current weights. Same output as `layer.apply(x, { training: false })`, but its gradient
 * with respect to x is one broadcast multiply. tfjs' FusedBatchNorm gradient tiles the per-channel
 * vectors to the whole map first; on the wasm backend that Tile took longer than every convolution
 * gradient of MobileNetV2's block 16 and Conv_1 together, and folding the layers cut a training
 * step (batch of 64 above block_15_add) from 2.03 s to 1.53 s.
 */
function frozenBatchNorm(layer: tf.layers.Layer, x: tf.Tensor): tf.Tensor {
  const config = layer.getConfig() as { axis?: number | number[]; epsilon?: number; center?: boolean; scale?: boolean };
  const axis = Array.isArray(config.axis) ? config.axis[0] : config.axis;
  if (axis !== undefined && axis !== -1 && axis !== x.rank - 1) {
    throw new RangeError(
      `Expected BatchNormalization layer ${layer.name} to normalise the last axis but its axis is ` +
        `${JSON.stringify(config.axis)}`,
    );
  }
  const weight = (suffix: string): tf.Tensor | undefined =>
    layer.weights.find((w) => w.originalName.endsWith(`/${suffix}`))?.read();
  const mean = weight('moving_mean');
  const variance = weight('moving_variance');
  const gamma = config.scale === false ? undefined : weight('gamma');
  const beta = config.center === false ? undefined : weight('beta');
  if (!mean || !variance || (config.scale !== false && !gamma) || (config.center !== false && !beta)) {
    const names = layer.weights.map((w) => w.originalName).join(', ');
    throw new RangeError(
      `Expected BatchNormalization layer ${layer.name} to have moving_mean, ` +
        `moving_variance${config.scale === false ? '' : ', gamma'}${config.center === false ? '' : ', beta'} weights ` +
        `but it has ${names || 'none'}`,
    );
  }
  return tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(variance, config.epsilon ?? 1e-3));
    const a = gamma ? tf.mul(gamma, inv) : inv;
    const shifted = tf.neg(tf.mul(mean, a));
    const b = beta ? tf.add(beta, shifted) : shifted;
    return tf.add(tf.mul(x, a), b);
  });
}

/** Probe size when neither a crop size nor an input shape is given: every registered network takes it. */
export const PROBE_SIZE = 224;

function pooledLayer(model: tf.LayersModel): string {
  const names = model.layers.map((l) => l.name);
  const pooled = names.includes('ml_concat') ? 'ml_concat' : names.find((n) => n.startsWith('pool_'));
  if (!pooled)
    throw new RangeError(
      `Expected a multi-level network with an ml_concat or pool_* layer but ${model.name} has neither`,
    );
  return pooled;
}

/**
 * Splits `model` after layer `cut` (default: its pooled features). The input size (`cropSize`
 * square, or `inputShape` [height, width] for whole images) fixes the spatial size of a cut
 * feature map, so rows have a fixed length. Without either, the model's fixed input size is used,
 * else `PROBE_SIZE` (224).
 *
 * @example
 * const split = splitModel(model, { cut: 'block_15_add', cropSize: 224 });
 */
export function splitModel(
  model: tf.LayersModel,
  options: {
    cut?: string;
    cropSize?: number;
    inputShape?: [number, number];
    /**
     * Run frozen BatchNormalization above the cut as one affine map (default true; false: through the layer, for the
     * bench).
     */
    foldBatchNorm?: boolean;
    /** The layer whose output `forward` returns (default: the model's first output), e.g. NIMA's distribution. */
    output?: string;
    /**
     * Several layers whose outputs `forward` returns concatenated on the last axis, e.g. WaDIQaM-NR's patch score and
     * patch weight (`[B, 2]`); instead of `output`.
     */
    outputs?: string[];
  } = {},
): SplitModel {
  const cut = options.cut ?? pooledLayer(model);
  const fold = options.foldBatchNorm ?? true;
  const names = model.layers.map((l) => l.name);
  if (!names.includes(cut))
    throw new RangeError(`Expected a layer of ${model.name} to cut at but received ${JSON.stringify(cut)}`);
  const cutTensor = model.getLayer(cut).output as Sym;

  // Layers above the cut, in topological order, and the tensors below it that they read.
  const above = new Set<number>([cutTensor.id]);
  const top: tf.layers.Layer[] = [];
  const early: Sym[] = [];
  for (const layer of model.layers) {
    const node = nodeOf(layer);
    // Cut at the input (a patch network trained whole): the input layer's node reads its own output.
    if (layer.getClassName() === 'InputLayer' || !node.inputTensors.some((t) => above.has(t.id))) continue;
    top.push(layer);
    for (const t of node.inputTensors) if (!above.has(t.id) && !early.some((e) => e.id === t.id)) early.push(t);
    for (const t of node.outputTensors) above.add(t.id);
  }
  const outputs = [cutTensor, ...early];
  const features = tf.model({
    inputs: model.inputs,
    outputs: outputs.length === 1 ? outputs[0]! : outputs,
    name: `${model.name}_features`,
  });

  // Fix the per-sample shapes (a cut map's spatial size follows the crop size).
  // Without a size, probe at the model's fixed input size, else PROBE_SIZE. Never smaller: a
  // network's strided convolutions on too small an input give empty maps, and XNNPACK on the wasm
  // backend then writes outside its buffers (InceptionV3 at 32 px corrupted the heap and crashed a
  // later, unrelated kernel with "memory access out of bounds").
  const fixed = model.inputs[0]!.shape.slice(1, 3);
  const fallback: [number, number] =
    typeof fixed[0] === 'number' && typeof fixed[1] === 'number' ? [fixed[0], fixed[1]] : [PROBE_SIZE, PROBE_SIZE];
  const [height, width] =
    options.inputShape ?? (options.cropSize !== undefined ? [options.cropSize, options.cropSize] : fallback);
  const channels = model.inputs[0]!.shape[3] ?? 3;
  const probe = tf.tidy(() => {
    const out = features.predict(tf.zeros([1, height, width, channels]));
    return (Array.isArray(out) ? out : [out]).map((t) => t.shape.slice(1));
  });
  const parts = probe;
  const featureSize = parts.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);

  // Train every non-BatchNormalization weight above the cut.
  const vars: tf.Variable[] = [];
  for (const layer of top) {
    if (layer.getClassName() === 'BatchNormalization' || layer.weights.length === 0) continue;
    layer.trainable = true;
    for (const w of layer.weights) vars.push(w.read() as tf.Variable);
  }

  const run = (rows: tf.Tensor2D, dropout: number, dropoutSeed: number | null, until: Sym[]): tf.Tensor => {
    const b = rows.shape[0];
    const values = new Map<number, tf.Tensor>();
    let offset = 0;
    outputs.forEach((t, i) => {
      const n = parts[i]!.reduce((a, c) => a * c, 1);
      values.set(t.id, tf.reshape(tf.slice(rows, [0, offset], [b, n]), [b, ...parts[i]!]));
      offset += n;
    });
    for (const layer of top) {
      if (until.every((u) => values.has(u.id))) break;
      const node = nodeOf(layer);
      const ins = node.inputTensors.map((t) => values.get(t.id)!);
      let out: tf.Tensor;
      if (layer.getClassName() === 'Dropout') {
        const x = ins[0]!;
        out = x;
        if (dropoutSeed !== null && dropout > 0) {
          const keep = tf.cast(
            tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', dropoutSeed), dropout),
            'float32',
          );
          out = tf.div(tf.mul(x, keep), 1 - dropout);
        }
      } else if (fold && layer.getClassName() === 'BatchNormalization') {
        out = frozenBatchNorm(layer, ins[0]!);
      } else {
        out = layer.apply(ins.length === 1 ? ins[0]! : ins, { training: false }) as tf.Tensor;
      }
      values.set(node.outputTensors[0]!.id, out);
    }
    const out = until.map((u) => values.get(u.id)!);
    return out.length === 1 ? out[0]! : tf.concat(out, -1);
  };
  const score = (
    options.outputs
      ? options.outputs.map((o) => model.getLayer(o).output)
      : [options.output ? model.getLayer(options.output).output : model.outputs[0]]
  ) as Sym[];
  const forward = (rows: tf.Tensor2D, dropout: number, dropoutSeed: number | null): tf.Tensor =>
    run(rows, dropout, dropoutSeed, score);
  // Looked up when asked for: a patch network (WaDIQaM-NR) has no pooled multi-level features.
  const pooled = (rows: tf.Tensor2D): tf.Tensor2D => {
    const pooledOutput = model.getLayer(pooledLayer(model)).output as Sym;
    const pooledAbove =
      pooledOutput.id === cutTensor.id || top.some((l) => nodeOf(l).outputTensors[0]!.id === pooledOutput.id);
    if (!pooledAbove)
      throw new RangeError(
        `Expected the pooled features of ${model.name} to be computed above the cut ${cut}, but they are below it`,
      );
    return run(rows, 0, null, [pooledOutput]) as tf.Tensor2D;
  };

  return { features, parts, featureSize, vars, forward, pooled, cut };
}

/**
 * Runs `top` (one of `split`'s functions, in inference mode) over cached rows, row-major
 * [n, featureSize], `chunk` rows per tensor; returns its outputs row-major [n, width].
 */
export async function runOnRows(
  split: SplitModel,
  x: Float32Array,
  top: (rows: tf.Tensor2D) => tf.Tensor,
  chunk: number,
): Promise<Float32Array> {
  const f = split.featureSize;
  const n = x.length / f;
  let out: Float32Array | null = null;
  for (let s = 0; s < n; s += chunk) {
    const rows = Math.min(chunk, n - s);
    const y = tf.tidy(() => top(tf.tensor2d(x.subarray(s * f, (s + rows) * f), [rows, f])));
    const width = y.shape[1] ?? 1;
    out ??= new Float32Array(n * width);
    out.set((await y.data()) as Float32Array, s * width);
    y.dispose();
  }
  return out ?? new Float32Array(0);
}
