/**
 * Shape layers: ZeroPadding2D (Pad), Cropping2D (Slice), Flatten and Reshape. Flatten and
 * Reshape follow tfjs' NHWC element order, so an NCHW input is transposed once before them.
 * Training-only layers (Dropout and the noise layers) are identities at inference and vanish.
 */
import type { TensorRef } from '../graph/builder.js';
import { registerConverter, single, unsupported, type ConvertContext } from './registry.js';

/** Reads `[[top, bottom], [left, right]]` (or a number, or `[vertical, horizontal]`). */
function pads2d(ctx: ConvertContext, value: unknown): [number, number, number, number] {
  if (typeof value === 'number') return [value, value, value, value];
  if (Array.isArray(value) && value.length === 2) {
    const [v, h] = value as unknown[];
    if (typeof v === 'number' && typeof h === 'number') return [v, v, h, h];
    if (Array.isArray(v) && Array.isArray(h) && v.length === 2 && h.length === 2)
      return [v[0], v[1], h[0], h[1]] as [number, number, number, number];
  }
  return unsupported(ctx, 'padding/cropping', value);
}

function nchw(ctx: ConvertContext): TensorRef {
  const format = ctx.config.dataFormat;
  if (format !== undefined && format !== 'channelsLast') unsupported(ctx, 'dataFormat', format);
  return ctx.graph.toLayout(single(ctx), 'nchw', ctx.layer.name);
}

registerConverter('ZeroPadding2D', (ctx) => {
  const x = nchw(ctx);
  const [top, bottom, left, right] = pads2d(ctx, ctx.config.padding);
  const pads = ctx.graph.int64('pads', [8], [0, 0, top, left, 0, 0, bottom, right]);
  return { ...x, name: ctx.graph.add('Pad', [x.name, pads], ctx.layer.name, { mode: { s: 'constant' } }) };
});

registerConverter('Cropping2D', (ctx) => {
  const g = ctx.graph;
  const x = nchw(ctx);
  const [top, bottom, left, right] = pads2d(ctx, ctx.config.cropping);
  const end = (n: number): number => (n > 0 ? -n : Number.MAX_SAFE_INTEGER);
  const inputs = [
    x.name,
    g.int64('starts', [2], [top, left]),
    g.int64('ends', [2], [end(bottom), end(right)]),
    g.int64('axes', [2], [2, 3]),
  ];
  return { ...x, name: g.add('Slice', inputs, ctx.layer.name) };
});

registerConverter('Flatten', (ctx) => {
  const input = single(ctx);
  const shape = (ctx.layer.input as { shape?: unknown[] }).shape;
  // A 1x1 map (WaDIQaM-NR's last pooling): NCHW and NHWC hold the same element order, so no Transpose.
  const unit = input.rank === 4 && shape?.[1] === 1 && shape?.[2] === 1;
  const x = unit ? input : ctx.graph.toLayout(input, 'native', ctx.layer.name);
  if (x.rank === 2) return x;
  return { name: ctx.graph.add('Flatten', [x.name], ctx.layer.name, { axis: { i: 1 } }), rank: 2, layout: 'native' };
});

registerConverter('Reshape', (ctx) => {
  const x = ctx.graph.toLayout(single(ctx), 'native', ctx.layer.name);
  const target = ctx.config.targetShape;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d) && (d > 0 || d === -1)))
    unsupported(ctx, 'targetShape', target);
  const shape = ctx.graph.int64('shape', [target.length + 1], [0, ...(target as number[])]);
  return { name: ctx.graph.add('Reshape', [x.name, shape], ctx.layer.name), rank: target.length + 1, layout: 'native' };
});

const identity = (ctx: ConvertContext): TensorRef => single(ctx);
for (const className of [
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ActivityRegularization',
]) {
  registerConverter(className, identity);
}

registerConverter('Model', (ctx) => ctx.convertNested(ctx.layer as never, ctx.inputs));
registerConverter('Functional', (ctx) => ctx.convertNested(ctx.layer as never, ctx.inputs));
registerConverter('Sequential', (ctx) => ctx.convertNested(ctx.layer as never, ctx.inputs));
