import * as tf from '@tensorflow/tfjs';
import { expectSameOnBackends, randomValues, setUpBackends, tearDownBackends } from './grad-parity.js';

beforeAll(() => setUpBackends());
afterAll(tearDownBackends);

/** Parameters of a tiny conv net, made from fixed random values (identical on every backend). */
function params(): tf.Tensor[] {
  const shapes = [
    [3, 3, 3, 8], // conv1
    [3, 3, 8, 8], // conv2, stride 2
    [3, 3, 8, 1], // depthwise, stride 2
    [1, 1, 8, 6], // pointwise
    [6, 4], // dense
    [4], // dense bias
  ];
  return shapes.map((s, i) =>
    tf.tensor(
      randomValues(s, 100 + i).map((v) => v * 0.5),
      s,
    ),
  );
}

/** conv-relu-maxpool-conv(s2)-relu-depthwise(s2)-conv1x1-globalAvgPool-dense, squared error. */
function loss(x: tf.Tensor4D, target: tf.Tensor2D, p: tf.Tensor[]): tf.Scalar {
  const [c1, c2, dw, pw, dense, bias] = p as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor2D,
    tf.Tensor1D,
  ];
  let h = tf.relu(tf.conv2d(x, c1, 1, 'same'));
  h = tf.maxPool(h, 2, 2, 'valid');
  h = tf.relu(tf.conv2d(h, c2, 2, 'same'));
  h = tf.relu(tf.depthwiseConv2d(h, dw, 2, 'same'));
  h = tf.conv2d(h, pw, 1, 'valid');
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const y = tf.add(tf.matMul(pooled, dense), bias);
  return tf.mean(tf.square(tf.sub(y, target)));
}

test(
  'a small conv net (conv, maxpool, strided conv, depthwise, 1x1, GAP, dense) has the same gradients on wasm and ' +
    'cpu',
  () => {
    expectSameOnBackends(() => {
      const x = tf.tensor4d(randomValues([3, 15, 15, 3], 1), [3, 15, 15, 3]);
      const target = tf.tensor2d(randomValues([3, 4], 2), [3, 4]);
      const p = params();
      const grads = tf.grads((xx: tf.Tensor, ...pp: tf.Tensor[]) => loss(xx as tf.Tensor4D, target, pp))([x, ...p]);
      tf.dispose([x, target, ...p]);
      return grads;
    });
  },
);

test('optimizer.minimize on a tf.layers model (fused conv + bias + relu) trains the same on wasm and cpu', () => {
  expectSameOnBackends(() => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [12, 12, 3],
          filters: 6,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        tf.layers.depthwiseConv2d({
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        }),
        tf.layers.conv2d({ filters: 5, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const x = tf.tensor4d(randomValues([2, 12, 12, 3], 5), [2, 12, 12, 3]);
    const target = tf.tensor2d([[0.5], [-0.5]]);
    const optimizer = tf.train.sgd(0.1);
    for (let step = 0; step < 3; step++) {
      optimizer.minimize(() => tf.losses.meanSquaredError(target, model.apply(x) as tf.Tensor) as tf.Scalar);
    }
    const weights = model.getWeights().map((w) => w.clone());
    tf.dispose([x, target]);
    optimizer.dispose();
    model.dispose();
    return weights;
  });
});
