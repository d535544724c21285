/**
 * DistributionMoments (NIMA's outputs) through the exporter: a model with two outputs needs a name for the second
 * (extraOutputNames), and onnxruntime-node gives tfjs' mean and std over bins 1..K for hand-picked distributions.
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { DistributionMoments } from '@iqa-zoo/train';
import { exportOnnx, toModelProto } from '@iqa-zoo/export';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function momentsModel(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const outputs = new DistributionMoments({ name: 'moments' }).apply(input) as tf.SymbolicTensor[];
  return tf.model({ inputs: input, outputs, name: 'moments-only' });
}

test('a model with two outputs is refused without a name for the second, and names must differ', () => {
  expect(() => toModelProto(momentsModel())).toThrow(
    /Expected a model with 1 input and 1 output\(s\) \(score\) but "moments-only" has 1 and 2/,
  );
  expect(() => toModelProto(momentsModel(), { extraOutputNames: ['score'] })).toThrow(RangeError);
});

test('onnxruntime-node gives the mean and std over bins 1..K as tfjs does', async () => {
  const model = momentsModel();
  const p = [
    [0, 1, 0, 0],
    [0.5, 0, 0, 0.5],
    [0.1, 0.2, 0.3, 0.4],
  ];
  const session = await ort.InferenceSession.create(await exportOnnx(model, { extraOutputNames: ['std'] }));
  expect(session.outputNames).toEqual(['score', 'std']);
  const out = await session.run({ image: new ort.Tensor('float32', Float32Array.from(p.flat()), [3, 4]) });
  // By hand: means 2, 2.5, 3; stds 0, 1.5, 1.
  expect(Array.from(out.score!.data as Float32Array)).toEqual([2, 2.5, expect.closeTo(3, 6)]);
  expect(Array.from(out.std!.data as Float32Array)).toEqual([0, 1.5, expect.closeTo(1, 6)]);
  const [mean, std] = model.predict(tf.tensor2d(p)) as tf.Tensor[];
  expect(Array.from(mean!.dataSync())).toEqual([2, 2.5, expect.closeTo(3, 6)]);
  expect(Array.from(std!.dataSync())).toEqual([0, 1.5, expect.closeTo(1, 6)]);
  await session.release();
});
