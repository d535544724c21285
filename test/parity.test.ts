/**
 * Parity (issue 2): one seeded network and input give the same score in tfjs,
 * onnxruntime-node and onnxruntime-web, within 1e-4 (absolute or relative), for several sizes.
 */
import * as tf from '@tensorflow/tfjs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { createFixtureModel, type FixtureModel } from './helpers/fixture-model.js';
import { mismatches, randomNchw, runTfjs } from '../packages/export/test/helpers/parity.js';

const SIZES: Array<[number, number, number, number]> = [
  [1, 3, 32, 32],
  [3, 3, 48, 40],
  [2, 3, 64, 64],
  [1, 3, 37, 53],
];

let fixture: FixtureModel;
let nodeSession: ortNode.InferenceSession;
let webSession: ortWeb.InferenceSession;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ortWeb.env.wasm.numThreads = 1;
  fixture = await createFixtureModel({ seed: 11 });
  nodeSession = await ortNode.InferenceSession.create(fixture.onnx);
  webSession = await ortWeb.InferenceSession.create(fixture.onnx, { executionProviders: ['wasm'] });
});

afterAll(async () => {
  await nodeSession?.release();
  await webSession?.release();
  fixture?.model.dispose();
});

describe.each(SIZES)('input [%i, %i, %i, %i]', (...shape) => {
  test('tfjs, onnxruntime-node and onnxruntime-web agree within 1e-4', async () => {
    const data = randomNchw(shape, shape[2] * 100 + shape[3]);
    const expected = runTfjs(fixture.model, data, shape);
    const fromNode = await nodeSession.run({ image: new ortNode.Tensor('float32', data, shape) });
    const fromWeb = await webSession.run({ image: new ortWeb.Tensor('float32', data, shape) });
    expect(fromNode.score!.dims).toEqual([shape[0], 1]);
    expect(fromWeb.score!.dims).toEqual([shape[0], 1]);
    expect(expected.every(Number.isFinite)).toBe(true);
    expect(new Set(expected).size).toBe(shape[0]);
    expect(mismatches(fromNode.score!.data as Float32Array, expected)).toEqual([]);
    expect(mismatches(fromWeb.score!.data as Float32Array, expected)).toEqual([]);
  });
});
