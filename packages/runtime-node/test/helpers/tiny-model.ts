/**
 * A tiny hand-built ONNX scorer for runtime-node tests (no training needed):
 * score = mean over pixels of (wR*R + wG*G + wB*B) + b, via GlobalAveragePool -> Flatten -> MatMul -> Add.
 * Input `[N,3,H,W]` with dynamic N, H, W; the card travels in `metadata_props` unless `embedCard` is false.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { CARD_METADATA_KEY, type ModelCard, type TestProtocol } from '@iqa-zoo/core';

const { onnx } = onnxProto;

export interface TinyModel {
  onnx: Uint8Array;
  card: ModelCard;
  weights: [number, number, number];
  bias: number;
}

function floatInit(name: string, dims: number[], values: number[]): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The card of the tiny model (files filled from `onnx` bytes when given). */
export function tinyCard(
  protocol: TestProtocol,
  onnxBytes?: Uint8Array,
  id = 'tiny-test',
  smallImage: 'upscale' | 'reject' = 'upscale',
): ModelCard {
  const card: Omit<ModelCard, 'files'> & { files?: ModelCard['files'] } = {
    schemaVersion: 1,
    id,
    version: '0.0.1',
    task: 'nr',
    description: 'Hand-built linear test model',
    input: {
      name: 'input',
      layout: 'NCHW',
      channels: 3,
      colorSpace: 'sRGB',
      pixelRange: [0, 1],
      mean: [0, 0, 0],
      std: [1, 1, 1],
      minSize: 8,
      smallImage,
      protocol,
    },
    output: { name: 'score', range: [0, 100], higherIsBetter: true, scale: 100, offset: 0 },
    architecture: { network: 'linear-test', backbone: 'none', taps: ['gap'], pooling: ['avg'], params: 4 },
    training: {
      data: [{ name: 'none', role: 'calibration', images: 0, licence: 'n/a' }],
      stages: [{ name: 'hand-set', description: 'weights set by hand' }],
      commands: ['none'],
      seed: 0,
    },
    metrics: [],
    licence: 'MIT',
    credits: [],
  };
  if (onnxBytes) card.files = { onnx: { path: 'model.onnx', sha256: sha256(onnxBytes), bytes: onnxBytes.length } };
  return card as ModelCard;
}

/**
 * Builds the tiny model. `score(pixels) = 100 * (wR*meanR + wG*meanG + wB*meanB + b)` with means in [0,1].
 *
 * @example
 * const m = createTinyModel({ kind: 'crops', count: 4, size: 16, seed: 1 });
 */
export function createTinyModel(
  protocol: TestProtocol = { kind: 'crops', count: 4, size: 16, seed: 1 },
  opts: {
    embedCard?: boolean;
    id?: string;
    weights?: [number, number, number];
    bias?: number;
    smallImage?: 'upscale' | 'reject';
  } = {},
): TinyModel {
  const weights = opts.weights ?? [0.5, 0.3, 0.2];
  const bias = opts.bias ?? 0;
  const dyn = (p: string) => onnx.TensorShapeProto.Dimension.create({ dimParam: p });
  const fixed = (v: number) => onnx.TensorShapeProto.Dimension.create({ dimValue: v });
  const tensorType = (dims: InstanceType<typeof onnx.TensorShapeProto.Dimension>[]) =>
    onnx.TypeProto.create({ tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims } } });
  const graph = onnx.GraphProto.create({
    name: 'tiny',
    node: [
      { opType: 'GlobalAveragePool', input: ['input'], output: ['gap'], name: 'gap' },
      { opType: 'Flatten', input: ['gap'], output: ['flat'], name: 'flat' },
      { opType: 'MatMul', input: ['flat', 'w'], output: ['mm'], name: 'mm' },
      { opType: 'Add', input: ['mm', 'b'], output: ['score'], name: 'add' },
    ],
    initializer: [floatInit('w', [3, 1], weights), floatInit('b', [1], [bias])],
    input: [{ name: 'input', type: tensorType([dyn('N'), fixed(3), dyn('H'), dyn('W')]) }],
    output: [{ name: 'score', type: tensorType([dyn('N'), fixed(1)]) }],
  });
  const make = (metadataProps: { key: string; value: string }[]) =>
    onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        producerName: 'iqa-zoo-test',
        opsetImport: [{ domain: '', version: 17 }],
        graph,
        metadataProps,
      }),
    ).finish();
  const embedded = tinyCard(protocol, undefined, opts.id, opts.smallImage);
  const bytes =
    opts.embedCard === false ? make([]) : make([{ key: CARD_METADATA_KEY, value: JSON.stringify(embedded) }]);
  return { onnx: bytes, card: tinyCard(protocol, bytes, opts.id, opts.smallImage), weights, bias };
}

/** Writes `card.json` + `model.onnx` into `dir` (created) and returns `dir`. */
export function writeTinyModelDir(dir: string, model: TinyModel): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), model.onnx);
  writeFileSync(join(dir, 'card.json'), JSON.stringify(model.card, null, 2));
  return dir;
}
