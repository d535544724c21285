/**
 * runtime-web under Node (onnxruntime-web's WASM) on a model that predicts a score distribution (the shared
 * fixture on mobilenetv2-nima, seeded random weights): scoreBatch gives { score, std }, equal within 1e-4 to core's
 * scorePixelsDetail over an onnxruntime-node session, and score() gives the same number.
 */
import { type ModelCard, type RunModel, interleaveOutputs, scorePixelsDetail } from '@iqa-zoo/core';
import * as ortNode from 'onnxruntime-node';
import { createFixtureModel } from '../../../test/helpers/fixture-model.js';
import { type WebScorer, createScorer } from '../src/index.js';
import { rgbaImage } from './helpers/images.js';

const close = (a: number, b: number, tol = 1e-4) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

let card: ModelCard;
let scorer: WebScorer;
let nodeRun: RunModel;

beforeAll(async () => {
  // Jest's structuredClone is the outer realm's; nsfwjs' topology must be cloned in this one (export's tests too).
  globalThis.structuredClone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const fixture = await createFixtureModel({ network: 'mobilenetv2-nima', seed: 5 });
  card = fixture.card;
  fixture.model.dispose();
  scorer = await createScorer({ card, onnx: fixture.onnx }, { device: 'wasm' });
  const session = await ortNode.InferenceSession.create(fixture.onnx);
  nodeRun = async (t) => {
    const out = await session.run({ [card.input.name]: new ortNode.Tensor('float32', t.data, t.dims) });
    return interleaveOutputs(out.score!.data as Float32Array, out.std!.data as Float32Array);
  };
}, 120_000);
afterAll(() => scorer?.dispose());

test('the card has a spread and scoreBatch gives { score, std } as onnxruntime-node does (1e-4)', async () => {
  expect(scorer.card.output.spread).toEqual({ name: 'std', kind: 'std', scale: 1 });
  const image = rgbaImage(80, 64, 11);
  const [outcome] = await scorer.scoreBatch([image]);
  const expected = await scorePixelsDetail(card, { ...image, channels: 4 as const }, nodeRun);
  expect(Object.keys(outcome!).sort()).toEqual(['score', 'std']);
  expect(close(outcome!.score!, expected.score)).toBe(true);
  expect(close(outcome!.std!, expected.std!)).toBe(true);
  expect(outcome!.std!).toBeGreaterThan(0);
  expect(await scorer.score(image)).toBe(outcome!.score);
});
