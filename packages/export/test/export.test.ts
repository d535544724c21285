/**
 * The exporter's contract: errors, options, metadata, producer, folding, fp16 and custom converters.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { CARD_METADATA_KEY, IqaError } from '@iqa-zoo/core';
import { getNetwork } from '@iqa-zoo/train';
import {
  PRODUCER_VERSION,
  exportOnnx,
  onnx,
  readOnnxCard,
  readOnnxMetadata,
  withOnnxCard,
  registerConverter,
  supportedLayers,
  toHalfBits,
  toModelProto,
} from '@iqa-zoo/export';
import { mismatches, randomNchw, runTfjs } from './helpers/parity.js';

const SHAPE: [number, number, number, number] = [2, 3, 32, 40];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function tinyNet(body: (x: tf.SymbolicTensor) => tf.SymbolicTensor): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 3], name: 'image' });
  return tf.model({ inputs: input, outputs: body(input) });
}

async function runOnnx(bytes: Uint8Array, data: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ image: new ort.Tensor('float32', data, shape) });
  await session.release();
  return out.score!.data as Float32Array;
}

describe('unsupported layers', () => {
  test('fail with the layer name, its class and the supported classes', () => {
    const model = tinyNet(
      (x) => tf.layers.upSampling2d({ size: [2, 2], name: 'my_upsample' }).apply(x) as tf.SymbolicTensor,
    );
    let error: unknown;
    try {
      toModelProto(model);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IqaError);
    expect((error as IqaError).code).toBe('UNSUPPORTED_LAYER');
    const message = (error as IqaError).message;
    expect(message).toContain('"my_upsample"');
    expect(message).toContain('UpSampling2D');
    expect(message).toContain(supportedLayers().join(', '));
    expect(supportedLayers()).toEqual(
      expect.arrayContaining([
        'Conv2D',
        'DepthwiseConv2D',
        'BatchNormalization',
        'GlobalStdPooling2D',
        'Dense',
        'Dropout',
      ]),
    );
  });

  test('a converter registered for a custom class is used', async () => {
    class TimesThree extends tf.layers.Layer {
      static className = 'TimesThree';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.mul(Array.isArray(inputs) ? inputs[0]! : inputs, 3);
      }
    }
    tf.serialization.registerClass(TimesThree);
    registerConverter('TimesThree', (ctx) => ({
      ...ctx.inputs[0]!,
      name: ctx.graph.add('Mul', [ctx.inputs[0]!.name, ctx.graph.scalar('three', 3)], ctx.layer.name),
    }));
    const model = tinyNet(
      (x) => tf.layers.globalAveragePooling2d({}).apply(new TimesThree({}).apply(x)) as tf.SymbolicTensor,
    );
    const data = randomNchw(SHAPE, 4);
    expect(mismatches(await runOnnx(await exportOnnx(model), data, SHAPE), runTfjs(model, data, SHAPE))).toEqual([]);
  });
});

describe('options', () => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = tinyNet((x) => tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor);
  });

  test('bad options are rejected with the allowed values', () => {
    expect(() => toModelProto(model, { opset: 18 })).toThrow(
      /Expected one of 13, 14, 15, 16, 17 for opset but received 18/,
    );
    expect(() => toModelProto(model, { inputName: '' })).toThrow(TypeError);
    expect(() => toModelProto(model, { inputName: 'x', outputName: 'x' })).toThrow(RangeError);
  });

  test('input and output names, opset, IR version and producer are written', () => {
    const proto = toModelProto(model, { inputName: 'pixels', outputName: 'quality', opset: 13 });
    expect(proto.graph!.input![0]!.name).toBe('pixels');
    expect(proto.graph!.output![0]!.name).toBe('quality');
    expect(proto.opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    expect(Number(proto.irVersion)).toBe(8);
    expect(proto.producerName).toBe('iqa-zoo');
    expect(proto.producerVersion).toBe(PRODUCER_VERSION);
  });

  test('the producer version is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PRODUCER_VERSION).toBe(pkg.version);
  });

  test('models with several outputs are refused', () => {
    const input = tf.input({ shape: [null, null, 3] });
    const two = tf.model({
      inputs: input,
      outputs: [
        tf.layers.globalAveragePooling2d({}).apply(input),
        tf.layers.globalMaxPooling2d({}).apply(input),
      ] as tf.SymbolicTensor[],
    });
    expect(() => toModelProto(two)).toThrow(expect.objectContaining({ code: 'EXPORT_INVALID' }));
  });
});

describe('model card metadata', () => {
  test('is stored without files and read back, with dynamic NCHW input and [N, 1] output', async () => {
    const model = await getNetwork('vgg-tiny-ml').build({ seed: 2 });
    const card = { id: 'm', files: { onnx: { path: 'model.onnx', sha256: 'x', bytes: 1 } }, output: { name: 'score' } };
    const bytes = await exportOnnx(model, { card });
    const meta = readOnnxMetadata(bytes);
    expect(Object.keys(meta)).toEqual([CARD_METADATA_KEY]);
    expect(JSON.parse(meta[CARD_METADATA_KEY]!)).toEqual({ id: 'm', output: { name: 'score' } });
    expect(readOnnxCard(bytes)).toEqual({ id: 'm', output: { name: 'score' } });
    const graph = onnx.ModelProto.decode(bytes).graph!;
    const dims = (v: {
      type?: {
        tensorType?: { shape?: { dim?: Array<{ dimParam?: string | null; dimValue?: unknown }> | null } | null } | null;
      } | null;
    }) => v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims(graph.input![0]!)).toEqual(['batch', 3, 'height', 'width']);
    expect(dims(graph.output![0]!)).toEqual(['batch', 1]);
    expect(readOnnxMetadata(await exportOnnx(model))).toEqual({});
  });

  test('withOnnxCard replaces the card and keeps the graph and other metadata byte for byte', async () => {
    const model = await getNetwork('vgg-tiny-ml').build({ seed: 2 });
    const bytes = await exportOnnx(model, { card: { id: 'm', version: '1.0.0' } });
    const proto = onnx.ModelProto.decode(bytes);
    proto.metadataProps!.push({ key: 'other', value: 'kept' });
    const withOther = onnx.ModelProto.encode(proto).finish();
    const edited = withOnnxCard(withOther, { id: 'm', version: '1.1.0', files: { onnx: { path: 'model.onnx' } } });
    expect(readOnnxMetadata(edited)).toEqual({
      other: 'kept',
      [CARD_METADATA_KEY]: JSON.stringify({ id: 'm', version: '1.1.0' }),
    });
    const after = onnx.ModelProto.decode(edited);
    expect(onnx.GraphProto.encode(after.graph!).finish()).toEqual(onnx.GraphProto.encode(proto.graph!).finish());
    expect(after.opsetImport).toEqual(proto.opsetImport);
    expect(readOnnxCard(withOnnxCard(edited, { id: 'm', version: '1.2.0' }))).toEqual({ id: 'm', version: '1.2.0' });
    expect(() => withOnnxCard('abc' as never, {})).toThrow(TypeError);
  });

  test('bad bytes are rejected', () => {
    expect(() => readOnnxMetadata('abc' as never)).toThrow(TypeError);
    expect(() => readOnnxMetadata(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f))).toThrow(RangeError);
  });
});

describe('BatchNormalization folding', () => {
  const build = (): tf.LayersModel =>
    tinyNet((x) => {
      let y = tf.layers
        .conv2d({
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          useBias: false,
          kernelInitializer: tf.initializers.randomUniform({ seed: 1 }),
        })
        .apply(x);
      y = tf.layers
        .batchNormalization({
          movingMeanInitializer: tf.initializers.randomUniform({ seed: 2 }),
          movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 3 }),
        })
        .apply(y);
      y = tf.layers.reLU({ maxValue: 6 }).apply(y);
      return tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
    });

  test('removes the BatchNormalization node and keeps the outputs', async () => {
    const model = build();
    const folded = toModelProto(model);
    const unfolded = toModelProto(model, { fold: false });
    expect(folded.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'Clip', 'ReduceMean']);
    expect(unfolded.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Clip', 'ReduceMean']);
    const data = randomNchw(SHAPE, 9);
    const expected = runTfjs(model, data, SHAPE);
    for (const proto of [folded, unfolded]) {
      expect(mismatches(await runOnnx(onnx.ModelProto.encode(proto).finish(), data, SHAPE), expected)).toEqual([]);
    }
  });
});

describe('zero padding folding', () => {
  test('folds into the next Conv but not into a max pool, keeping the outputs', async () => {
    const model = tinyNet((x) => {
      let y = tf.layers
        .zeroPadding2d({
          padding: [
            [1, 0],
            [2, 1],
          ],
        })
        .apply(x);
      y = tf.layers
        .conv2d({
          filters: 4,
          kernelSize: 3,
          strides: 2,
          kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 4 }),
        })
        .apply(y);
      y = tf.layers.zeroPadding2d({ padding: 1 }).apply(y);
      y = tf.layers.maxPooling2d({ poolSize: 2 }).apply(y);
      return tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor;
    });
    const folded = toModelProto(model);
    expect(folded.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'Pad', 'MaxPool', 'ReduceMean']);
    expect(toModelProto(model, { fold: false }).graph!.node!.map((n) => n.opType)).toEqual([
      'Pad',
      'Conv',
      'Pad',
      'MaxPool',
      'ReduceMean',
    ]);
    const data = randomNchw(SHAPE, 12);
    const expected = runTfjs(model, data, SHAPE);
    expect(
      mismatches(
        await runOnnx(onnx.ModelProto.encode(toModelProto(model, { fold: false })).finish(), data, SHAPE),
        expected,
      ),
    ).toEqual([]);
    expect(mismatches(await runOnnx(onnx.ModelProto.encode(folded).finish(), data, SHAPE), expected)).toEqual([]);
  });
});

describe('fp16 variant', () => {
  test('stores float16 weights, keeps float32 input and output, and scores close to fp32', async () => {
    const model = await getNetwork('vgg-tiny-ml').build({ seed: 3, pooling: ['avg', 'std'] });
    const fp32 = await exportOnnx(model);
    const fp16 = await exportOnnx(model, { fp16: true });
    const graph = onnx.ModelProto.decode(fp16).graph!;
    const floatInits = graph.initializer!.filter((t) => t.dataType === 1 || t.dataType === 10);
    expect(floatInits.length).toBeGreaterThan(0);
    expect(floatInits.every((t) => t.dataType === 10)).toBe(true);
    expect(graph.input![0]!.type!.tensorType!.elemType).toBe(1);
    expect(graph.output![0]!.type!.tensorType!.elemType).toBe(1);
    const weightBytes = (bytes: Uint8Array): number =>
      onnx.ModelProto.decode(bytes)
        .graph!.initializer!.filter((t) => t.dataType === 1 || t.dataType === 10)
        .reduce((sum, t) => sum + t.rawData!.length, 0);
    expect(weightBytes(fp16) * 2).toBe(weightBytes(fp32));
    expect(fp16.byteLength).toBeLessThan(fp32.byteLength);
    const data = randomNchw(SHAPE, 5);
    const a = await runOnnx(fp32, data, SHAPE);
    const b = await runOnnx(fp16, data, SHAPE);
    expect(mismatches(b, a, 1e-2)).toEqual([]);
  });

  test('toHalfBits rounds like IEEE 754 binary16', () => {
    expect([1, -2, 0.1, 65504, 70000, 1e-8, 6e-8, 0, -0, Infinity].map(toHalfBits)).toEqual([
      0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x0000, 0x8000, 0x7c00,
    ]);
    expect(toHalfBits(NaN) & 0x7c00).toBe(0x7c00);
    expect(toHalfBits(NaN) & 0x3ff).not.toBe(0);
  });
});
