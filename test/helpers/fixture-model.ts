/**
 * A seeded, exported network with a complete model card, for tests of every package:
 * the same bytes a real zoo model has (ONNX + card.json), made in memory in about a second.
 *
 * The weights are random (seeded), so the scores mean nothing; only their agreement does.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validateCard, type ModelCard, type TestProtocol } from '@iqa-zoo/core';
import { exportOnnx } from '@iqa-zoo/export';
import { cardInput, getNetwork } from '@iqa-zoo/train';

export interface FixtureOptions {
  /** A registered network (default `vgg-tiny-ml`). */
  network?: string;
  /** Weight seed (default 1). */
  seed?: number;
  /**
   * Pooling of every tap (default `['avg', 'std']`, so both pooling converters are exercised; `['avg']` for a
   * network that predicts a score distribution, whose card then has `output.spread` and whose ONNX output `std`).
   */
  pooling?: Array<'avg' | 'std'>;
  /** Test-time protocol (default 4 crops of 32 px, seed 7). */
  protocol?: TestProtocol;
}

export interface FixtureModel {
  model: tf.LayersModel;
  /** ONNX bytes; the card (without `files`) is in `metadata_props`. */
  onnx: Uint8Array;
  /** A card that passes `validateCard`, with `files.onnx` describing `onnx`. */
  card: ModelCard;
}

export const FIXTURE_PROTOCOL: TestProtocol = { kind: 'crops', count: 4, size: 32, seed: 7 };

/** Uses the cpu backend unless the test already chose one. */
async function ensureBackend(): Promise<void> {
  if (!tf.engine().backendName) await tf.setBackend('cpu');
  await tf.ready();
}

/** sha256 of `bytes` as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Builds a seeded network from @iqa-zoo/train's registry, exports it and writes its card.
 *
 * @example
 * const { model, onnx, card } = await createFixtureModel({ seed: 3 });
 * const session = await ort.InferenceSession.create(onnx);
 */
export async function createFixtureModel(opts: FixtureOptions = {}): Promise<FixtureModel> {
  await ensureBackend();
  const network = opts.network ?? 'vgg-tiny-ml';
  const seed = opts.seed ?? 1;
  const spec = getNetwork(network);
  const pooling = opts.pooling ?? (spec.distribution ? ['avg'] : ['avg', 'std']);
  const model = await spec.build({ seed, pooling, dropout: 0.5 });
  const cardWithoutFiles: Omit<ModelCard, 'files'> = {
    schemaVersion: 1,
    id: `fixture-${network}`,
    version: '0.0.1',
    task: 'nr',
    description: `Test fixture: ${network} with seeded random weights (seed ${seed}); its scores carry no meaning`,
    input: cardInput(spec, opts.protocol ?? FIXTURE_PROTOCOL),
    output: {
      name: 'score',
      range: [0, 100],
      higherIsBetter: true,
      scale: 1,
      offset: 0,
      ...(spec.distribution ? { spread: { name: 'std', kind: 'std' as const, scale: 1 } } : {}),
    },
    architecture: { network, backbone: spec.backbone, taps: spec.taps, pooling, params: model.countParams() },
    training: {
      data: [{ name: 'none (random initialisation)', role: 'ranking', images: 0, licence: 'n/a' }],
      stages: [{ name: 'init', description: `seeded random initialisation, seed ${seed}` }],
      commands: [`createFixtureModel(${JSON.stringify({ network, seed, pooling })})`],
      seed,
    },
    metrics: [],
    licence: 'MIT',
    credits: [],
  };
  const onnx = await exportOnnx(model, {
    card: cardWithoutFiles,
    extraOutputNames: spec.distribution ? ['std'] : [],
  });
  const card = validateCard(
    { ...cardWithoutFiles, files: { onnx: { path: 'model.onnx', sha256: sha256Hex(onnx), bytes: onnx.byteLength } } },
    'fixture card',
  );
  return { model, onnx, card };
}

/**
 * Writes `card.json` and `model.onnx` into `dir` (created if needed), the layout of a zoo model folder.
 *
 * @example
 * await writeFixtureModelDir(path.join(tmp, 'fixture'), await createFixtureModel());
 */
export async function writeFixtureModelDir(dir: string, fixture: Pick<FixtureModel, 'onnx' | 'card'>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, fixture.card.files.onnx.path), fixture.onnx);
  await fs.writeFile(path.join(dir, 'card.json'), `${JSON.stringify(fixture.card, null, 2)}\n`);
}
