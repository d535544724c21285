import * as tf from '@tensorflow/tfjs';
import {
  WASM_GRAD_KERNEL_NAMES,
  isWasmGradKernelRegistered,
  registerWasmGradKernels,
} from '../../src/backend/index.js';
import { expectSameOnBackends, randomValues, setUpBackends, tearDownBackends } from './grad-parity.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
/** [batch, height, width, inChannels, outChannels (multiplier 1 for depthwise), kernel, stride, pad] */
type Case = [number, number, number, number, number, number, number | [number, number], Pad];

const CONV_CASES: Case[] = [
  [1, 7, 7, 3, 8, 3, 2, 'same'], // odd size, stride 2
  [3, 8, 6, 8, 1, 3, 1, 'same'],
  [3, 8, 6, 8, 3, 3, 2, 'valid'], // an input row that no output reads
  [1, 9, 9, 1, 3, 1, 2, 'same'], // 1x1 stride 2: dx needs a crop
  [2, 5, 8, 3, 3, 5, 1, 'valid'],
  [1, 6, 7, 3, 8, 3, 2, 'same'],
  [
    2,
    7,
    7,
    3,
    4,
    3,
    2,
    [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  ], // explicit
  [2, 10, 7, 3, 4, 3, 3, 1], // numeric pad, stride 3
  [2, 5, 6, 8, 3, 1, 1, 'same'], // pointwise, fewer outputs: dW as one GEMM
  [3, 5, 6, 3, 8, 1, 1, 'valid'], // pointwise, more outputs
  [
    1,
    4,
    4,
    3,
    2,
    1,
    1,
    [
      [0, 0],
      [1, 0],
      [0, 1],
      [0, 0],
    ],
  ], // 1x1 but padded: general path
  [2, 7, 8, 3, 4, 3, [2, 1], 'same'], // non-square strides
];

const DEPTHWISE_CASES: Case[] = [
  [1, 7, 7, 3, 1, 3, 2, 'same'],
  [3, 8, 6, 8, 1, 3, 1, 'same'],
  [3, 8, 6, 8, 1, 3, 2, 'valid'],
  [2, 9, 9, 1, 1, 3, 1, 'valid'],
  [1, 5, 8, 3, 1, 5, 2, 'same'],
  [2, 7, 7, 3, 1, 3, 2, 1],
  [2, 8, 7, 3, 1, 3, [1, 2], 'valid'],
];

function inputs(c: Case, seed: number): { x: tf.Tensor4D; w: tf.Tensor4D } {
  const [n, h, w, ci, co, k] = c;
  return {
    x: tf.tensor4d(randomValues([n, h, w, ci], seed), [n, h, w, ci]),
    w: tf.tensor4d(randomValues([k, k, ci, co], seed + 1), [k, k, ci, co]),
  };
}

/** dx and dW of sum(conv(x, w) * r), r a fixed random weighting so every output position matters. */
function convGrads(c: Case, seed: number, depthwise: boolean): () => tf.Tensor[] {
  const stride = c[6];
  const pad = c[7];
  return () => {
    const { x, w } = inputs(c, seed);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D =>
      depthwise ? tf.depthwiseConv2d(a, b, stride, pad) : tf.conv2d(a, b, stride, pad);
    const outShape = tf.tidy(() => conv(x, w).shape);
    const r = tf.tensor(randomValues(outShape, seed + 2), outShape);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      conv(a as tf.Tensor4D, b as tf.Tensor4D)
        .mul(r)
        .sum(),
    )([x, w]);
    tf.dispose([x, w, r]);
    return grads;
  };
}

beforeAll(() => setUpBackends(true));
afterAll(tearDownBackends);

describe('registerWasmGradKernels', () => {
  test('registers all four kernels for wasm and is idempotent', () => {
    const again = registerWasmGradKernels();
    expect(again.registered).toEqual([]);
    expect(again.unchanged).toEqual([...WASM_GRAD_KERNEL_NAMES]);
    for (const name of WASM_GRAD_KERNEL_NAMES) expect(isWasmGradKernelRegistered(name)).toBe(true);
  });
});

describe('conv2d gradients on wasm match cpu', () => {
  test.each(CONV_CASES)('x [%i,%i,%i,%i] -> %i channels k=%i s=%j pad=%j', (...c) => {
    expectSameOnBackends(convGrads(c as Case, 10, false));
  });

  test('conv2dTranspose (Conv2DBackpropInput on its own) matches cpu', () => {
    expectSameOnBackends(() => {
      const x = tf.tensor4d(randomValues([2, 4, 5, 6], 3), [2, 4, 5, 6]);
      const w = tf.tensor4d(randomValues([3, 3, 2, 6], 4), [3, 3, 2, 6]);
      const y = tf.conv2dTranspose(x, w, [2, 8, 9, 2], 2, 'same');
      tf.dispose([x, w]);
      return [y];
    });
  });
});

describe('depthwiseConv2d gradients on wasm match cpu', () => {
  test.each(DEPTHWISE_CASES)('x [%i,%i,%i,%i] multiplier %i k=%i s=%j pad=%j', (...c) => {
    expectSameOnBackends(convGrads(c as Case, 20, true));
  });
});

describe('unsupported attributes fail clearly', () => {
  const x = (): tf.Tensor4D => tf.ones([1, 6, 6, 2]);
  const dy = (shape: [number, number, number, number]): tf.Tensor4D => tf.ones(shape);

  test('dilations > 1 name the attribute', () => {
    const run = () =>
      tf.tidy(() =>
        tf.engine().runKernel(
          'DepthwiseConv2dNativeBackpropFilter',
          { x: x(), dy: dy([1, 6, 6, 2]) },
          {
            strides: 1,
            pad: 'same',
            dilations: 2,
            filterShape: [3, 3, 2, 1],
          },
        ),
      );
    expect(run).toThrow(RangeError);
    expect(run).toThrow(/dilations of DepthwiseConv2dNativeBackpropFilter/);
  });

  test('channel multiplier 2 is rejected', () => {
    const run = () =>
      tf.tidy(
        () =>
          tf.engine().runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy: dy([1, 6, 6, 4]), filter: tf.ones([3, 3, 2, 2]) },
            {
              strides: 1,
              pad: 'same',
              dilations: 1,
              inputShape: [1, 6, 6, 2],
            },
          ) as tf.Tensor,
      );
    expect(run).toThrow(/channel multiplier .* received 2/);
  });

  test('NCHW is rejected', () => {
    const run = () =>
      tf.tidy(
        () =>
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: x(), dy: dy([1, 6, 6, 3]) },
            {
              strides: 1,
              pad: 'same',
              dataFormat: 'NCHW',
              filterShape: [3, 3, 2, 3],
            },
          ) as tf.Tensor,
      );
    expect(run).toThrow(/dataFormat of Conv2DBackpropFilter .*NCHW/);
  });

  test('a dy that does not match the convolution output is rejected', () => {
    const run = () =>
      tf.tidy(
        () =>
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: x(), dy: dy([1, 5, 5, 3]) },
            {
              strides: 1,
              pad: 'same',
              dataFormat: 'NHWC',
              filterShape: [3, 3, 2, 3],
            },
          ) as tf.Tensor,
      );
    expect(run).toThrow(/Expected dy of shape \[1,6,6,3\]/);
  });
});
