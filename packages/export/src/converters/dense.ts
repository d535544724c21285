/**
 * Dense and BatchNormalization. Dense on a rank-2 input is one Gemm (`transB = 1`, weights
 * stored `[out, in]` so that every weight's first axis is the output channel, as in Conv);
 * on a higher-rank input it is MatMul + Add over the last axis. BatchNormalization is emitted
 * as the ONNX op on the channel axis and folded into the producing Conv/Gemm afterwards
 * (`foldBatchNorm`) when nothing else reads that layer's output.
 */
import { IqaError } from '@iqa-zoo/core';
import { onnxAxis, type TensorRef } from '../graph/builder.js';
import { applyActivation } from './activation.js';
import { registerConverter, single, weight, type ConvertContext, type WeightData } from './registry.js';

/** `[in, out]` -> `[out, in]`. */
function transpose2d(w: WeightData): WeightData {
  const [rows, cols] = w.shape as [number, number];
  const out = new Float32Array(w.data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w.data[r * cols + c]!;
  return { shape: [cols, rows], data: out };
}

registerConverter('Dense', (ctx) => {
  const g = ctx.graph;
  const base = ctx.layer.name;
  const x = g.toLayout(single(ctx), 'native', base);
  const kernel = weight(ctx, 'kernel');
  const b = ctx.config.useBias === false ? undefined : weight(ctx, 'bias');
  let y: TensorRef;
  if (x.rank === 2) {
    const t = transpose2d(kernel);
    const inputs = [x.name, g.addFloat(`${base}/W`, t.shape, t.data)];
    if (b) inputs.push(g.addFloat(`${base}/B`, b.shape, b.data));
    y = { name: g.add('Gemm', inputs, base, { transB: { i: 1 } }), rank: 2, layout: 'native' };
  } else {
    const product = g.add(
      'MatMul',
      [x.name, g.addFloat(`${base}/W`, kernel.shape, kernel.data)],
      b ? `${base}/matmul` : base,
    );
    y = {
      name: b ? g.add('Add', [product, g.addFloat(`${base}/B`, b.shape, b.data)], base) : product,
      rank: x.rank,
      layout: 'native',
    };
  }
  return applyActivation(g, y, ctx.config.activation, `${base}/activation`);
});

function optional(ctx: ConvertContext, name: string, enabled: unknown, fill: number, size: number): Float32Array {
  return enabled === false ? new Float32Array(size).fill(fill) : weight(ctx, name).data;
}

registerConverter('BatchNormalization', (ctx) => {
  const g = ctx.graph;
  const base = ctx.layer.name;
  const input = single(ctx);
  const x = input.rank === 4 ? g.toLayout(input, 'nchw', base) : input;
  const axis = (ctx.config.axis as number | number[] | undefined) ?? -1;
  const tfAxis = Array.isArray(axis) ? (axis.length === 1 ? axis[0]! : NaN) : axis;
  if (!Number.isInteger(tfAxis) || onnxAxis(tfAxis, x) !== 1) {
    throw new IqaError(
      'UNSUPPORTED_LAYER',
      `Cannot export layer ${JSON.stringify(base)} of class BatchNormalization: expected it to normalise the channel ` +
        `axis but received axis ${JSON.stringify(axis)} on a rank-${x.rank} input`,
    );
  }
  const mean = weight(ctx, 'moving_mean');
  const n = mean.data.length;
  const inputs = [
    x.name,
    g.addFloat(`${base}/scale`, [n], optional(ctx, 'gamma', ctx.config.scale, 1, n)),
    g.addFloat(`${base}/bias`, [n], optional(ctx, 'beta', ctx.config.center, 0, n)),
    g.addFloat(`${base}/mean`, [n], mean.data),
    g.addFloat(`${base}/var`, [n], weight(ctx, 'moving_variance').data),
  ];
  const epsilon = (ctx.config.epsilon as number | undefined) ?? 1e-3;
  return { ...x, name: g.add('BatchNormalization', inputs, base, { epsilon: { f: epsilon } }) };
});
