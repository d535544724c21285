import * as tf from '@tensorflow/tfjs';
import { PROBE_SIZE, splitModel } from '../../src/training/split-model.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two strided 'valid' convolutions then a pooled head: its cut map's size follows the input size. */
function stridedNet(input: [number | null, number | null]): tf.LayersModel {
  const x = tf.input({ shape: [...input, 3] });
  const c1 = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: 'c1' })
    .apply(x) as tf.SymbolicTensor;
  const c2 = tf.layers
    .conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', name: 'c2' })
    .apply(c1) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling2d({ name: 'pool_c2' }).apply(c2) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 1, name: 'score' }).apply(pool) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y });
}

/** Side of a 3x3 stride-2 'valid' convolution's output. */
const strided = (side: number): number => Math.floor((side - 3) / 2) + 1;

describe('splitModel', () => {
  it('sizes the cut map from the crop size or input shape it is given', () => {
    const model = stridedNet([null, null]);
    expect(splitModel(model, { cut: 'c1', cropSize: 40 }).parts[0]).toEqual([strided(40), strided(40), 2]);
    expect(splitModel(model, { cut: 'c1', inputShape: [40, 60] }).parts[0]).toEqual([strided(40), strided(60), 2]);
  });

  it("without a size, probes at the model's fixed input size", () => {
    const split = splitModel(stridedNet([48, 64]), { cut: 'c1' });
    expect(split.parts[0]).toEqual([strided(48), strided(64), 2]);
    expect(split.featureSize).toBe(strided(48) * strided(64) * 2);
  });

  it(
    'without a size or a fixed input, probes at PROBE_SIZE, which every registered network takes (not a tiny 32 ' +
      'px)',
    () => {
      expect(PROBE_SIZE).toBe(224);
      const split = splitModel(stridedNet([null, null]), { cut: 'c1' });
      expect(split.parts[0]).toEqual([strided(224), strided(224), 2]);
    },
  );

  it(
    'runs frozen BatchNormalization above the cut as the layer does, with the same gradients for the trainable ' +
      'weights',
    () => {
      const x = tf.input({ shape: [9, 9, 3] });
      const c1 = tf.layers
        .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' })
        .apply(x) as tf.SymbolicTensor;
      const c2 = tf.layers
        .conv2d({ filters: 5, kernelSize: 3, strides: 2, useBias: false, name: 'c2' })
        .apply(c1) as tf.SymbolicTensor;
      const bnLayer = tf.layers.batchNormalization({ epsilon: 1e-3, name: 'c2_bn' });
      const bn = bnLayer.apply(c2) as tf.SymbolicTensor;
      const act = tf.layers.reLU({ maxValue: 6, name: 'c2_relu' }).apply(bn) as tf.SymbolicTensor;
      const pool = tf.layers.globalAveragePooling2d({ name: 'pool_c2' }).apply(act) as tf.SymbolicTensor;
      const y = tf.layers.dense({ units: 1, name: 'score' }).apply(pool) as tf.SymbolicTensor;
      const model = tf.model({ inputs: x, outputs: y });
      // Moving statistics and affine weights far from the identity, so a wrong fold shows.
      bnLayer.setWeights([
        tf.tensor1d([1.5, 0.5, 2, 1, 0.25]),
        tf.tensor1d([0.1, -0.2, 0.3, 0, 1]),
        tf.tensor1d([0.2, -0.1, 0.05, 0.3, -0.4]),
        tf.tensor1d([0.5, 2, 0.1, 1.5, 0.8]),
      ]);
      const split = splitModel(model, { cut: 'c1' });
      expect(split.vars.map((v) => v.name).some((n) => n.includes('c2_bn'))).toBe(false);

      const image = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 3);
      const rows = tf.reshape(split.features.predict(image) as tf.Tensor, [2, split.featureSize]) as tf.Tensor2D;
      const viaSplit = split.forward(rows, 0, null);
      const viaModel = model.predict(image) as tf.Tensor;
      expect(Array.from(viaSplit.dataSync())).toEqual(Array.from(viaModel.dataSync()).map((v) => expect.closeTo(v, 5)));

      const gradsOf = (f: () => tf.Tensor) => tf.variableGrads(() => tf.sum(f()) as tf.Scalar, split.vars).grads;
      const ours = gradsOf(() => split.forward(rows, 0, null));
      const layers = gradsOf(() => model.apply(image, { training: false }) as tf.Tensor);
      for (const v of split.vars) {
        const a = Array.from(ours[v.name]!.dataSync());
        expect(a.some((g) => g !== 0)).toBe(true);
        expect(a).toEqual(Array.from(layers[v.name]!.dataSync()).map((g) => expect.closeTo(g, 4)));
      }
    },
  );
});
