/**
 * PatchWeight (WaDIQaM-NR's patch weight, packages/train/src/networks/patch-weight.ts): Relu, then Add of the
 * layer's `epsilon`, so every weight is positive.
 */
import { registerConverter, single, unsupported } from './registry.js';

registerConverter('PatchWeight', (ctx) => {
  const g = ctx.graph;
  const base = ctx.layer.name;
  const x = single(ctx);
  const epsilon = ctx.config.epsilon;
  if (!(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon > 0)) unsupported(ctx, 'epsilon', epsilon);
  const relu = g.add('Relu', [x.name], `${base}/relu`);
  return { ...x, name: g.add('Add', [relu, g.scalar(`${base}/epsilon`, epsilon as number)], base) };
});
