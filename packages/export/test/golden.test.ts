/**
 * Per-converter golden tests: each test/golden/<case>.json holds a tiny model (topology with the
 * layer config, weights), an input and the output tfjs computed for it. The exported ONNX model
 * must give that output in onnxruntime-node within 1e-4. `UPDATE_GOLDEN=1` regenerates the files.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import '@iqa-zoo/train';
import { exportOnnx, toModelProto } from '@iqa-zoo/export';
import { GOLDEN_CASES, type GoldenCase } from './golden/cases.js';
import { mismatches, nhwcToNchw } from './helpers/parity.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

interface GoldenFile {
  name: string;
  layer: string;
  config: Record<string, unknown>;
  modelTopology: object;
  weights: Array<{ name: string; shape: number[]; values: number[] }>;
  inputShape: number[];
  input: number[];
  outputShape: number[];
  output: number[];
}

function seededInput(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => Float32Array.from(tf.randomUniform([n], -8, 8, 'float32', seed).dataSync()));
}

async function makeGolden(c: GoldenCase, seed: number): Promise<GoldenFile> {
  const model = c.build();
  let topology: object = {};
  let specs: tf.io.WeightsManifestEntry[] = [];
  let data = new Float32Array(0);
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      topology = a.modelTopology as object;
      specs = a.weightSpecs!;
      data = new Float32Array(a.weightData as ArrayBuffer);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  let offset = 0;
  const weights = specs.map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const values = Array.from(data.subarray(offset, offset + size));
    offset += size;
    return { name: s.name, shape: s.shape, values };
  });
  const input = seededInput(c.inputShape, seed);
  const output = tf.tidy(() => model.predict(tf.tensor(input, c.inputShape)) as tf.Tensor);
  const layer = model.layers.find((l) => l.getClassName() === c.layer);
  if (!layer) throw new Error(`case ${c.name} has no ${c.layer} layer`);
  const file: GoldenFile = {
    name: c.name,
    layer: c.layer,
    config: layer.getConfig() as Record<string, unknown>,
    modelTopology: topology,
    weights,
    inputShape: c.inputShape,
    input: Array.from(input),
    outputShape: output.shape,
    output: Array.from(output.dataSync()),
  };
  output.dispose();
  model.dispose();
  return file;
}

async function loadGolden(file: GoldenFile): Promise<tf.LayersModel> {
  const weightData = Float32Array.from(file.weights.flatMap((w) => w.values)).buffer;
  const weightSpecs = file.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' as const }));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: file.modelTopology, weightSpecs, weightData }));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  if (process.env.UPDATE_GOLDEN === '1') {
    for (const [i, c] of GOLDEN_CASES.entries()) {
      await fs.writeFile(path.join(DIR, `${c.name}.json`), `${JSON.stringify(await makeGolden(c, 1000 + i))}\n`);
    }
  }
});

test('every golden case has a data file', async () => {
  const files = (await fs.readdir(DIR)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  expect(files.sort()).toEqual(GOLDEN_CASES.map((c) => c.name).sort());
});

describe.each(GOLDEN_CASES.map((c) => c.name))('golden %s', (name) => {
  test('onnxruntime-node reproduces the stored tfjs output within 1e-4', async () => {
    const file = JSON.parse(await fs.readFile(path.join(DIR, `${name}.json`), 'utf8')) as GoldenFile;
    const model = await loadGolden(file);
    // The stored output is tfjs's: the file still describes the model it claims to.
    const again = tf.tidy(() =>
      Float32Array.from((model.predict(tf.tensor(file.input, file.inputShape)) as tf.Tensor).dataSync()),
    );
    expect(mismatches(again, file.output, 1e-5)).toEqual([]);

    const [n, h, w, c] = file.inputShape as [number, number, number, number];
    const session = await ort.InferenceSession.create(await exportOnnx(model));
    const nchw = nhwcToNchw(Float32Array.from(file.input), file.inputShape);
    const result = await session.run({ image: new ort.Tensor('float32', nchw, [n, c, h, w]) });
    const expected =
      file.outputShape.length === 4
        ? nhwcToNchw(Float32Array.from(file.output), file.outputShape)
        : Float32Array.from(file.output);
    const dims =
      file.outputShape.length === 4
        ? [file.outputShape[0], file.outputShape[3], file.outputShape[1], file.outputShape[2]]
        : file.outputShape;
    expect(result.score!.dims).toEqual(dims);
    expect(mismatches(result.score!.data as Float32Array, expected)).toEqual([]);
    // No per-layer Transpose: only Flatten/Reshape may need one.
    const transposes = toModelProto(model).graph!.node!.filter((nd) => nd.opType === 'Transpose').length;
    const reorders = model.layers.some((l) => ['Flatten', 'Reshape'].includes(l.getClassName()));
    expect(transposes).toBe(reorders ? 1 : 0);
    await session.release();
    model.dispose();
  });
});
