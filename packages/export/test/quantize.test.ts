/**
 * Static int8 quantization (issue 22): a small MobileNetV2-shaped graph (Conv + ReLU6, depthwise,
 * projection, residual Add, avg/std pooling of a tap, Gemm head) and the vgg-tiny fixture (Conv +
 * Relu) are calibrated in onnxruntime-node and quantized to QDQ; onnxruntime fuses the groups into
 * QLinearConv / QLinearAdd, and the int8 outputs stay within the quantization tolerance of fp32.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { isIqaError } from '@iqa-zoo/core';
import {
  RangeCollector,
  activationParams,
  calibrateRanges,
  exportCommand,
  onnx,
  quantizePerChannel,
  quantizeQdq,
  tensorsToCalibrate,
  toModelProto,
} from '@iqa-zoo/export';
import { createFixtureModel, sha256Hex } from '../../../test/helpers/fixture-model.js';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { randomNchw } from './helpers/parity.js';

type Shape = [number, number, number, number];

/** Seeded weights in [-a, a). */
function weights(n: number, seed: number, a: number): Float32Array {
  return randomNchw([1, 1, 1, n], seed).map((v) => (2 * v - 1) * a);
}

const f = (name: string, dims: number[], data: Float32Array) => ({
  name,
  dims,
  dataType: 1,
  rawData: new Uint8Array(data.buffer),
});
const vi = (name: string, dims: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType: 1,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});
const conv = (name: string, x: string, group = 1, k = 1, pads = 0) => ({
  opType: 'Conv',
  name,
  input: [x, `${name}/W`, `${name}/B`],
  output: [name],
  attribute: [
    { name: 'group', type: 2, i: group },
    { name: 'kernel_shape', type: 7, ints: [k, k] },
    { name: 'pads', type: 7, ints: [pads, pads, pads, pads] },
  ],
});
const clip = (name: string, x: string) => ({ opType: 'Clip', name, input: [x, 'zero', 'six'], output: [name] });

/**
 * stem 3->8 3x3 + ReLU6, depthwise 3x3 + ReLU6, project 1x1, Add(stem, project) = tap; avg + std pooling of the tap ->
 * Gemm.
 */
function mobileLike(): OnnxTypes.IModelProto {
  const c = 8;
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'mobile-like',
      node: [
        conv('stem', 'image', 1, 3, 1),
        clip('stem_relu', 'stem'),
        conv('dw', 'stem_relu', c, 3, 1),
        clip('dw_relu', 'dw'),
        conv('project', 'dw_relu'),
        { opType: 'Add', name: 'tap', input: ['stem_relu', 'project'], output: ['tap'] },
        {
          opType: 'ReduceMean',
          name: 'avg',
          input: ['tap'],
          output: ['avg'],
          attribute: [
            { name: 'axes', type: 7, ints: [2, 3] },
            { name: 'keepdims', type: 2, i: 0 },
          ],
        },
        {
          opType: 'ReduceMean',
          name: 'mean',
          input: ['tap'],
          output: ['mean'],
          attribute: [
            { name: 'axes', type: 7, ints: [2, 3] },
            { name: 'keepdims', type: 2, i: 1 },
          ],
        },
        { opType: 'Sub', name: 'centred', input: ['tap', 'mean'], output: ['centred'] },
        { opType: 'Mul', name: 'sq', input: ['centred', 'centred'], output: ['sq'] },
        {
          opType: 'ReduceMean',
          name: 'var',
          input: ['sq'],
          output: ['var'],
          attribute: [
            { name: 'axes', type: 7, ints: [2, 3] },
            { name: 'keepdims', type: 2, i: 0 },
          ],
        },
        { opType: 'Sqrt', name: 'std', input: ['var'], output: ['std'] },
        {
          opType: 'Concat',
          name: 'features',
          input: ['avg', 'std'],
          output: ['features'],
          attribute: [{ name: 'axis', type: 2, i: 1 }],
        },
        { opType: 'Gemm', name: 'score', input: ['features', 'head/W', 'head/B'], output: ['score'] },
      ],
      initializer: [
        f('stem/W', [c, 3, 3, 3], weights(c * 27, 1, 0.5)),
        f('stem/B', [c], weights(c, 2, 0.1)),
        f('dw/W', [c, 1, 3, 3], weights(c * 9, 3, 0.6)),
        f('dw/B', [c], weights(c, 4, 0.1)),
        f('project/W', [c, c, 1, 1], weights(c * c, 5, 0.5)),
        f('project/B', [c], weights(c, 6, 0.1)),
        f('head/W', [2 * c, 1], weights(2 * c, 7, 1)),
        f('head/B', [1], Float32Array.of(0.5)),
        f('zero', [], Float32Array.of(0)),
        f('six', [], Float32Array.of(6)),
      ],
      input: [vi('image', ['N', 3, 'H', 'W'])],
      output: [vi('score', ['N', 1])],
    },
  };
}

const encode = (m: OnnxTypes.IModelProto) => onnx.ModelProto.encode(onnx.ModelProto.fromObject(m)).finish();

/** Outputs of `model` on `data`, and the op types onnxruntime runs after its graph optimisations. */
async function run(
  model: Uint8Array,
  data: Float32Array,
  shape: Shape,
  dir: string,
): Promise<{ out: Float32Array; ops: Set<string> }> {
  const optimized = path.join(dir, `optimized-${Math.random().toString(36).slice(2)}.onnx`);
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all',
    optimizedModelFilePath: optimized,
    intraOpNumThreads: 1,
    logSeverityLevel: 3,
  });
  const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, shape) });
  await session.release();
  const ops = new Set(onnx.ModelProto.decode(await fs.readFile(optimized)).graph!.node!.map((n) => n.opType!));
  return { out: result[session.outputNames[0]!]!.data as Float32Array, ops };
}

/**
 * The q8 tolerance: the largest |q8 - fp32| at most 8% of the spread of the fp32 outputs over the
 * batch (measured: 5.5% for the MobileNetV2-shaped graph, 3.1% for vgg-tiny, random weights and
 * inputs). A wrong scale, zero point or channel axis moves the outputs by more than their spread.
 */
const Q8_TOLERANCE = 0.08;

/** Largest |q8 - fp32| as a share of the fp32 outputs' spread. */
function relativeError(q8: Float32Array, fp32: Float32Array): number {
  const spread = Math.max(...fp32) - Math.min(...fp32);
  return Math.max(...q8.map((v, i) => Math.abs(v - fp32[i]!))) / spread;
}

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'iqa-quantize-'));
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

test('weights: int8 per output channel, symmetric, the largest magnitude at +-127', () => {
  const { q, scales } = quantizePerChannel(Float32Array.of(0.5, -1, 2, 4), 2);
  expect(Array.from(q)).toEqual([64, -127, 64, 127]);
  expect(scales[0]).toBeCloseTo(1 / 127, 7);
  expect(scales[1]).toBeCloseTo(4 / 127, 7);
  expect(() => quantizePerChannel(new Float32Array(5), 2)).toThrow(RangeError);
});

test('activations: 0 is exact, the range spans 255 steps; int8 shifts the zero point by 128', () => {
  expect(activationParams([0, 6], 'uint8')).toEqual({ scale: 6 / 255, zeroPoint: 0 });
  const p = activationParams([-1, 3], 'uint8');
  expect(p.scale).toBeCloseTo(4 / 255, 9);
  expect(p.zeroPoint).toBe(64);
  expect(activationParams([-1, 3], 'int8').zeroPoint).toBe(-64);
  expect(activationParams([0.5, 2], 'uint8')).toEqual({ scale: 2 / 255, zeroPoint: 0 });
  expect(() => activationParams([2, 1], 'uint8')).toThrow(RangeError);
});

test('RangeCollector: minmax keeps the extremes, mean-minmax averages each run', () => {
  const minmax = new RangeCollector('minmax');
  const mean = new RangeCollector('mean-minmax');
  for (const c of [minmax, mean]) {
    c.observe('t', Float32Array.of(-1, 2));
    c.observe('t', Float32Array.of(0, 6));
  }
  expect(minmax.ranges().get('t')).toEqual([-1, 6]);
  expect(mean.ranges().get('t')).toEqual([-0.5, 4]);
  expect(() => minmax.observe('t', Float32Array.of(Number.NaN))).toThrow(/finite/);
});

test(
  'a MobileNetV2-shaped graph: every Conv fused to QLinearConv, the taps pooled in float, within the q8 ' + 'tolerance',
  async () => {
    const model = mobileLike();
    const shape: Shape = [6, 3, 24, 20];
    const calibration = randomNchw([16, 3, 24, 20], 11);
    const ranges = await calibrateRanges(model, [{ data: calibration, dims: [16, 3, 24, 20] }], { threads: 1 });
    expect([...ranges.keys()].sort()).toEqual(tensorsToCalibrate(model.graph!).sort());
    expect(ranges.get('image')![0]).toBeGreaterThanOrEqual(0);
    const q8 = quantizeQdq(model, ranges);
    const nodes = q8.graph!.node!;
    expect(nodes.filter((n) => n.opType === 'Clip')).toHaveLength(0);
    const init = new Map(q8.graph!.initializer!.map((t) => [t.name!, t]));
    expect(init.get('dw/W_q')).toMatchObject({ dataType: 3, dims: [8, 1, 3, 3] });
    expect(init.get('dw/W_scale')!.dims).toEqual([8]);
    expect(init.get('dw/B_q')).toMatchObject({ dataType: 6, dims: [8] });
    expect(init.has('dw/W')).toBe(false);
    // The pooling reads the float tap; the convs read its dequantized copy.
    expect(nodes.find((n) => n.name === 'avg')!.input).toEqual(['tap']);
    expect(nodes.find((n) => n.name === 'tap')!.input).toEqual(['stem_relu/dq', 'project/dq']);

    const data = randomNchw(shape, 12);
    const fp32 = await run(encode(model), data, shape, tmp);
    const int8 = await run(encode(q8), data, shape, tmp);
    expect([...int8.ops]).toEqual(expect.arrayContaining(['QLinearConv']));
    expect([...int8.ops]).not.toContain('Conv');
    const err = relativeError(int8.out, fp32.out);
    expect(err).toBeLessThan(Q8_TOLERANCE);
    expect(err).toBeGreaterThan(0); // it did run in int8
  },
);

test(
  'the vgg-tiny fixture (Conv + Relu, MaxPool): every Conv fused to QLinearConv, within the q8 ' + 'tolerance',
  async () => {
    const { model: tfModel } = await createFixtureModel({ seed: 5 });
    const model = toModelProto(tfModel);
    const shape: Shape = [8, 3, 32, 32];
    const ranges = await calibrateRanges(model, [{ data: randomNchw([24, 3, 32, 32], 3), dims: [24, 3, 32, 32] }], {
      threads: 1,
      maxRows: 5,
    });
    const q8 = encode(quantizeQdq(model, ranges));
    const data = randomNchw(shape, 4);
    const fp32 = await run(encode(model), data, shape, tmp);
    const int8 = await run(q8, data, shape, tmp);
    expect([...int8.ops]).toContain('QLinearConv');
    expect([...int8.ops]).not.toContain('Conv');
    expect(relativeError(int8.out, fp32.out)).toBeLessThan(Q8_TOLERANCE);
  },
);

test('a tensor without a calibrated range is EXPORT_INVALID naming it; opset 12 is a RangeError', () => {
  const model = mobileLike();
  let err: unknown;
  try {
    quantizeQdq(model, new Map([['image', [0, 1]]]));
  } catch (e) {
    err = e;
  }
  expect(isIqaError(err, 'EXPORT_INVALID')).toBe(true);
  expect((err as Error).message).toMatch(
    /^Expected a calibrated range for tensor "(stem_relu|dw_relu|stem|project|tap)"/,
  );
  expect(() => quantizeQdq({ ...model, opsetImport: [{ domain: '', version: 12 }] }, new Map())).toThrow(RangeError);
});

test(
  'iqa export --out DIR --quantize q8 --calibration IMAGES adds model_q8.onnx to the export and its ' + 'card',
  async () => {
    const { onnx: bytes, card } = await createFixtureModel({ seed: 6 });
    const out = path.join(tmp, 'model');
    const images = path.join(tmp, 'photos');
    await fs.mkdir(out, { recursive: true });
    await fs.mkdir(images, { recursive: true });
    await fs.writeFile(path.join(out, 'model.onnx'), bytes);
    await fs.writeFile(path.join(out, 'card.json'), JSON.stringify(card));
    for (let i = 0; i < 3; i++) {
      const raw = Buffer.from(randomNchw([1, 3, 40, 48], 30 + i).map((v) => Math.floor(v * 255)));
      await sharp(raw, { raw: { width: 48, height: 40, channels: 3 } })
        .png()
        .toFile(path.join(images, `p${i}.png`));
    }
    await fs.writeFile(path.join(images, 'notes.txt'), 'not an image');
    const err: string[] = [];
    const code = await exportCommand(
      ['--out', out, '--quantize', 'q8', '--calibration', images, '--calibration-crops', '2'],
      { out: () => {}, err: (s) => err.push(s) },
    );
    expect({ code, err: err.filter((l) => !l.includes('calibrated on')) }).toEqual({ code: 0, err: [] });
    const written = JSON.parse(await fs.readFile(path.join(out, 'card.json'), 'utf8'));
    const q8 = await fs.readFile(path.join(out, 'model_q8.onnx'));
    expect(written.files.onnxQ8).toEqual({ path: 'model_q8.onnx', sha256: sha256Hex(q8), bytes: q8.length });
    expect(written.files.onnx).toEqual(card.files.onnx);
    expect(written.training.data.at(-1)).toMatchObject({ role: 'calibration', images: 3 });
    expect(written.training.commands.at(-1)).toBe(
      `iqa export --out ${out} --quantize q8 --calibration ${images} --calibration-crops 2`,
    );
    const session = await ort.InferenceSession.create(q8);
    expect(session.inputNames).toEqual([card.input.name]);
    await session.release();

    const usage = async (...argv: string[]) => {
      const e: string[] = [];
      return { code: await exportCommand(argv, { out: () => {}, err: (s) => e.push(s) }), err: e.join('') };
    };
    expect(await usage('--out', out, '--quantize', 'q4', '--calibration', images)).toMatchObject({
      code: 2,
      err: expect.stringContaining('Expected q8 for --quantize but received "q4"'),
    });
    expect(await usage('--out', out, '--quantize', 'q8')).toMatchObject({
      code: 2,
      err: expect.stringContaining('missing --calibration IMAGES'),
    });
    expect(await usage('--out', out, '--calibration', images, '--from', 'x')).toMatchObject({
      code: 2,
      err: expect.stringContaining('only with --quantize q8'),
    });
    expect(await usage('--out', path.join(tmp, 'empty'), '--quantize', 'q8', '--calibration', images)).toMatchObject({
      code: 1,
      err: expect.stringContaining('[MODEL_NOT_FOUND]'),
    });
    expect(await usage('--out', out, '--quantize', 'q8', '--calibration', path.join(tmp, 'nothing'))).toMatchObject({
      code: 1,
      err: expect.stringContaining('[DATA_NOT_FOUND]'),
    });
  },
);
