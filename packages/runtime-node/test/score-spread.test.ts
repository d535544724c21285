/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
/**
 * A model that predicts a score distribution (the shared fixture on mobilenetv2-nima, seeded random weights):
 * runtime-node's scoreBatch gives { score, std } equal to what tfjs gives for the same pixels (the mean of the crops'
 * means, the std of the mixture of the crops' distributions), score() the same number, and `iqa score --json`
 * prints both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { preprocess } from '@iqa-zoo/core';
import { scoreCommand } from '@iqa-zoo/cli';
import { createScorer, decodeImage } from '@iqa-zoo/runtime-node';
import { createFixtureModel, type FixtureModel, writeFixtureModelDir } from '../../../test/helpers/fixture-model.js';
import { runTfjsOutputs } from '../../export/test/helpers/parity.js';
import { memoryIo } from './helpers/cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'iqa-spread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fixture: FixtureModel;
let photo: Buffer;

beforeAll(async () => {
  // Jest's structuredClone is the outer realm's; nsfwjs' topology must be cloned in this one (export's tests too).
  globalThis.structuredClone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  await tf.setBackend('cpu');
  fixture = await createFixtureModel({ network: 'mobilenetv2-nima', seed: 5 });
  await writeFixtureModelDir(join(dir, 'model'), fixture);
  // A 90x70 gradient with noise, so crops differ.
  const raw = Buffer.alloc(90 * 70 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + ((i * 2654435761) >>> 27)) & 255;
  photo = await sharp(raw, { raw: { width: 90, height: 70, channels: 3 } })
    .png()
    .toBuffer();
  writeFileSync(join(dir, 'photo.png'), photo);
}, 120_000);
afterAll(() => fixture?.model.dispose());

/** tfjs' score and mixture std over the card's crops of the same decoded pixels. */
async function tfjsExpected(): Promise<{ score: number; std: number }> {
  const tensor = preprocess(await decodeImage(photo), fixture.card.input);
  const [means, stds] = runTfjsOutputs(fixture.model, tensor.data, tensor.dims as [number, number, number, number]);
  const n = means!.length;
  const mean = means!.reduce((a, b) => a + b, 0) / n;
  const second = means!.reduce((a, m, i) => a + m * m + stds![i]! ** 2, 0) / n;
  return { score: mean, std: Math.sqrt(second - mean * mean) };
}

test('scoreBatch gives { score, std } as tfjs does (1e-4); score() gives the same number', async () => {
  const scorer = await createScorer(join(dir, 'model'), { device: 'cpu' });
  const expected = await tfjsExpected();
  const [outcome] = await scorer.scoreBatch([photo]);
  expect(Object.keys(outcome!).sort()).toEqual(['score', 'std']);
  expect(Math.abs(outcome!.score! - expected.score)).toBeLessThanOrEqual(1e-4 * Math.max(1, expected.score));
  expect(Math.abs(outcome!.std! - expected.std)).toBeLessThanOrEqual(1e-4 * Math.max(1, expected.std));
  // Crops differ, so the mixture is wider than nothing; a bin-index std stays within 0..4.5.
  expect(outcome!.std!).toBeGreaterThan(0);
  expect(outcome!.std!).toBeLessThan(4.5);
  expect(await scorer.score(photo)).toBe(outcome!.score);
  await scorer.dispose();
});

test('iqa score --json prints the std beside the score', async () => {
  const io = memoryIo();
  const code = await scoreCommand(['--json', '--model', join(dir, 'model'), join(dir, 'photo.png')], io);
  expect(code).toBe(0);
  const row = JSON.parse(io.out().trim()) as { file: string; score: number; std: number };
  const expected = await tfjsExpected();
  expect(row.file).toBe(join(dir, 'photo.png'));
  expect(Math.abs(row.std - expected.std)).toBeLessThanOrEqual(1e-4 * Math.max(1, expected.std));
  expect(Math.abs(row.score - expected.score)).toBeLessThanOrEqual(1e-4 * Math.max(1, expected.score));
});
