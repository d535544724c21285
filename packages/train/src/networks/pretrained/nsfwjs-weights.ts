/**
 * Loads the pretrained Keras models shipped inside the npm package `nsfwjs` (MIT):
 * MobileNetV2 (alpha 1.0, 224 px) and InceptionV3 (299 px). Their weights are ImageNet-derived
 * and were later fine-tuned by nsfwjs for NSFW classification: cards must say so.
 * Everything loads from node_modules (no download), through `tf.io.fromMemory`.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';

export type NsfwjsModelName = 'mobilenet_v2' | 'inception_v3';

interface BundledModel {
  modelJson: () => Promise<{ default?: unknown } & Record<string, unknown>>;
  weightBundles: Array<() => Promise<{ default?: unknown } & Record<string, unknown>>>;
}

/** The last feature layer of each model; the classifier after it is dropped. */
const FEATURE_OUTPUT: Record<NsfwjsModelName, string> = { mobilenet_v2: 'out_relu', inception_v3: 'mixed10' };

interface ModelJson {
  modelTopology: {
    model_config?: {
      config: {
        layers: Array<{ name: string; class_name: string; config: Record<string, unknown> }>;
        output_layers: unknown[];
      };
    };
  };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

const require = createRequire(import.meta.url);

function unwrap<T>(m: { default?: unknown } & Record<string, unknown>): T {
  return (m.default ?? m) as T;
}

/**
 * Returns the nsfwjs Keras backbone with its input made size-agnostic (`[null, null, null, 3]`)
 * and the classifier removed (output: `out_relu` / `mixed10`).
 * Input: RGB scaled to [0, 1] (nsfwjs divides by 255).
 */
export async function loadNsfwjsModel(name: NsfwjsModelName): Promise<tf.LayersModel> {
  let bundled: BundledModel;
  try {
    const mod = require(`nsfwjs/models/${name}`) as Record<string, BundledModel>;
    bundled = Object.values(mod)[0]!;
  } catch (err) {
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected the npm package nsfwjs with model ${name} but could not load it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const json = unwrap<ModelJson>(await bundled.modelJson());
  // a deep copy that works across jest realms
  const topology = JSON.parse(JSON.stringify(json.modelTopology)) as ModelJson['modelTopology'];
  const config = topology.model_config!.config;
  const cut = config.layers.findIndex((l) => l.name === FEATURE_OUTPUT[name]);
  config.layers = config.layers.slice(0, cut + 1);
  config.output_layers = [[FEATURE_OUTPUT[name], 0, 0]];
  const kept = new Set(config.layers.map((l) => l.name));
  for (const layer of config.layers) {
    if (layer.class_name === 'InputLayer') layer.config.batch_input_shape = [null, null, null, 3];
  }
  const chunks: Uint8Array[] = [];
  for (const load of bundled.weightBundles) {
    const b64 = unwrap<string>(await load());
    chunks.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  const weightData = tf.io.concatenateArrayBuffers(chunks.map((c) => c.slice().buffer as ArrayBuffer));
  // Drop the classifier's weights: keep the byte ranges of the layers that remain (weights are uint8-quantized).
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const parts: ArrayBuffer[] = [];
  let offset = 0;
  for (const spec of json.weightsManifest.flatMap((g) => g.weights)) {
    const q = spec.quantization?.dtype;
    const bytes = spec.shape.reduce((a, b) => a * b, 1) * (q === 'uint8' ? 1 : q ? 2 : 4);
    if (kept.has(spec.name.split('/')[0]!)) {
      weightSpecs.push(spec);
      parts.push(weightData.slice(offset, offset + bytes));
    }
    offset += bytes;
  }
  if (offset !== weightData.byteLength) {
    throw new IqaError(
      'MODEL_NOT_FOUND',
      `Expected ${offset} bytes of weights in nsfwjs ${name} but received ${weightData.byteLength}`,
    );
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology as unknown as object,
      weightSpecs,
      weightData: tf.io.concatenateArrayBuffers(parts),
    }),
  );
}
