/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
/**
 * The API on a real exported network (the shared fixture: a seeded vgg-tiny-ml through @iqa-zoo/export):
 * sharp decode + core preprocessing + onnxruntime-node give the score tfjs gives for the same pixels.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { aggregateScore, preprocess } from '@iqa-zoo/core';
import { createScorer, decodeImage } from '@iqa-zoo/runtime-node';
import { createFixtureModel, type FixtureModel, writeFixtureModelDir } from '../../../test/helpers/fixture-model.js';
import { runTfjs } from '../../export/test/helpers/parity.js';

const dir = mkdtempSync(join(tmpdir(), 'iqa-fixture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fixture: FixtureModel;
let photo: Buffer;

beforeAll(async () => {
  await tf.setBackend('cpu');
  fixture = await createFixtureModel({ seed: 5 });
  await writeFixtureModelDir(join(dir, 'model'), fixture);
  writeFileSync(join(dir, 'loose.onnx'), fixture.onnx);
  // A 90x70 gradient with noise, so crops differ.
  const raw = Buffer.alloc(90 * 70 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + ((i * 2654435761) >>> 27)) & 255;
  photo = await sharp(raw, { raw: { width: 90, height: 70, channels: 3 } })
    .png()
    .toBuffer();
});
afterAll(() => fixture?.model.dispose());

test('createScorer matches tfjs on the same decoded pixels (1e-4)', async () => {
  const scorer = await createScorer(join(dir, 'model'), { device: 'cpu' });
  const tensor = preprocess(await decodeImage(photo), fixture.card.input);
  expect(tensor.dims).toEqual([4, 3, 32, 32]);
  const expected = aggregateScore(
    runTfjs(fixture.model, tensor.data, tensor.dims as [number, number, number, number]),
    fixture.card.output,
  );
  const score = await scorer.score(photo);
  expect(Math.abs(score - expected)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected)));
  await scorer.dispose();
});

test('an .onnx path alone (card from metadata) and concurrent merged runs give the same score', async () => {
  const byFolder = await createScorer(join(dir, 'model'), { device: 'cpu', maxBatch: 1 });
  const byFile = await createScorer(join(dir, 'loose.onnx'), { device: 'cpu', maxBatch: 8 });
  expect(byFile.card.input).toEqual(fixture.card.input);
  const single = await byFolder.score(photo);
  // Decoded pixels: no asynchronous decode per call, so the six calls queue together.
  const pixels = await decodeImage(photo);
  const merged = await Promise.all(Array.from({ length: 6 }, () => byFile.score(pixels)));
  expect(byFile.stats.runs).toBeLessThan(6);
  for (const s of merged) expect(Math.abs(s - single)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(single)));
  await Promise.all([byFolder.dispose(), byFile.dispose()]);
});
