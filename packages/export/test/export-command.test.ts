/**
 * `iqa export --from CKPT --out DIR`: a saved checkpoint becomes model.onnx, model_fp16.onnx and
 * card.json whose hashes match the files, and both ONNX files score like the checkpoint.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { validateCard } from '@iqa-zoo/core';
import { saveModel } from '@iqa-zoo/train';
import { exportCommand, readOnnxCard } from '@iqa-zoo/export';
import { createFixtureModel } from '../../../test/helpers/fixture-model.js';
import { mismatches, randomNchw, runTfjs } from './helpers/parity.js';

let tmp: string;
let checkpoint: string;
let expected: Float32Array;
const SHAPE: [number, number, number, number] = [2, 3, 40, 32];
const DATA = randomNchw(SHAPE, 21);

function capture(): { io: { out: (s: string) => void; err: (s: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => out.push(s), err: (s) => err.push(s) }, out, err };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-export-'));
  const { model, card } = await createFixtureModel({ seed: 4 });
  expected = runTfjs(model, DATA, SHAPE);
  const { files: _files, ...cardWithoutFiles } = card;
  checkpoint = path.join(tmp, 'ckpt');
  await saveModel(model, checkpoint, { 'card.json': JSON.stringify({ ...cardWithoutFiles, id: 'from-checkpoint' }) });
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

test('writes model.onnx, model_fp16.onnx and card.json with matching sha256', async () => {
  const out = path.join(tmp, 'out');
  const override = path.join(tmp, 'override.json');
  await fs.writeFile(override, JSON.stringify({ version: '2.0.0' }));
  const { io, out: lines, err } = capture();
  expect(await exportCommand(['--from', checkpoint, '--out', out, '--card', override], io)).toBe(0);
  expect(err).toEqual([]);
  expect(lines.join('')).toContain('model_fp16.onnx');
  const card = validateCard(JSON.parse(await fs.readFile(path.join(out, 'card.json'), 'utf8')));
  expect(card.id).toBe('from-checkpoint');
  expect(card.version).toBe('2.0.0');
  for (const file of [card.files.onnx, card.files.onnxFp16!]) {
    const bytes = await fs.readFile(path.join(out, file.path));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
    expect(bytes.byteLength).toBe(file.bytes);
    const { files: _files, ...withoutFiles } = card;
    expect(readOnnxCard(bytes)).toEqual(withoutFiles);
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ image: new ort.Tensor('float32', DATA, SHAPE) });
    expect(mismatches(result.score!.data as Float32Array, expected, file === card.files.onnx ? 1e-4 : 1e-2)).toEqual(
      [],
    );
    await session.release();
  }
  expect(card.files.onnxFp16!.path).toBe('model_fp16.onnx');
});

test('without any card it fails naming the missing card', async () => {
  const bare = path.join(tmp, 'bare');
  await fs.mkdir(bare);
  await fs.copyFile(path.join(checkpoint, 'model.json'), path.join(bare, 'model.json'));
  const { io, err } = capture();
  expect(await exportCommand(['--from', bare, '--out', path.join(tmp, 'x')], io)).toBe(1);
  expect(err.join('')).toMatch(/INVALID_CARD.*card\.json does not exist and no --card FILE was given/);
});

test('an invalid card is rejected before exporting, naming the field', async () => {
  const bad = path.join(tmp, 'bad.json');
  await fs.writeFile(bad, JSON.stringify({ task: 'fr' }));
  const { io, err } = capture();
  expect(await exportCommand(['--from', checkpoint, '--out', path.join(tmp, 'y'), '--card', bad], io)).toBe(1);
  expect(err.join('')).toContain('card.task');
  await expect(fs.stat(path.join(tmp, 'y'))).rejects.toThrow();
});

test('bad usage exits 2 with the usage text; --help exits 0', async () => {
  const a = capture();
  expect(await exportCommand(['--from', checkpoint], a.io)).toBe(2);
  expect(a.err.join('')).toMatch(/missing --out[\s\S]*Usage: iqa export/);
  const b = capture();
  expect(await exportCommand(['--bogus'], b.io)).toBe(2);
  const c = capture();
  expect(await exportCommand(['--help'], c.io)).toBe(0);
  expect(c.out.join('')).toContain('--from CKPT');
});
