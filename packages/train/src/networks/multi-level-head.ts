/**
 * The multi-level head of "Learning from Rankings with Multi-level Features for NR-IQA":
 * every tapped feature map is globally pooled (average, optionally also standard deviation),
 * the pooled vectors are concatenated, then dropout and dense layer(s) give one score.
 */
import * as tf from '@tensorflow/tfjs';
import { GlobalStdPooling2D } from './global-std-pooling.js';

export interface HeadOptions {
  /** Pooling applied to every tap. */
  pooling: Array<'avg' | 'std'>;
  /** Width of the hidden dense layer; 0 for a linear head. */
  hidden: number;
  dropout: number;
  seed: number;
  /** Use only these taps (by name); all of the network's taps when absent. */
  taps?: string[];
}

export const DEFAULT_HEAD: HeadOptions = { pooling: ['avg'], hidden: 0, dropout: 0.5, seed: 1 };

/**
 * Pools and concatenates `taps` and returns the score tensor (shape [N, 1]).
 * Layer names: `pool_<stat>_<tap>`, `ml_concat`, `head_dropout`, `head_hidden`, `score`.
 *
 * @example
 * const score = multiLevelHead([block3, block4, block5], ['block3', 'block4', 'block5'], DEFAULT_HEAD);
 */
export function multiLevelHead(taps: tf.SymbolicTensor[], tapNames: string[], options: HeadOptions): tf.SymbolicTensor {
  const pooled: tf.SymbolicTensor[] = [];
  taps.forEach((t, i) => {
    for (const stat of options.pooling) {
      const name = `pool_${stat}_${tapNames[i]}`;
      const layer = stat === 'avg' ? tf.layers.globalAveragePooling2d({ name }) : new GlobalStdPooling2D({ name });
      pooled.push(layer.apply(t) as tf.SymbolicTensor);
    }
  });
  let x =
    pooled.length > 1
      ? (tf.layers.concatenate({ name: 'ml_concat', axis: -1 }).apply(pooled) as tf.SymbolicTensor)
      : pooled[0]!;
  if (options.dropout > 0)
    x = tf.layers
      .dropout({ rate: options.dropout, name: 'head_dropout', seed: options.seed })
      .apply(x) as tf.SymbolicTensor;
  if (options.hidden > 0) {
    x = tf.layers
      .dense({
        units: options.hidden,
        activation: 'relu',
        name: 'head_hidden',
        kernelInitializer: tf.initializers.heNormal({ seed: options.seed + 1 }),
      })
      .apply(x) as tf.SymbolicTensor;
  }
  return tf.layers
    .dense({ units: 1, name: 'score', kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed + 2 }) })
    .apply(x) as tf.SymbolicTensor;
}
