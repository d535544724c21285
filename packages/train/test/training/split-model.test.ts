import * as tf from '@tensorflow/tfjs';
import { PROBE_SIZE, splitModel } from '../../src/training/split-model.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two strided 'valid' convolutions then a pooled head: its cut map's size follows the input size. */
function stridedNet(input: [number | null, number | null]): tf.LayersModel {
  const x = tf.input({ shape: [...input, 3] });
  const c1 = tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: 'c1' }).apply(x) as tf.SymbolicTensor;
  const c2 = tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'valid', name: 'c2' }).apply(c1) as tf.SymbolicTensor;
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

  it('without a size, probes at the model\'s fixed input size', () => {
    const split = splitModel(stridedNet([48, 64]), { cut: 'c1' });
    expect(split.parts[0]).toEqual([strided(48), strided(64), 2]);
    expect(split.featureSize).toBe(strided(48) * strided(64) * 2);
  });

  it('without a size or a fixed input, probes at PROBE_SIZE, which every registered network takes (not a tiny 32 px)', () => {
    expect(PROBE_SIZE).toBe(224);
    const split = splitModel(stridedNet([null, null]), { cut: 'c1' });
    expect(split.parts[0]).toEqual([strided(224), strided(224), 2]);
  });
});
