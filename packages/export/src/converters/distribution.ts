/**
 * DistributionMoments (NIMA's outputs, packages/train/src/networks/distribution-moments.ts): the mean and the
 * standard deviation of a distribution `[N, K]` over the bins 1..K, each `[N, 1]`:
 * mean = MatMul(p, [1..K]^T), std = Sqrt(Relu(MatMul(p, (i - mean)^2 per bin))) computed as
 * sum_i p_i (i - mean)^2 with ReduceSum.
 */
import type * as tf from '@tensorflow/tfjs';
import { IqaError } from '@iqa-zoo/core';
import type { TensorRef } from '../graph/builder.js';
import { registerConverter, single, unsupported } from './registry.js';

registerConverter('DistributionMoments', (ctx): TensorRef[] => {
  const g = ctx.graph;
  const base = ctx.layer.name;
  const p = single(ctx);
  if (p.rank !== 2) unsupported(ctx, 'input rank', p.rank);
  const bins = (ctx.layer.input as tf.SymbolicTensor).shape[1];
  if (typeof bins !== 'number' || !(bins > 0))
    throw new IqaError('EXPORT_INVALID', `Expected a fixed number of bins for layer ${JSON.stringify(base)}`);
  const values = g.addFloat(
    `${base}/bins`,
    [1, bins],
    Float32Array.from({ length: bins }, (_, i) => i + 1),
  );
  const weighted = g.add('Mul', [p.name, values], `${base}/weighted`);
  const axes = g.int64('axes_1', [1], [1]);
  const mean = g.add('ReduceSum', [weighted, axes], `${base}/mean`, { keepdims: { i: 1 } });
  const centred = g.add('Sub', [values, mean], `${base}/centred`);
  const squared = g.add('Mul', [centred, centred], `${base}/squared`);
  const spread = g.add('Mul', [p.name, squared], `${base}/spread`);
  const variance = g.add('ReduceSum', [spread, axes], `${base}/variance`, { keepdims: { i: 1 } });
  const std = g.add('Sqrt', [g.add('Relu', [variance], `${base}/clamped`)], `${base}/std`);
  return [
    { name: mean, rank: 2, layout: 'native' },
    { name: std, rank: 2, layout: 'native' },
  ];
});
