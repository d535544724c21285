/** @jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Scorer, isIqaError } from '@iqa-zoo/core';
import { type NodeImageInput, type NodeScorer, createScorer } from '@iqa-zoo/runtime-node';
import { hugeHeaderPng, solid, tinyScore } from './helpers/images.js';
import { createTinyModel, writeTinyModelDir } from './helpers/tiny-model.js';

/** What deviceReason says of the default threads: one per available core. */
const threadsNow = () => `${availableParallelism()} intra-op thread${availableParallelism() === 1 ? '' : 's'}`;

const dir = mkdtempSync(join(tmpdir(), 'iqa-scorer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const modelDir = writeTinyModelDir(join(dir, 'tiny'), createTinyModel({ kind: 'crops', count: 4, size: 16, seed: 3 }));
const fullDir = writeTinyModelDir(
  join(dir, 'full'),
  createTinyModel({ kind: 'full', maxSide: 64 }, { id: 'tiny-full' }),
);
const colours = [
  { r: 255, g: 128, b: 0 },
  { r: 10, g: 200, b: 90 },
  { r: 0, g: 0, b: 0 },
  { r: 255, g: 255, b: 255 },
  { r: 40, g: 40, b: 250 },
];
const quiet = { onWarning: () => {} };

let scorer: NodeScorer;
beforeAll(async () => {
  scorer = await createScorer(modelDir, { device: 'cpu', threads: 1 });
});
afterAll(() => scorer.dispose());

test('the scorer is typed as the shared Scorer interface', () => {
  const shared: Scorer<NodeImageInput, 'cuda' | 'cpu'> = scorer;
  expect(shared.card.id).toBe('tiny-test');
  expect(shared.device).toBe('cpu');
});

test('every input kind gives the score the model defines', async () => {
  const c = colours[0]!;
  const png = await solid(40, 30, c);
  const path = join(dir, 'a.png');
  writeFileSync(path, png);
  const rgba = {
    data: new Uint8Array(20 * 20 * 4).map((_, i) => [c.r, c.g, c.b, 255][i % 4]!),
    width: 20,
    height: 20,
    channels: 4 as const,
  };
  const inputs: NodeImageInput[] = [path, png, new Uint8Array(png), Readable.from([png]), rgba];
  for (const input of inputs) expect(await scorer.score(input)).toBeCloseTo(tinyScore(c), 4);
});

test('small images are upscaled as the card says (1x1), alpha is flattened onto white', async () => {
  expect(await scorer.score(await solid(1, 1, colours[1]!))).toBeCloseTo(tinyScore(colours[1]!), 4);
  const transparent = { data: new Uint8Array(16 * 16 * 4), width: 16, height: 16, channels: 4 as const };
  expect(await scorer.score(transparent)).toBeCloseTo(tinyScore({ r: 255, g: 255, b: 255 }), 4);
});

test('scoreBatch returns one outcome per input and a bad image never fails the batch', async () => {
  const good = await solid(32, 32, colours[2]!);
  const out = await scorer.scoreBatch([
    good,
    Buffer.from('not an image'),
    await hugeHeaderPng(100_000, 100_000),
    Buffer.alloc(0),
    join(dir, 'missing.jpg'),
    good,
  ]);
  expect(out.map((o) => o.error?.code ?? 'ok')).toEqual([
    'ok',
    'UNSUPPORTED_IMAGE',
    'IMAGE_TOO_LARGE',
    'INVALID_IMAGE',
    'DATA_NOT_FOUND',
    'ok',
  ]);
  expect(out[0]!.score).toBeCloseTo(tinyScore(colours[2]!), 4);
  expect(out[4]!.error!.message).toContain('missing.jpg');
  expect(out.every((o) => (o.score === undefined) !== (o.error === undefined))).toBe(true);
});

test('a bad image in score() rejects with an IqaError naming the file', async () => {
  const path = join(dir, 'text.jpg');
  writeFileSync(path, 'plain text');
  const err = await scorer.score(path).catch((e: unknown) => e);
  expect(isIqaError(err, 'UNSUPPORTED_IMAGE')).toBe(true);
  expect((err as Error).message).toContain('text.jpg');
});

test('concurrent score calls are merged into fewer session.run calls with the same results', async () => {
  // Raw pixels: no asynchronous decode, so all five calls queue in the same turn (deterministic merging).
  const images = colours.map((c) => {
    const data = new Uint8Array(48 * 40 * 3);
    for (let p = 0; p < 48 * 40; p++) data.set([c.r, c.g, c.b], p * 3);
    return { data, width: 48, height: 40, channels: 3 as const };
  });
  const separate = await createScorer(modelDir, { device: 'cpu', maxBatch: 1 });
  const merged = await createScorer(modelDir, { device: 'cpu', maxBatch: 8 });
  const a = await Promise.all(images.map((i) => separate.score(i)));
  const b = await Promise.all(images.map((i) => merged.score(i)));
  expect(b).toEqual(a);
  colours.forEach((c, i) => {
    expect(b[i]).toBeCloseTo(tinyScore(c), 4);
  });
  expect(separate.stats).toEqual({ runs: 5, images: 5 });
  expect(merged.stats.images).toBe(5);
  expect(merged.stats.runs).toBeLessThan(5);
  await Promise.all([separate.dispose(), merged.dispose()]);
});

test('full-image protocol: different sizes run separately and still score right', async () => {
  const full = await createScorer(fullDir, { device: 'cpu', maxBatch: 8 });
  const scores = await Promise.all(
    [solid(30, 20, colours[0]!), solid(200, 100, colours[1]!), solid(30, 20, colours[4]!)].map(async (p) =>
      full.score(await p),
    ),
  );
  expect(scores[0]).toBeCloseTo(tinyScore(colours[0]!), 3);
  expect(scores[1]).toBeCloseTo(tinyScore(colours[1]!), 3);
  expect(scores[2]).toBeCloseTo(tinyScore(colours[4]!), 3);
  await full.dispose();
});

test('crops and cropSeed score as a card with that count and seed; a full-image model refuses crops', async () => {
  // Left half red, right half blue: where the 16px crops fall changes the score.
  const w = 64;
  const h = 24;
  const data = new Uint8Array(w * h * 3).map(
    (_, i) => (Math.floor(i / 3) % w < w / 2 ? [255, 0, 0] : [0, 0, 255])[i % 3]!,
  );
  const image = { data, width: w, height: h, channels: 3 as const };
  const same = async (options: { crops?: number; cropSeed?: number }, protocol: { count: number; seed: number }) => {
    const ref = writeTinyModelDir(
      join(dir, `ref-${protocol.count}-${protocol.seed}`),
      createTinyModel({ kind: 'crops', size: 16, ...protocol }),
    );
    const [a, b] = [
      await createScorer(modelDir, { device: 'cpu', threads: 1, ...options }),
      await createScorer(ref, { device: 'cpu', threads: 1 }),
    ];
    const [sa, sb] = [await a.score(image), await b.score(image)];
    expect(a.card.input.protocol).toEqual({ kind: 'crops', count: 4, size: 16, seed: 3 });
    await Promise.all([a.dispose(), b.dispose()]);
    expect(sa).toBeCloseTo(sb, 5);
    return sa;
  };
  const one = await same({ crops: 1 }, { count: 1, seed: 3 });
  const reseeded = await same({ cropSeed: 11 }, { count: 4, seed: 11 });
  expect(new Set([one, reseeded, await scorer.score(image)]).size).toBeGreaterThan(1);
  await expect(createScorer(modelDir, { device: 'cpu', crops: 0 })).rejects.toThrow(RangeError);
  await expect(createScorer(fullDir, { device: 'cpu', crops: 4 })).rejects.toThrow('scores the whole image');
});

/**
 * Whether onnxruntime-node's CUDA provider starts here: the CUDA tests run on a GPU host, the fallback tests elsewhere,
 * and the other half is a visible skip.
 */
const cudaHere = await createScorer(modelDir, { device: 'cuda' }).then(
  async (s) => {
    await s.dispose();
    return true;
  },
  () => false,
);

(cudaHere ? describe.skip : describe)('devices on a host without CUDA', () => {
  test(
    "'auto' falls back to CPU without a warning, saying why in deviceReason; with verbose, exactly one " + 'warning',
    async () => {
      const warnings: string[] = [];
      const quietAuto = await createScorer(modelDir, { device: 'auto', onWarning: (m) => warnings.push(m) });
      expect({ device: quietAuto.device, warnings }).toEqual({ device: 'cpu', warnings: [] });
      expect(quietAuto.deviceReason).toMatch(/^CUDA is not available \(.+\); running on CPU/);
      await quietAuto.dispose();
      const s = await createScorer(modelDir, { device: 'auto', verbose: true, onWarning: (m) => warnings.push(m) });
      expect(s.device).toBe('cpu');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/CUDA is not available \(.+\); running on CPU/);
      expect(await s.score(await solid(20, 20, colours[0]!))).toBeCloseTo(tinyScore(colours[0]!), 4);
      await s.dispose();
    },
  );

  test("'cuda' without CUDA is DEVICE_UNAVAILABLE", async () => {
    await expect(createScorer(modelDir, { device: 'cuda', ...quiet })).rejects.toMatchObject({
      code: 'DEVICE_UNAVAILABLE',
      message: expect.stringContaining('docs/cuda.md'),
    });
  });
});

(cudaHere ? describe : describe.skip)('devices on a CUDA host', () => {
  test("'auto' and 'cuda' run on CUDA without a warning, and score as on CPU", async () => {
    const warnings: string[] = [];
    for (const device of ['auto', 'cuda'] as const) {
      const s = await createScorer(modelDir, { device, verbose: true, onWarning: (m) => warnings.push(m) });
      expect({ device: s.device, reason: s.deviceReason }).toEqual({
        device: 'cuda',
        reason: `device "${device}": CUDA started; ${threadsNow()}`,
      });
      expect(await s.score(await solid(20, 20, colours[0]!))).toBeCloseTo(tinyScore(colours[0]!), 3);
      await s.dispose();
    }
    expect(warnings).toEqual([]);
  });
});

test("'cpu' does not warn; bad names and numbers are RangeErrors", async () => {
  const warnings: string[] = [];
  const s = await createScorer(modelDir, { device: 'cpu', verbose: true, onWarning: (m) => warnings.push(m) });
  expect({ warnings, reason: s.deviceReason }).toEqual({
    warnings: [],
    reason: `device "cpu" asked for; ${threadsNow()}`,
  });
  await s.dispose();
  // Threads: one per core unless asked; 0 leaves the choice to onnxruntime.
  const one = await createScorer(modelDir, { device: 'cpu', threads: 1 });
  const ort = await createScorer(modelDir, { device: 'cpu', threads: 0 });
  expect([one.deviceReason, ort.deviceReason]).toEqual([
    'device "cpu" asked for; 1 intra-op thread',
    'device "cpu" asked for; intra-op threads chosen by onnxruntime',
  ]);
  await Promise.all([one.dispose(), ort.dispose()]);
  await expect(createScorer(modelDir, { device: 'gpu' as never })).rejects.toThrow(
    /Expected one of "auto", "cuda", "cpu" for device but received "gpu"/,
  );
  await expect(createScorer(modelDir, { device: 'cpu', threads: -1 })).rejects.toThrow(RangeError);
  await expect(createScorer(modelDir, { device: 'cpu', maxBatch: 0 })).rejects.toThrow(RangeError);
});

test("a card with smallImage 'reject' refuses images below its minimum with IMAGE_TOO_SMALL", async () => {
  const strict = writeTinyModelDir(
    join(dir, 'strict'),
    createTinyModel({ kind: 'crops', count: 2, size: 16, seed: 1 }, { id: 'strict', smallImage: 'reject' }),
  );
  const s = await createScorer(strict, { device: 'cpu' });
  const err = await s.score(await solid(10, 40, colours[0]!)).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'IMAGE_TOO_SMALL', message: expect.stringContaining('10x40') });
  expect(await s.score(await solid(16, 40, colours[0]!))).toBeCloseTo(tinyScore(colours[0]!), 4);
  await s.dispose();
});

test("dtype 'fp16' loads the card's onnxFp16 file", async () => {
  const fp32 = createTinyModel(undefined, { id: 'two-files' });
  const fp16 = createTinyModel(undefined, { id: 'two-files', bias: 0.5 });
  const folder = writeTinyModelDir(join(dir, 'two-files'), fp32);
  writeFileSync(join(folder, 'model_fp16.onnx'), fp16.onnx);
  const card = {
    ...fp32.card,
    files: { ...fp32.card.files, onnxFp16: { ...fp16.card.files.onnx, path: 'model_fp16.onnx' } },
  };
  writeFileSync(join(folder, 'card.json'), JSON.stringify(card));
  const png = await solid(20, 20, colours[1]!);
  const a = await createScorer(folder, { device: 'cpu', dtype: 'fp32' });
  const b = await createScorer(folder, { device: 'cpu', dtype: 'fp16' });
  expect(b.modelPath).toBe(join(folder, 'model_fp16.onnx'));
  expect((await b.score(png)) - (await a.score(png))).toBeCloseTo(50, 4);
  await Promise.all([a.dispose(), b.dispose()]);
});

test(
  "dtype 'q8' loads onnxQ8; preset 'fast' takes the card's presets.fast dtype and crops, and dtype/crops given " +
    'win',
  async () => {
    const fp32 = createTinyModel(undefined, { id: 'q8-files' });
    const q8 = createTinyModel(undefined, { id: 'q8-files', bias: 0.25 });
    const folder = writeTinyModelDir(join(dir, 'q8-files'), fp32);
    writeFileSync(join(folder, 'model_q8.onnx'), q8.onnx);
    const files = { ...fp32.card.files, onnxQ8: { ...q8.card.files.onnx, path: 'model_q8.onnx' } };
    writeFileSync(
      join(folder, 'card.json'),
      JSON.stringify({ ...fp32.card, files, presets: { fast: { crops: 2, dtype: 'q8', description: 'test' } } }),
    );
    const png = await solid(20, 20, colours[1]!);
    const open = (o: object) => createScorer(folder, { device: 'cpu', threads: 1, ...o });
    const [plain, q, fast, fastFp32] = [
      await open({}),
      await open({ dtype: 'q8' }),
      await open({ preset: 'fast' }),
      await open({ preset: 'fast', dtype: 'fp32' }),
    ];
    expect([plain.modelPath, q.modelPath, fast.modelPath, fastFp32.modelPath]).toEqual(
      ['model.onnx', 'model_q8.onnx', 'model_q8.onnx', 'model.onnx'].map((f) => join(folder, f)),
    );
    expect((await q.score(png)) - (await plain.score(png))).toBeCloseTo(25, 4);
    expect(await fast.score(png)).toBeCloseTo(await q.score(png), 4);
    await Promise.all([plain, q, fast, fastFp32].map((s) => s.dispose()));
    await expect(open({ preset: 'quick' as never })).rejects.toThrow(RangeError);
  },
);

test("preset 'fast' runs with the preset's threads unless the caller names them; else the card's", async () => {
  const tiny = createTinyModel(undefined, { id: 'preset-threads' });
  const folder = writeTinyModelDir(join(dir, 'preset-threads'), tiny);
  const card = { ...tiny.card, runtime: { threads: 2 }, presets: { fast: { threads: 1, description: 'test' } } };
  writeFileSync(join(folder, 'card.json'), JSON.stringify(card));
  const open = (o: object) => createScorer(folder, { device: 'cpu', ...o });
  const [fast, own, plain] = [
    await open({ preset: 'fast' }),
    await open({ preset: 'fast', threads: 3 }),
    await open({}),
  ];
  expect(fast.deviceReason).toMatch(/; 1 intra-op thread$/);
  expect(own.deviceReason).toMatch(/; 3 intra-op threads$/);
  expect(plain.deviceReason).toMatch(/; 2 intra-op threads$/);
  await Promise.all([fast, own, plain].map((s) => s.dispose()));
});

test('a disposed scorer refuses work', async () => {
  const s = await createScorer(modelDir, { device: 'cpu' });
  await s.dispose();
  await expect(s.score(await solid(8, 8, colours[0]!))).rejects.toThrow(/disposed/);
});
