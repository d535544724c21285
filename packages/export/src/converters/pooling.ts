/**
 * Pooling: MaxPooling2D / AveragePooling2D (TensorFlow padding; average pooling ignores the
 * padded cells, as ONNX's `count_include_pad = 0`), global average / max pooling, and the
 * project's GlobalStdPooling2D: sqrt(mean over H, W of (x - mean)^2 + epsilon), and
 * GlobalExtremumPooling2D (CNNIQA's global max or min pooling, `mode`): ReduceMax or ReduceMin.
 */
import type { TensorRef } from '../graph/builder.js';
import { pair, paddingAttrs } from './padding.js';
import { registerConverter, single, unsupported, type ConvertContext } from './registry.js';

/** Epsilon of GlobalStdPooling2D (packages/train/src/networks/global-std-pooling.ts). */
export const STD_POOLING_EPSILON = 1e-6;

function nchwInput(ctx: ConvertContext): TensorRef {
  const format = ctx.config.dataFormat;
  if (format !== undefined && format !== 'channelsLast') unsupported(ctx, 'dataFormat', format);
  const x = single(ctx);
  if (x.rank !== 4) unsupported(ctx, 'input rank', x.rank);
  return ctx.graph.toLayout(x, 'nchw', ctx.layer.name);
}

function pool(op: 'MaxPool' | 'AveragePool') {
  return (ctx: ConvertContext): TensorRef => {
    const x = nchwInput(ctx);
    const kernel = pair(ctx.config.poolSize, 2);
    const strides = pair(ctx.config.strides ?? ctx.config.poolSize, 2);
    const attrs = {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      ...paddingAttrs(ctx.config.padding, kernel, strides),
    };
    return { name: ctx.graph.add(op, [x.name], ctx.layer.name, attrs), rank: 4, layout: 'nchw' };
  };
}

registerConverter('MaxPooling2D', pool('MaxPool'));
registerConverter('AveragePooling2D', pool('AveragePool'));

function globalReduce(op: 'ReduceMean' | 'ReduceMax' | 'ReduceMin') {
  return (ctx: ConvertContext): TensorRef => {
    const x = nchwInput(ctx);
    const keep = ctx.config.keepDims === true;
    const name = ctx.graph.add(op, [x.name], ctx.layer.name, { axes: { ints: [2, 3] }, keepdims: { i: keep ? 1 : 0 } });
    return keep ? { name, rank: 4, layout: 'nchw' } : { name, rank: 2, layout: 'native' };
  };
}

registerConverter('GlobalAveragePooling2D', globalReduce('ReduceMean'));
registerConverter('GlobalMaxPooling2D', globalReduce('ReduceMax'));
registerConverter('GlobalExtremumPooling2D', (ctx) => {
  const mode = ctx.config.mode;
  if (mode !== 'max' && mode !== 'min') unsupported(ctx, 'mode', mode);
  return globalReduce(mode === 'max' ? 'ReduceMax' : 'ReduceMin')(ctx);
});

registerConverter('GlobalStdPooling2D', (ctx) => {
  const g = ctx.graph;
  const base = ctx.layer.name;
  const x = nchwInput(ctx);
  const mean = g.add('ReduceMean', [x.name], `${base}/mean`, { axes: { ints: [2, 3] }, keepdims: { i: 1 } });
  const centred = g.add('Sub', [x.name, mean], `${base}/centred`);
  const squared = g.add('Mul', [centred, centred], `${base}/squared`);
  const variance = g.add('ReduceMean', [squared], `${base}/variance`, { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
  const shifted = g.add('Add', [variance, g.scalar('const_f', STD_POOLING_EPSILON)], `${base}/epsilon`);
  return { name: g.add('Sqrt', [shifted], base), rank: 2, layout: 'native' };
});
