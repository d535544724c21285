/**
 * The per-converter golden cases: tiny seeded tfjs models, each exercising one converter
 * (and its awkward settings). `UPDATE_GOLDEN=1` jest run of golden.test.ts writes each as
 * `<name>.json` (topology, weights, input, tfjs output); the test reads those files.
 */
import * as tf from '@tensorflow/tfjs';
import { GlobalStdPooling2D } from '@iqa-zoo/train';

export interface GoldenCase {
  name: string;
  /** Class of the layer under test (the file records its config). */
  layer: string;
  /** NHWC input shape, batch included. */
  inputShape: number[];
  build(): tf.LayersModel;
}

type Sym = tf.SymbolicTensor;
const seeded = (seed: number) => tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed });

/** A one-input model applying `body` to an input of `shape` (batch excluded). */
function net(shape: number[], body: (x: Sym) => Sym): tf.LayersModel {
  const input = tf.input({ shape, name: 'x' });
  return tf.model({ inputs: input, outputs: body(input) });
}

const apply = (layer: tf.layers.Layer, x: Sym | Sym[]): Sym => layer.apply(x) as Sym;

function conv(config: Partial<Parameters<typeof tf.layers.conv2d>[0]>, seed = 1): tf.layers.Layer {
  return tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    kernelInitializer: seeded(seed),
    biasInitializer: seeded(seed + 100),
    ...config,
  });
}

/** BatchNormalization with seeded, non-trivial statistics. */
function batchNorm(seed: number, epsilon = 1e-3): tf.layers.Layer {
  return tf.layers.batchNormalization({
    epsilon,
    gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed }),
    betaInitializer: seeded(seed + 1),
    movingMeanInitializer: seeded(seed + 2),
    movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.2, maxval: 2, seed: seed + 3 }),
  });
}

const activationCase = (activation: string): GoldenCase => ({
  name: `activation-${activation}`,
  layer: 'Activation',
  inputShape: [2, 3, 4, 5],
  build: () => net([3, 4, 5], (x) => apply(tf.layers.activation({ activation: activation as never }), x)),
});

const poolCase = (
  name: string,
  layer: 'MaxPooling2D' | 'AveragePooling2D',
  config: Parameters<typeof tf.layers.maxPooling2d>[0],
  inputShape: number[],
): GoldenCase => ({
  name,
  layer,
  inputShape,
  build: () =>
    net(inputShape.slice(1), (x) =>
      apply(layer === 'MaxPooling2D' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config), x),
    ),
});

const mergeCase = (name: string, layer: string, make: () => tf.layers.Layer): GoldenCase => ({
  name,
  layer,
  inputShape: [2, 5, 6, 3],
  build: () =>
    net([5, 6, 3], (x) =>
      apply(make(), [apply(conv({ padding: 'same' }, 1), x), apply(conv({ padding: 'same' }, 2), x)]),
    ),
});

export const GOLDEN_CASES: GoldenCase[] = [
  {
    name: 'conv2d-same-s1-relu',
    layer: 'Conv2D',
    inputShape: [2, 6, 7, 3],
    build: () => net([6, 7, 3], (x) => apply(conv({ padding: 'same', activation: 'relu' }), x)),
  },
  {
    name: 'conv2d-same-s2-odd',
    layer: 'Conv2D',
    inputShape: [2, 7, 9, 3],
    build: () => net([7, 9, 3], (x) => apply(conv({ padding: 'same', strides: 2 }), x)),
  },
  {
    name: 'conv2d-same-s2-even',
    layer: 'Conv2D',
    inputShape: [2, 8, 6, 3],
    build: () => net([8, 6, 3], (x) => apply(conv({ padding: 'same', strides: 2 }), x)),
  },
  {
    name: 'conv2d-k4-same-s1',
    layer: 'Conv2D',
    inputShape: [1, 6, 7, 2],
    build: () => net([6, 7, 2], (x) => apply(conv({ kernelSize: 4, padding: 'same' }), x)),
  },
  {
    name: 'conv2d-k4-same-s2',
    layer: 'Conv2D',
    inputShape: [1, 9, 8, 2],
    build: () => net([9, 8, 2], (x) => apply(conv({ kernelSize: 4, padding: 'same', strides: 2 }), x)),
  },
  {
    name: 'conv2d-valid-s2-nobias',
    layer: 'Conv2D',
    inputShape: [2, 9, 8, 3],
    build: () => net([9, 8, 3], (x) => apply(conv({ padding: 'valid', strides: [2, 1], useBias: false }), x)),
  },
  {
    name: 'conv2d-dilated-same',
    layer: 'Conv2D',
    inputShape: [1, 9, 9, 2],
    build: () => net([9, 9, 2], (x) => apply(conv({ padding: 'same', dilationRate: 2, activation: 'tanh' }), x)),
  },
  {
    name: 'depthwise-same-s2-mult2-relu6',
    layer: 'DepthwiseConv2D',
    inputShape: [2, 7, 8, 3],
    build: () =>
      net([7, 8, 3], (x) =>
        apply(
          tf.layers.depthwiseConv2d({
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            depthMultiplier: 2,
            activation: 'relu6',
            depthwiseInitializer: seeded(3),
            biasInitializer: seeded(4),
            useBias: true,
          }),
          x,
        ),
      ),
  },
  {
    name: 'depthwise-valid-nobias',
    layer: 'DepthwiseConv2D',
    inputShape: [1, 6, 6, 4],
    build: () =>
      net([6, 6, 4], (x) =>
        apply(
          tf.layers.depthwiseConv2d({
            kernelSize: 3,
            padding: 'valid',
            useBias: false,
            depthwiseInitializer: seeded(5),
          }),
          x,
        ),
      ),
  },
  {
    name: 'separable-same-elu',
    layer: 'SeparableConv2D',
    inputShape: [2, 6, 5, 3],
    build: () =>
      net([6, 5, 3], (x) =>
        apply(
          tf.layers.separableConv2d({
            filters: 5,
            kernelSize: 3,
            padding: 'same',
            activation: 'elu',
            depthwiseInitializer: seeded(6),
            pointwiseInitializer: seeded(7),
            biasInitializer: seeded(8),
          }),
          x,
        ),
      ),
  },
  {
    name: 'batchnorm-folded-into-conv',
    layer: 'BatchNormalization',
    inputShape: [2, 5, 5, 3],
    build: () => net([5, 5, 3], (x) => apply(batchNorm(10), apply(conv({ padding: 'same' }), x))),
  },
  {
    name: 'batchnorm-after-activation',
    layer: 'BatchNormalization',
    inputShape: [2, 5, 5, 3],
    build: () =>
      net([5, 5, 3], (x) => apply(batchNorm(20, 1e-5), apply(conv({ padding: 'same', activation: 'relu' }), x))),
  },
  {
    name: 'batchnorm-folded-into-dense',
    layer: 'BatchNormalization',
    inputShape: [3, 4, 4, 3],
    build: () =>
      net([4, 4, 3], (x) =>
        apply(
          batchNorm(30),
          apply(tf.layers.dense({ units: 6, kernelInitializer: seeded(31) }), apply(tf.layers.flatten(), x)),
        ),
      ),
  },
  {
    name: 'relu6-layer',
    layer: 'ReLU',
    inputShape: [2, 3, 4, 5],
    build: () => net([3, 4, 5], (x) => apply(tf.layers.reLU({ maxValue: 6 }), x)),
  },
  {
    name: 'relu-layer',
    layer: 'ReLU',
    inputShape: [2, 3, 4, 5],
    build: () => net([3, 4, 5], (x) => apply(tf.layers.reLU({}), x)),
  },
  {
    name: 'leakyrelu-layer',
    layer: 'LeakyReLU',
    inputShape: [2, 3, 4, 5],
    build: () => net([3, 4, 5], (x) => apply(tf.layers.leakyReLU({ alpha: 0.2 }), x)),
  },
  {
    name: 'elu-layer',
    layer: 'ELU',
    inputShape: [2, 3, 4, 5],
    build: () => net([3, 4, 5], (x) => apply(tf.layers.elu({}), x)),
  },
  {
    name: 'softmax-layer-channels',
    layer: 'Softmax',
    inputShape: [2, 3, 4, 5],
    build: () => net([3, 4, 5], (x) => apply(tf.layers.softmax({ axis: -1 }), x)),
  },
  ...[
    'sigmoid',
    'tanh',
    'softmax',
    'relu6',
    'elu',
    'selu',
    'softplus',
    'softsign',
    'hardSigmoid',
    'swish',
    'mish',
    'linear',
  ].map(activationCase),
  mergeCase('add', 'Add', () => tf.layers.add({})),
  mergeCase('multiply', 'Multiply', () => tf.layers.multiply({})),
  mergeCase('maximum', 'Maximum', () => tf.layers.maximum({})),
  mergeCase('minimum', 'Minimum', () => tf.layers.minimum({})),
  mergeCase('average', 'Average', () => tf.layers.average({})),
  mergeCase('concatenate-channels', 'Concatenate', () => tf.layers.concatenate({ axis: -1 })),
  mergeCase('concatenate-height', 'Concatenate', () => tf.layers.concatenate({ axis: 1 })),
  poolCase('maxpool-valid', 'MaxPooling2D', { poolSize: 2, strides: 2, padding: 'valid' }, [2, 7, 9, 3]),
  poolCase('maxpool-same-s2', 'MaxPooling2D', { poolSize: 3, strides: 2, padding: 'same' }, [2, 8, 9, 3]),
  poolCase('maxpool-same-s1', 'MaxPooling2D', { poolSize: 3, strides: 1, padding: 'same' }, [1, 5, 6, 2]),
  poolCase('avgpool-valid-k3-s1', 'AveragePooling2D', { poolSize: 3, strides: 1, padding: 'valid' }, [2, 6, 7, 3]),
  poolCase('avgpool-same-s2', 'AveragePooling2D', { poolSize: 3, strides: 2, padding: 'same' }, [2, 8, 9, 3]),
  poolCase('avgpool-same-s1-k4', 'AveragePooling2D', { poolSize: 4, strides: 1, padding: 'same' }, [1, 5, 6, 2]),
  {
    name: 'global-average',
    layer: 'GlobalAveragePooling2D',
    inputShape: [2, 5, 7, 3],
    build: () => net([5, 7, 3], (x) => apply(tf.layers.globalAveragePooling2d({}), x)),
  },
  {
    name: 'global-max',
    layer: 'GlobalMaxPooling2D',
    inputShape: [2, 5, 7, 3],
    build: () => net([5, 7, 3], (x) => apply(tf.layers.globalMaxPooling2d({}), x)),
  },
  {
    name: 'global-std',
    layer: 'GlobalStdPooling2D',
    inputShape: [2, 5, 7, 3],
    build: () => net([5, 7, 3], (x) => apply(new GlobalStdPooling2D({}), x)),
  },
  {
    name: 'zeropadding-asymmetric',
    layer: 'ZeroPadding2D',
    inputShape: [2, 5, 6, 3],
    build: () =>
      net([5, 6, 3], (x) =>
        apply(
          conv({ padding: 'valid', strides: 2 }),
          apply(
            tf.layers.zeroPadding2d({
              padding: [
                [1, 2],
                [0, 3],
              ],
            }),
            x,
          ),
        ),
      ),
  },
  {
    name: 'cropping',
    layer: 'Cropping2D',
    inputShape: [2, 7, 8, 3],
    build: () =>
      net([7, 8, 3], (x) =>
        apply(
          tf.layers.cropping2D({
            cropping: [
              [1, 0],
              [2, 1],
            ],
          }),
          x,
        ),
      ),
  },
  {
    name: 'flatten-dense-softmax',
    layer: 'Flatten',
    inputShape: [2, 4, 5, 3],
    build: () =>
      net([4, 5, 3], (x) =>
        apply(
          tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(40) }),
          apply(tf.layers.flatten(), apply(conv({ padding: 'same' }), x)),
        ),
      ),
  },
  {
    name: 'reshape-dense-rank3',
    layer: 'Reshape',
    inputShape: [2, 4, 5, 3],
    build: () =>
      net([4, 5, 3], (x) =>
        apply(
          tf.layers.flatten(),
          apply(
            tf.layers.dense({
              units: 3,
              activation: 'relu',
              kernelInitializer: seeded(41),
              biasInitializer: seeded(42),
            }),
            apply(tf.layers.reshape({ targetShape: [20, 4] }), apply(conv({ padding: 'same' }), x)),
          ),
        ),
      ),
  },
  {
    name: 'dense-dropout-noise',
    layer: 'Dense',
    inputShape: [3, 4, 4, 2],
    build: () =>
      net([4, 4, 2], (x) =>
        apply(
          tf.layers.dense({ units: 2, activation: 'tanh', kernelInitializer: seeded(50), biasInitializer: seeded(51) }),
          apply(
            tf.layers.gaussianNoise({ stddev: 1 }),
            apply(tf.layers.dropout({ rate: 0.5 }), apply(tf.layers.globalAveragePooling2d({}), x)),
          ),
        ),
      ),
  },
  {
    // onnxruntime's PadFusion would fold this zero Pad into the MaxPool (wrong for negative windows).
    name: 'zeropadding-maxpool',
    layer: 'ZeroPadding2D',
    inputShape: [2, 5, 6, 3],
    build: () =>
      net([5, 6, 3], (x) =>
        apply(
          tf.layers.maxPooling2d({ poolSize: 2 }),
          apply(
            tf.layers.zeroPadding2d({
              padding: [
                [2, 1],
                [0, 2],
              ],
            }),
            x,
          ),
        ),
      ),
  },
];
