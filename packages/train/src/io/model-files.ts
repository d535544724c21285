/**
 * Saving and loading tfjs LayersModels as a folder (`model.json` + `weights.bin`, the tfjs
 * file format) through IOHandlers, without tfjs-node. Writes are atomic: a temporary folder
 * is written then renamed over the old one, so a killed process never leaves half a model.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

function concatWeightData(data: tf.io.WeightData): ArrayBuffer {
  if (!Array.isArray(data)) return data as ArrayBuffer;
  return tf.io.concatenateArrayBuffers(data);
}

/** Writes `files` into `dir` atomically (temporary sibling folder, then rename). */
export async function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  await fs.mkdir(parent, { recursive: true });
  const tmp = `${path.resolve(dir)}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp, { recursive: true });
  for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(tmp, name), content);
  const old = `${path.resolve(dir)}.old-${process.pid}-${Date.now()}`;
  const exists = await fs.stat(dir).then(
    () => true,
    () => false,
  );
  if (exists) await fs.rename(dir, old);
  await fs.rename(tmp, dir);
  if (exists) await fs.rm(old, { recursive: true, force: true });
}

/** The model's topology and weights as the two files of the tfjs format. */
export async function modelToFiles(model: tf.LayersModel): Promise<Record<string, string | Uint8Array>> {
  let files: Record<string, string | Uint8Array> = {};
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(concatWeightData(artifacts.weightData!));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs }],
      };
      files = { [MODEL_JSON]: JSON.stringify(json), [WEIGHTS_BIN]: weights };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return files;
}

/**
 * Saves `model` into `dir` (created if needed), atomically.
 *
 * @example
 * await saveModel(model, 'runs/rank/checkpoint');
 */
export async function saveModel(
  model: tf.LayersModel,
  dir: string,
  extra: Record<string, string | Uint8Array> = {},
): Promise<void> {
  await writeFolderAtomic(dir, { ...(await modelToFiles(model)), ...extra });
}

/**
 * Loads a model saved by `saveModel` (or any tfjs `model.json` + single weights file).
 * @throws IqaError('MODEL_NOT_FOUND') naming the missing file.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  let json: {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  try {
    json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
  } catch (err) {
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected a tfjs model at ${jsonPath} but could not read it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = await Promise.all(
    json.weightsManifest.flatMap((g) => g.paths).map((p) => fs.readFile(path.join(dir, p))),
  );
  const weightData = tf.io.concatenateArrayBuffers(
    buffers.map((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)),
  );
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

/**
 * Copies every weight of `source` into the weight of `target` with the same name (`layer/weight`).
 * By name, not by position: `getWeights()` lists trainable weights before frozen ones, so a
 * checkpoint whose upper blocks were trainable (stage 1 above a cut) lists them in another order
 * than a freshly built network with a frozen backbone, and a positional `setWeights` fails.
 * @throws IqaError('INVALID_ARGUMENT') naming a weight `source` lacks or holds in another shape.
 */
export function copyWeightsByName(source: tf.LayersModel, target: tf.LayersModel): void {
  const byName = new Map(source.weights.map((w) => [w.originalName, w]));
  for (const w of target.weights) {
    const from = byName.get(w.originalName);
    if (!from) {
      throw new IqaError(
        'INVALID_ARGUMENT',
        `Expected a weight named ${w.originalName} in the checkpoint (${source.name}) but it has none`,
      );
    }
    if (from.shape.join(',') !== w.shape.join(',')) {
      throw new IqaError(
        'INVALID_ARGUMENT',
        `Expected ${w.originalName} of shape [${w.shape.join(',')}] in the checkpoint but received ` +
          `[${from.shape.join(',')}]`,
      );
    }
    w.write(from.read());
  }
}
