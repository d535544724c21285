/**
 * Stage 2 as multi-task learning (Liu, van de Weijer and Bagdanov, "Exploiting Unlabeled Data in
 * CNNs by Self-Supervised Learning to Rank", TPAMI 2019): each batch holds crops with MOS and
 * ranking ladders of synthetically distorted crops; the loss is the regression on MOS plus a
 * weighted RankIQA hinge over the ladders' ordered pairs. The ranking term keeps what stage 1
 * taught (blur, noise, compression and blank frames score below their source) while the MOS term
 * fits the human scale.
 */
import * as tf from '@tensorflow/tfjs';
import { seededShuffle } from './mos-data.js';
import { type Ladder, ladderItems } from './rank-ladders.js';
import { type RankPairs, rankingHingeLoss, rankingPairs } from './ranking-loss.js';

/**
 * The ladders of batch `batch` of epoch `epoch`: `perBatch` indices into `count` ladders, read in
 * turn from seeded permutations (a new one each round), so every ladder comes up once per round
 * whatever the epoch length, and the same (epoch, batch) always gives the same ladders (resume).
 *
 * @example
 * ladderSlots(10, 2, 5, 1, 3, 7); // the 2 ladders of batch 3 of epoch 1 (5 batches per epoch)
 */
export function ladderSlots(
  count: number,
  perBatch: number,
  batchesPerEpoch: number,
  epoch: number,
  batch: number,
  seed: number,
): number[] {
  if (count < 1) throw new RangeError(`Expected at least one training ladder but received ${count}`);
  const out: number[] = [];
  for (let j = 0; j < perBatch; j++) {
    const slot = (epoch * batchesPerEpoch + batch) * perBatch + j;
    const round = Math.floor(slot / count);
    out.push(
      seededShuffle(
        Array.from({ length: count }, (_, i) => i),
        seed * 131 + round,
      )[slot % count]!,
    );
  }
  return out;
}

/** A batch of the multi-task loss: its first `mosRows` rows have MOS targets, then come the ladders' rows. */
export interface MultiTaskBatch {
  rows: number[];
  mosRows: number;
  /** Ordered pairs (better, worse) among the ladder rows, as positions in `rows`. */
  pairs: RankPairs;
}

/**
 * Appends `ladders` (row ids offset by `offset`) to a MOS batch; pairs within each ladder by level,
 * an anchored ladder's head an anchor (`rankingHingeLoss`).
 */
export function withLadders(mos: readonly number[], ladders: readonly Ladder[], offset: number): MultiTaskBatch {
  const local = rankingPairs(ladderItems(ladders));
  return {
    rows: [...mos, ...ladders.flatMap((g) => g.items.map((r) => r + offset))],
    mosRows: mos.length,
    pairs: {
      better: local.better.map((i) => i + mos.length),
      worse: local.worse.map((i) => i + mos.length),
      ...(local.anchored ? { anchored: local.anchored } : {}),
    },
  };
}

/**
 * Mean regression loss over the batch's MOS rows (l2 or l1 on `target`, the normalised MOS of each
 * of those rows) plus `weight` x the mean hinge over its ladder pairs. `scores` is [rows, 1]. The
 * ladder rows are masked out of the regression rather than sliced off (no slice or gather gradient
 * is needed, which the wasm backend lacks for gather).
 */
export function multiTaskLoss(
  scores: tf.Tensor,
  batch: MultiTaskBatch,
  target: ArrayLike<number>,
  options: { loss: 'l2' | 'l1'; weight: number; margin: number },
): tf.Scalar {
  return tf.tidy(() => {
    const n = batch.rows.length;
    const y = new Float32Array(n);
    const mask = new Float32Array(n);
    for (let i = 0; i < batch.mosRows; i++) {
      y[i] = target[i]!;
      mask[i] = 1;
    }
    const d = tf.mul(tf.sub(tf.reshape(scores, [n]), tf.tensor1d(y)), tf.tensor1d(mask));
    const fit = tf.div(tf.sum(options.loss === 'l1' ? tf.abs(d) : tf.square(d)), Math.max(1, batch.mosRows));
    if (batch.pairs.better.length === 0 || options.weight === 0) return fit as tf.Scalar;
    return tf.add(fit, tf.mul(options.weight, rankingHingeLoss(scores, batch.pairs, options.margin))) as tf.Scalar;
  });
}
