/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIqaError } from '@iqa-zoo/core';
import { loadModel, readEmbeddedCard } from '@iqa-zoo/runtime-node';
import { createTinyModel, writeTinyModelDir } from './helpers/tiny-model.js';

const root = mkdtempSync(join(tmpdir(), 'iqa-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const tiny = createTinyModel();
const zoo = join(root, 'zoo');
writeTinyModelDir(join(zoo, 'tiny-test'), tiny);
writeTinyModelDir(join(zoo, 'other'), createTinyModel(undefined, { id: 'other', bias: 0.1 }));
writeFileSync(join(zoo, 'index.json'), JSON.stringify({ default: 'tiny-test', models: ['tiny-test', 'other'] }));

const saved = process.env.IQA_ZOO_MODELS;
beforeAll(() => {
  process.env.IQA_ZOO_MODELS = zoo;
});
afterAll(() => {
  if (saved === undefined) delete process.env.IQA_ZOO_MODELS;
  else process.env.IQA_ZOO_MODELS = saved;
});

describe('loadModel', () => {
  test('default model and zoo ids come from index.json', async () => {
    expect((await loadModel()).card.id).toBe('tiny-test');
    const other = await loadModel('other');
    expect(other.card.id).toBe('other');
    expect(other.path).toBe(join(zoo, 'other', 'model.onnx'));
  });

  test('an unknown id lists the known ones', async () => {
    await expect(loadModel('nope')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining('"tiny-test", "other"'),
    });
  });

  test('a folder with card.json + model.onnx', async () => {
    const loaded = await loadModel(join(zoo, 'tiny-test'));
    expect(loaded.card).toEqual(tiny.card);
    expect(Buffer.from(loaded.onnx).equals(Buffer.from(tiny.onnx))).toBe(true);
  });

  test('an .onnx path with a card.json beside it', async () => {
    expect((await loadModel(join(zoo, 'other', 'model.onnx'))).card.id).toBe('other');
  });

  test('an .onnx path alone uses the card in its metadata, with files filled from the bytes', async () => {
    const path = join(root, 'loose.onnx');
    writeFileSync(path, tiny.onnx);
    const { card } = await loadModel(path);
    expect(card.files.onnx).toEqual({
      path: 'loose.onnx',
      sha256: tiny.card.files.onnx.sha256,
      bytes: tiny.onnx.length,
    });
    expect(card.input).toEqual(tiny.card.input);
    expect(readEmbeddedCard(tiny.onnx, 'x.onnx')?.id).toBe('tiny-test');
  });

  test('an .onnx without any card is refused', async () => {
    const path = join(root, 'bare.onnx');
    writeFileSync(path, createTinyModel(undefined, { embedCard: false }).onnx);
    await expect(loadModel(path)).rejects.toMatchObject({
      code: 'INVALID_CARD',
      message: expect.stringContaining('iqa_zoo.card'),
    });
  });

  test('a modified ONNX file fails the sha256 check', async () => {
    const dir = join(root, 'tampered');
    writeTinyModelDir(dir, tiny);
    const bytes = Buffer.from(tiny.onnx);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const err = await loadModel(dir).catch((e: unknown) => e);
    expect(isIqaError(err, 'MODEL_INTEGRITY')).toBe(true);
    expect((err as Error).message).toContain(tiny.card.files.onnx.sha256);
  });

  test('fp16 without a variant in the card is a clear error; bad arguments are typed', async () => {
    await expect(loadModel('tiny-test', 'fp16')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: expect.stringContaining('fp16'),
    });
    await expect(loadModel('tiny-test', 'int8' as never)).rejects.toThrow(RangeError);
    await expect(loadModel('' as never)).rejects.toThrow(TypeError);
  });

  test('a bad card names the field', async () => {
    const dir = join(root, 'badcard');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'card.json'),
      JSON.stringify({ ...tiny.card, output: { ...tiny.card.output, scale: 'x' } }),
    );
    await expect(loadModel(dir)).rejects.toMatchObject({
      code: 'INVALID_CARD',
      message: expect.stringContaining('card.output.scale'),
    });
  });
});
