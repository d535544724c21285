/**
 * Training checkpoints: the full model, the optimizer's slots and the loop state, written
 * atomically (temporary folder, then rename), so a killed run resumes from the last one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import { modelToFiles, writeFolderAtomic } from '../io/model-files.js';

const STATE = 'state.json';
const OPTIMIZER = 'optimizer.json';
const AVERAGE = 'average.json';
const POWERS = 'optimizer-powers.json';

/**
 * tfjs' Adam keeps beta1^t and beta2^t as running float32 products (`accBeta1`, `accBeta2`), but its
 * `setWeights` recomputes them as `pow(beta, t + 1)`, which rounds differently from t multiplications
 * (from the second step on for beta2 = 0.999): a resumed run's bias correction, and so its weights,
 * drifted from an uninterrupted run's. The products are saved and put back as they were.
 */
const POWER_KEYS = ['accBeta1', 'accBeta2'] as const;
type RunningPowers = Partial<Record<(typeof POWER_KEYS)[number], tf.Variable>>;

const runningPowers = (optimizer: tf.Optimizer): RunningPowers => optimizer as unknown as RunningPowers;

async function readPowers(optimizer: tf.Optimizer): Promise<Record<string, number>> {
  const o = runningPowers(optimizer);
  const out: Record<string, number> = {};
  for (const key of POWER_KEYS) {
    const v = o[key];
    if (v) out[key] = (await v.data())[0]!;
  }
  return out;
}

type NamedTensor = { name: string; tensor: tf.Tensor };

interface SerialTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: string; // base64 of the typed array
}

async function serialise(weights: NamedTensor[]): Promise<SerialTensor[]> {
  return Promise.all(
    weights.map(async (w) => {
      const d = (await w.tensor.data()) as Float32Array | Int32Array;
      const dtype = w.tensor.dtype === 'int32' ? 'int32' : 'float32';
      return {
        name: w.name,
        shape: w.tensor.shape,
        dtype,
        data: Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64'),
      };
    }),
  );
}

function deserialise(s: SerialTensor[]): NamedTensor[] {
  return s.map((w) => {
    const b = Buffer.from(w.data, 'base64');
    const bytes = new Uint8Array(b).buffer;
    const values = w.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
    return { name: w.name, tensor: tf.tensor(values, w.shape, w.dtype) };
  });
}

/**
 * Writes model + optimizer + state into `dir` atomically. Extra files (e.g. `card.json`) may ride
 * along, and so may a running weight average (`average`: named tensors, read by `readAverage`).
 */
export async function saveCheckpoint<S extends object>(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer | null,
  state: S,
  extra: Record<string, string> = {},
  average?: NamedTensor[],
): Promise<void> {
  const files: Record<string, string | Uint8Array> = {
    ...(await modelToFiles(model)),
    [STATE]: JSON.stringify(state, null, 2),
    ...extra,
  };
  if (optimizer) {
    files[OPTIMIZER] = JSON.stringify(await serialise(await optimizer.getWeights()));
    const powers = await readPowers(optimizer);
    if (Object.keys(powers).length > 0) files[POWERS] = JSON.stringify(powers);
  }
  if (average) files[AVERAGE] = JSON.stringify(await serialise(average));
  await writeFolderAtomic(dir, files);
}

/** The running weight average saved with a checkpoint, or null when it has none. */
export async function readAverage(dir: string): Promise<NamedTensor[] | null> {
  const text = await fs.readFile(path.join(dir, AVERAGE), 'utf8').catch(() => null);
  return text === null ? null : deserialise(JSON.parse(text) as SerialTensor[]);
}

/** True when `dir` holds a complete checkpoint. */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  return fs.stat(path.join(dir, STATE)).then(
    () => true,
    () => false,
  );
}

/** Reads a checkpoint's state. */
export async function readCheckpointState<S>(dir: string): Promise<S> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, STATE), 'utf8')) as S;
  } catch (err) {
    throw new IqaError('CHECKPOINT', `Expected a checkpoint state at ${path.join(dir, STATE)} but could not read it`, {
      cause: err,
    });
  }
}

/**
 * Restores optimizer slots saved by `saveCheckpoint` (positional, as tfjs optimizers are), and Adam's
 * running powers exactly as they were (checkpoints written before they were saved keep `setWeights`'
 * recomputed ones).
 */
export async function restoreOptimizer(dir: string, optimizer: tf.Optimizer): Promise<void> {
  const file = path.join(dir, OPTIMIZER);
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return;
  await optimizer.setWeights(deserialise(JSON.parse(text) as SerialTensor[]));
  const powers = await fs.readFile(path.join(dir, POWERS), 'utf8').catch(() => null);
  if (powers === null) return;
  const saved = JSON.parse(powers) as Record<string, number>;
  const o = runningPowers(optimizer);
  for (const key of POWER_KEYS) {
    const v = o[key];
    const value = saved[key];
    if (v && typeof value === 'number') tf.tidy(() => v.assign(tf.scalar(value)));
  }
}
