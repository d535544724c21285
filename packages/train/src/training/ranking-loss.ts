/**
 * RankIQA's ranking loss with its efficient Siamese trick: every image goes forward once and the
 * hinge max(0, margin - (s_better - s_worse)) is averaged over all ordered pairs in the batch
 * that share a reference and a distortion type (Liu et al., ICCV 2017).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * One image of a ranking batch: its group (reference + type) and level (0 = pristine, higher = worse).
 * An `anchor` is a fixed point for the pairs it heads: the hinge moves only the worse image of those
 * pairs (an anchored ladder variant's copy, `ladder-variants.ts`).
 */
export interface RankItem {
  group: string;
  level: number;
  anchor?: boolean;
}

/** Index pairs (better, worse) of all ordered pairs within each group, lower level = better. */
export interface RankPairs {
  better: Int32Array;
  worse: Int32Array;
  /** Per pair, 1 where the better image is an anchor (no gradient reaches it); absent when none is. */
  anchored?: Uint8Array;
}

/**
 * All ordered pairs of a batch: same group, different level.
 *
 * @example
 * rankingPairs([{ group: 'a', level: 0 }, { group: 'a', level: 2 }, { group: 'b', level: 1 }]);
 * // { better: [0], worse: [1] }
 */
export function rankingPairs(items: readonly RankItem[]): RankPairs {
  const pairs = orderedPairs(
    items.length,
    (i, j) => items[i]!.group === items[j]!.group && items[i]!.level < items[j]!.level,
  );
  if (!items.some((item) => item.anchor)) return pairs;
  return { ...pairs, anchored: Uint8Array.from(pairs.better, (b) => (items[b]!.anchor ? 1 : 0)) };
}

/** Every (i, j), i != j, of `n` items for which `isBetter(i, j)` holds, as (better, worse) index pairs. */
function orderedPairs(n: number, isBetter: (i: number, j: number) => boolean): RankPairs {
  const better: number[] = [];
  const worse: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && isBetter(i, j)) {
        better.push(i);
        worse.push(j);
      }
    }
  }
  return { better: Int32Array.from(better), worse: Int32Array.from(worse) };
}

/**
 * All ordered pairs (better, worse) of a batch labelled with scores (higher is better) whose
 * labels differ by more than `minGap`; rows with equal labels (crops of one image) never pair.
 *
 * @example
 * labelPairs([0.5, -1, 0.52], 0.1); // { better: [0, 2], worse: [1, 1] }
 */
export function labelPairs(labels: ArrayLike<number>, minGap: number): RankPairs {
  return orderedPairs(labels.length, (i, j) => labels[i]! - labels[j]! > minGap);
}

/**
 * Mean hinge over the pairs: mean(max(0, margin - (s[better] - s[worse]))). `scores` has shape
 * [N] or [N, 1]. The differences are one matrix product with a +1/-1 pair matrix (no gather,
 * whose gradient the wasm backend lacks). In an anchored pair (`pairs.anchored`) s[better] enters
 * as a constant, its current value, so the same loss value has no gradient through the anchor.
 */
export function rankingHingeLoss(scores: tf.Tensor, pairs: RankPairs, margin: number): tf.Scalar {
  if (pairs.better.length === 0)
    throw new RangeError('Expected at least one ranking pair in the batch but received none');
  return tf.tidy(() => {
    const n = scores.size;
    const count = pairs.better.length;
    const m = new Float32Array(count * n);
    // The anchors' values, read once (tfjs has no stop-gradient op; a constant has no gradient).
    const fixed = pairs.anchored?.some((a) => a === 1) ? scores.dataSync() : undefined;
    const constant = new Float32Array(count);
    for (let k = 0; k < count; k++) {
      if (fixed && pairs.anchored![k] === 1) constant[k] = fixed[pairs.better[k]!]!;
      else m[k * n + pairs.better[k]!] += 1;
      m[k * n + pairs.worse[k]!] -= 1;
    }
    let diff = tf.matMul(tf.tensor2d(m, [count, n]), scores.reshape([n, 1]));
    if (fixed) diff = tf.add(diff, tf.tensor2d(constant, [count, 1]));
    return tf.mean(tf.relu(tf.sub(margin, diff))) as tf.Scalar;
  });
}

/** Share of pairs ordered correctly (s_better > s_worse). */
export function rankingAccuracy(scores: ArrayLike<number>, pairs: RankPairs): number {
  let ok = 0;
  for (let k = 0; k < pairs.better.length; k++) if (scores[pairs.better[k]!]! > scores[pairs.worse[k]!]!) ok++;
  return pairs.better.length === 0 ? Number.NaN : ok / pairs.better.length;
}
