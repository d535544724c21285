/**
 * Parity for every registered network (issue 3): random inputs of several sizes and batch sizes
 * give the same outputs in tfjs (wasm backend, cpu if wasm cannot start) and in
 * onnxruntime-node within 1e-4 (absolute or relative). The exported graphs have no Transpose and
 * no BatchNormalization left (all folded). `inceptionv3-ml`/`-sl` run only when
 * IQA_TEST_INCEPTION=1: loading nsfwjs' 22M InceptionV3 weights takes minutes on a shared 2-core
 * machine, too slow for every run. A network that predicts a score distribution (NIMA) is built with its own
 * head (average pooling) and exported with its second output, `std`; both outputs are compared. A patch network with
 * patch weights (WaDIQaM-NR) is exported with its second output, `weight`.
 */
import type * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { getNetwork, initTfBackend, listNetworks } from '@iqa-zoo/train';
import { onnx, toModelProto } from '@iqa-zoo/export';
import { mismatches, randomNchw, runTfjsOutputs } from './helpers/parity.js';

type Shape = [number, number, number, number];
const SHAPES: Shape[] = [
  [1, 3, 32, 32],
  [3, 3, 48, 40],
  [1, 3, 64, 64],
];
/** vgg16 in tfjs is slow on large inputs: two small shapes keep the test in seconds. */
const LARGE_NETWORKS = new Set(['vgg16-ml', 'vgg16-sl']);
/** InceptionV3 needs inputs of at least 75 px. */
const INCEPTION_SHAPES: Shape[] = [
  [1, 3, 80, 80],
  [2, 3, 99, 120],
];
const OPT_IN = new Set(['inceptionv3-ml', 'inceptionv3-sl']);
/** Patch networks take one fixed-size patch per batch item (CNNIQA: [N, 1, 32, 32]; (Wa)DIQaM-NR: [N, 3, 32, 32]). */
const PATCH_SHAPES: Record<string, Shape[]> = {
  cnniqa: [
    [1, 1, 32, 32],
    [7, 1, 32, 32],
  ],
  'wadiqam-nr': [
    [1, 3, 32, 32],
    [5, 3, 32, 32],
  ],
  'diqam-nr': [
    [1, 3, 32, 32],
    [4, 3, 32, 32],
  ],
};
const RUN_OPT_IN = process.env.IQA_TEST_INCEPTION === '1';

test('the opt-in networks are registered', () => {
  expect(listNetworks()).toEqual(expect.arrayContaining([...OPT_IN]));
});

beforeAll(async () => {
  // Jest's global structuredClone is the outer realm's: its arrays fail tfjs' `instanceof Array`
  // when the nsfwjs topology is cloned (packages/train's loader); clone within this realm instead.
  globalThis.structuredClone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  await initTfBackend({ backend: 'wasm' }).catch(() => initTfBackend({ backend: 'cpu' }));
});

// Every registered network; the opt-in ones are a visible skip, named with how to run them, unless
// IQA_TEST_INCEPTION=1.
for (const name of listNetworks()) {
  const optedOut = OPT_IN.has(name) && !RUN_OPT_IN;
  (optedOut ? describe.skip : describe)(optedOut ? `${name} (opt-in: IQA_TEST_INCEPTION=1)` : name, () => {
    let model: tf.LayersModel;
    let proto: ReturnType<typeof toModelProto>;
    let session: ort.InferenceSession;

    beforeAll(
      async () => {
        const distribution = getNetwork(name).distribution !== undefined;
        model = await getNetwork(name).build({ seed: 5, pooling: distribution ? ['avg'] : ['avg', 'std'] });
        const second = distribution ? 'std' : getNetwork(name).patchWeight ? 'weight' : undefined;
        proto = toModelProto(model, { extraOutputNames: second ? [second] : [] });
        session = await ort.InferenceSession.create(onnx.ModelProto.encode(proto).finish());
      },
      OPT_IN.has(name) ? 900_000 : undefined,
    );

    afterAll(async () => {
      await session?.release();
      model?.dispose();
    });

    test('exports without Transpose or BatchNormalization nodes, with a dynamic NCHW input', () => {
      const ops = proto.graph!.node!.map((n) => n.opType);
      expect(ops.filter((op) => op === 'Transpose' || op === 'BatchNormalization')).toEqual([]);
      const dims = proto.graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
      const patch = PATCH_SHAPES[name]?.[0];
      expect(dims).toEqual(patch ? ['batch', ...patch.slice(1)] : ['batch', 3, 'height', 'width']);
    });

    const shapes =
      PATCH_SHAPES[name] ??
      (OPT_IN.has(name) ? INCEPTION_SHAPES : LARGE_NETWORKS.has(name) ? SHAPES.slice(0, 2) : SHAPES);
    test.each(shapes)('tfjs and onnxruntime-node agree on [%i, %i, %i, %i]', async (...shape) => {
      const data = randomNchw(shape, shape[0] * 1000 + shape[2] + shape[3]);
      const expected = runTfjsOutputs(model, data, shape);
      const out = await session.run({ image: new ort.Tensor('float32', data, shape) });
      const second = getNetwork(name).patchWeight ? 'weight' : 'std';
      const names = model.outputs.length > 1 ? ['score', second] : ['score'];
      expect(expected.length).toBe(names.length);
      names.forEach((output, i) => {
        expect(out[output]!.dims).toEqual([shape[0], 1]);
        expect(expected[i]!.every(Number.isFinite)).toBe(true);
        expect(mismatches(out[output]!.data as Float32Array, expected[i]!)).toEqual([]);
      });
    });
  });
}
