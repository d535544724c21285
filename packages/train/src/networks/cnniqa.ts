/**
 * CNNIQA: L. Kang, P. Ye, Y. Li and D. Doermann, "Convolutional Neural Networks for No-Reference Image Quality
 * Assessment", CVPR 2014.
 *
 * A 32x32 grey, locally contrast-normalised patch (core's `patchTensor`) -> one 7x7 convolution with 50 filters
 * (valid, linear) -> global max pooling and global min pooling of the 26x26 maps, concatenated (100) -> FC 800 +
 * ReLU -> dropout -> FC 800 + ReLU -> FC 1, the patch's score. The image score is the mean over its patches.
 * Where ours differs from the paper: Adam instead of SGD with momentum, the target is MOS normalised by the
 * training split (the card's output maps it back), and dropout (rate from the config) sits after the first FC
 * layer, as lidq92/CNNIQA's PyTorch port has it.
 */
import * as tf from '@tensorflow/tfjs';
import { globalPoolShape } from './global-std-pooling.js';

/** Patch side the network takes (the card's protocol cuts patches of 32). */
export const CNNIQA_PATCH = 32;

/**
 * The per-channel maximum over height and width of NHWC `x` (`[N, C]`), with a gradient that goes to one arg-max
 * cell per channel (a one-hot of `argMax`). tfjs' own Max gradient compares `x` with the broadcast maximum
 * (Equal); on the wasm backend that broadcasting Equal took two thirds of a CNNIQA training step.
 */
const globalMax = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const flat = tf.reshape(x, [n, h * w, c]);
  const at = tf.argMax(flat, 1);
  save([at]);
  return {
    value: tf.max(flat, 1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      // int32 then cast: the wasm OneHot kernel ignores a float32 dtype and writes integer bits.
      const hot = tf.cast(tf.oneHot(saved[0] as tf.Tensor2D, h * w), 'float32'); // [N, C, H*W]
      const g = tf.mul(hot, tf.expandDims(dy, 2));
      return tf.reshape(tf.transpose(g, [0, 2, 1]), [n, h, w, c]);
    },
  };
  // tfjs types customGrad's function as (...inputs) only; the save function comes last.
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * GlobalExtremumPooling2D: the per-channel maximum (`mode: 'max'`) or minimum (`mode: 'min'`, as -max(-x)) over
 * height and width, `[N, H, W, C]` -> `[N, C]`: CNNIQA's max and min pooling. tfjs has no min-pool layer; this one
 * has a gradient that is cheap on every backend, the wasm one included. Exported to ONNX as ReduceMax / ReduceMin.
 */
export class GlobalExtremumPooling2D extends tf.layers.Layer {
  static className = 'GlobalExtremumPooling2D';
  readonly mode: 'max' | 'min';

  constructor(args: { mode: 'max' | 'min'; name?: string; trainable?: boolean }) {
    super(args);
    if (args.mode !== 'max' && args.mode !== 'min')
      throw new RangeError(`Expected mode "max" or "min" but received ${JSON.stringify(args.mode)}`);
    this.mode = args.mode;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return globalPoolShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      return this.mode === 'max' ? globalMax(x) : tf.neg(globalMax(tf.neg(x)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}

tf.serialization.registerClass(GlobalExtremumPooling2D);

export interface CnniqaOptions {
  /** Filters of the 7x7 convolution (Kang: 50). */
  filters: number;
  /** Width of the two FC layers (Kang: 800). */
  hidden: number;
  /** Dropout after the first FC layer. */
  dropout: number;
  /** Seed of the initialisers. */
  seed: number;
}

export const CNNIQA_DEFAULTS: CnniqaOptions = { filters: 50, hidden: 800, dropout: 0.5, seed: 1 };

/**
 * Builds CNNIQA on NHWC patches `[N, 32, 32, 1]`. Layer names: `conv1`, `pool_max`, `pool_min`, `concat`, `fc1`,
 * `fc1_dropout`, `fc2`, `score`.
 *
 * @example
 * const model = buildCnniqa({ ...CNNIQA_DEFAULTS, seed: 3 });
 * model.predict(tf.zeros([225, 32, 32, 1])); // [225, 1]
 */
export function buildCnniqa(options: CnniqaOptions, name = 'cnniqa'): tf.LayersModel {
  const input = tf.input({ shape: [CNNIQA_PATCH, CNNIQA_PATCH, 1], name: 'image' });
  const conv = tf.layers
    .conv2d({
      filters: options.filters,
      kernelSize: 7,
      padding: 'valid',
      name: 'conv1',
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed }),
    })
    .apply(input) as tf.SymbolicTensor;
  const max = new GlobalExtremumPooling2D({ mode: 'max', name: 'pool_max' }).apply(conv) as tf.SymbolicTensor;
  const min = new GlobalExtremumPooling2D({ mode: 'min', name: 'pool_min' }).apply(conv) as tf.SymbolicTensor;
  let x = tf.layers.concatenate({ name: 'concat', axis: -1 }).apply([max, min]) as tf.SymbolicTensor;
  const dense = (units: number, layer: string, seed: number, activation?: 'relu') =>
    tf.layers.dense({
      units,
      activation,
      name: layer,
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    });
  x = dense(options.hidden, 'fc1', options.seed + 1, 'relu').apply(x) as tf.SymbolicTensor;
  if (options.dropout > 0)
    x = tf.layers.dropout({ rate: options.dropout, name: 'fc1_dropout' }).apply(x) as tf.SymbolicTensor;
  x = dense(options.hidden, 'fc2', options.seed + 2, 'relu').apply(x) as tf.SymbolicTensor;
  const score = dense(1, 'score', options.seed + 3).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: score, name });
}
