/**
 * Image-grouped patch training (WaDIQaM-NR, Bosse et al. IEEE TIP 2018): a batch holds whole sets of patches of a few
 * images, and the loss is on each image's weighted average sum(w_i q_i) / sum(w_i) of its patches' scores, not on
 * single patches; validation aggregates every validation image's patches the same way (core's `aggregateWeighted`,
 * as the runtimes do).
 */
import * as tf from '@tensorflow/tfjs';
import { aggregateWeighted } from '@iqa-zoo/core';
import { seededShuffle } from './mos-data.js';

/**
 * One epoch's image-grouped batches: `perImage` rows of every image (the first of its rows shuffled by (seed, epoch,
 * image), as `patchBatches` draws them; all of them where it has fewer), the images shuffled by (seed, epoch) and cut
 * into batches of `imagesPerBatch` images, each image's rows next to each other.
 *
 * @example
 * groupedPatchBatches([[0, 1, 2], [3, 4, 5]], 2, 1, 7, 0); // two batches of one image's two rows each
 */
export function groupedPatchBatches(
  groups: readonly (readonly number[])[],
  perImage: number,
  imagesPerBatch: number,
  seed: number,
  epoch: number,
): number[][] {
  const sets = groups.map((rows, g) => seededShuffle(rows, (seed * 7919 + epoch) * 104729 + g).slice(0, perImage));
  const order = seededShuffle(
    sets.map((_, i) => i),
    seed * 7919 + epoch,
  );
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += imagesPerBatch)
    out.push(order.slice(i, i + imagesPerBatch).flatMap((g) => sets[g]!));
  return out;
}

/**
 * The runs of equal image ids along a batch's rows: `[first row, end row)` of each image, in order (a grouped batch
 * holds each image's rows next to each other).
 */
export function imageRuns(batch: readonly number[], image: Int32Array): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= batch.length; i++) {
    if (i === batch.length || image[batch[i]!] !== image[batch[start]!]) {
      runs.push([start, i]);
      start = i;
    }
  }
  return runs;
}

/**
 * The weighted-average loss of a grouped batch: `scores` `[B, 2]` holds each patch's score and weight; each image's
 * aggregate sum(w q) / sum(w) is compared with its target (normalised MOS) by L1 or L2, averaged over the images.
 */
export function weightedImageLoss(
  scores: tf.Tensor,
  batch: readonly number[],
  image: Int32Array,
  target: (image: number) => number,
  loss: 'l1' | 'l2',
): tf.Scalar {
  return tf.tidy(() => {
    const runs = imageRuns(batch, image);
    // One row per image selecting its patches: [G, B].
    const select = new Float32Array(runs.length * batch.length);
    runs.forEach(([a, b], g) => {
      select.fill(1, g * batch.length + a, g * batch.length + b);
    });
    const m = tf.tensor2d(select, [runs.length, batch.length]);
    const q = tf.slice(scores, [0, 0], [batch.length, 1]);
    const w = tf.slice(scores, [0, 1], [batch.length, 1]);
    const aggregate = tf.div(tf.matMul(m, tf.mul(q, w)), tf.matMul(m, w));
    const t = tf.tensor2d(
      runs.map(([a]) => target(image[batch[a]!]!)),
      [runs.length, 1],
    );
    const d = tf.sub(aggregate, t);
    return (loss === 'l1' ? tf.mean(tf.abs(d)) : tf.mean(tf.square(d))) as tf.Scalar;
  });
}

/**
 * Each image's score from its rows' interleaved patch scores and weights (`pred` `[n, 2]` row-major, `image` each
 * row's image), by core's `aggregateWeighted` with `output`'s scale and offset.
 */
export function weightedPerImage(
  pred: Float32Array,
  image: Int32Array,
  images: number,
  output: { scale: number; offset: number },
): Float64Array {
  const rows: number[][] = Array.from({ length: images }, () => []);
  for (let i = 0; i < image.length; i++) rows[image[i]!]!.push(pred[2 * i]!, pred[2 * i + 1]!);
  return Float64Array.from(rows, (r) => aggregateWeighted(r, output));
}
