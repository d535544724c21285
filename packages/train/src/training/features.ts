/**
 * Pooled multi-level features of image crops through the frozen part of a network,
 * with normalisation from @iqa-zoo/core (the same code the runtimes use).
 */
import * as tf from '@tensorflow/tfjs';
import { type CardInput, type RawImage, preprocess, writeNormalisedChw } from '@iqa-zoo/core';

/** A square crop and whether it is mirrored left-right. */
export interface CropSpec {
  x: number;
  y: number;
  size: number;
  flip: boolean;
}

/** Trunk outputs of `crops` of `rgb`: a Float32Array of crops.length rows, each the trunk's outputs flattened. */
export async function cropFeatures(
  features: tf.LayersModel,
  rgb: RawImage,
  crops: readonly CropSpec[],
  input: Pick<CardInput, 'pixelRange' | 'mean' | 'std'>,
  batchSize = 16,
): Promise<Float32Array> {
  const out: Float32Array[] = [];
  for (let start = 0; start < crops.length; start += batchSize) {
    const batch = crops.slice(start, start + batchSize);
    const size = batch[0]!.size;
    const plane = 3 * size * size;
    const chw = new Float32Array(batch.length * plane);
    batch.forEach((c, i) => {
      writeNormalisedChw(rgb, c.x, c.y, c.size, c.size, input, chw, i * plane);
    });
    const y = tf.tidy(() => {
      const nhwc = tf.transpose(tf.tensor4d(chw, [batch.length, 3, size, size]), [0, 2, 3, 1]);
      const flips = batch.map((c) => c.flip);
      const x = flips.some(Boolean)
        ? tf.concat(
            flips.map((f, i) => {
              const one = nhwc.slice([i, 0, 0, 0], [1, size, size, 3]);
              return f ? tf.reverse(one, 2) : one;
            }),
          )
        : nhwc;
      // One row per crop: the trunk's outputs flattened and concatenated.
      return flattenOutputs(features.predict(x), batch.length);
    });
    out.push((await y.data()) as Float32Array);
    y.dispose();
  }
  const total = out.reduce((n, a) => n + a.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const a of out) {
    all.set(a, o);
    o += a.length;
  }
  return all;
}

function flattenOutputs(outs: tf.Tensor | tf.Tensor[], batch: number): tf.Tensor {
  return Array.isArray(outs)
    ? tf.concat(
        outs.map((o) => o.reshape([batch, -1])),
        1,
      )
    : outs.reshape([batch, -1]);
}

/**
 * Trunk outputs of the whole image exactly as the runtimes prepare it for a `full` protocol
 * (core's `preprocess`: shrunk to `maxSide`, small images upscaled), one row per entry of
 * `mirrors` (true: mirrored left-right).
 */
export async function wholeImageFeatures(
  features: tf.LayersModel,
  rgb: RawImage,
  input: CardInput,
  mirrors: readonly boolean[],
): Promise<{ rows: Float32Array; height: number; width: number }> {
  if (input.protocol.kind !== 'full')
    throw new RangeError(`Expected a card input with a 'full' protocol but received ${JSON.stringify(input.protocol)}`);
  const t = preprocess(rgb, input);
  const [, , height, width] = t.dims as [number, number, number, number];
  const y = tf.tidy(() => {
    const nhwc = tf.transpose(tf.tensor4d(t.data, [1, 3, height, width]), [0, 2, 3, 1]);
    const x = tf.concat(mirrors.map((m) => (m ? tf.reverse(nhwc, 2) : nhwc)));
    return flattenOutputs(features.predict(x), mirrors.length);
  });
  const rows = (await y.data()) as Float32Array;
  y.dispose();
  return { rows, height, width };
}

/** A stable hash of a model's weights, for cache keys: changes whenever any weight changes. */
export async function weightsHash(model: tf.LayersModel, createHash: (bytes: Uint8Array[]) => string): Promise<string> {
  const parts: Uint8Array[] = [new TextEncoder().encode(JSON.stringify(model.toJSON(null, false)))];
  for (const w of model.getWeights()) {
    const d = await w.data();
    parts.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return createHash(parts);
}
