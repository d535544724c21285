/**
 * Convolutions. tfjs kernels are HWIO (`[kh, kw, in, out]`), ONNX Conv weights OIHW;
 * a depthwise kernel `[kh, kw, in, multiplier]` becomes a grouped Conv with `group = in` whose
 * output channel `i * multiplier + m` matches TensorFlow's order.
 */
import type { GraphBuilder, TensorRef } from '../graph/builder.js';
import { applyActivation } from './activation.js';
import { pair, paddingAttrs } from './padding.js';
import { registerConverter, single, unsupported, weight, type ConvertContext, type WeightData } from './registry.js';

/** HWIO -> OIHW. */
export function hwioToOihw(w: WeightData): WeightData {
  const [kh, kw, ci, co] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + x] = w.data[((h * kw + x) * ci + i) * co + o]!;
  return { shape: [co, ci, kh, kw], data: out };
}

/** Depthwise `[kh, kw, in, mult]` -> grouped OIHW `[in * mult, 1, kh, kw]`. */
export function depthwiseToOihw(w: WeightData): WeightData {
  const [kh, kw, ci, mult] = w.shape as [number, number, number, number];
  const out = new Float32Array(w.data.length);
  for (let h = 0; h < kh; h++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let m = 0; m < mult; m++)
          out[((i * mult + m) * kh + h) * kw + x] = w.data[((h * kw + x) * ci + i) * mult + m]!;
  return { shape: [ci * mult, 1, kh, kw], data: out };
}

interface ConvSpec {
  kernel: WeightData;
  bias?: WeightData;
  group: number;
  strides: [number, number];
  dilations: [number, number];
  padding: unknown;
}

function checkChannelsLast(ctx: ConvertContext): void {
  const format = ctx.config.dataFormat;
  if (format !== undefined && format !== 'channelsLast') unsupported(ctx, 'dataFormat', format);
}

/** Adds one ONNX Conv (NCHW in, NCHW out). */
export function addConv(g: GraphBuilder, x: TensorRef, spec: ConvSpec, base: string): TensorRef {
  const input = g.toLayout(x, 'nchw', base);
  const [, , kh, kw] = spec.kernel.shape as [number, number, number, number];
  const inputs = [input.name, g.addFloat(`${base}/W`, spec.kernel.shape, spec.kernel.data)];
  if (spec.bias) inputs.push(g.addFloat(`${base}/B`, spec.bias.shape, spec.bias.data));
  const attrs = {
    kernel_shape: { ints: [kh, kw] },
    strides: { ints: spec.strides },
    dilations: { ints: spec.dilations },
    group: { i: spec.group },
    ...paddingAttrs(spec.padding, [kh, kw], spec.strides, spec.dilations),
  };
  return { name: g.add('Conv', inputs, base, attrs), rank: 4, layout: 'nchw' };
}

function common(ctx: ConvertContext): Pick<ConvSpec, 'strides' | 'dilations' | 'padding'> {
  checkChannelsLast(ctx);
  return {
    strides: pair(ctx.config.strides, 1),
    dilations: pair(ctx.config.dilationRate, 1),
    padding: ctx.config.padding,
  };
}

function bias(ctx: ConvertContext): WeightData | undefined {
  return ctx.config.useBias === false ? undefined : weight(ctx, 'bias');
}

registerConverter('Conv2D', (ctx) => {
  const kernel = hwioToOihw(weight(ctx, 'kernel'));
  const y = addConv(ctx.graph, single(ctx), { ...common(ctx), kernel, bias: bias(ctx), group: 1 }, ctx.layer.name);
  return applyActivation(ctx.graph, y, ctx.config.activation, `${ctx.layer.name}/activation`);
});

registerConverter('DepthwiseConv2D', (ctx) => {
  const raw = weight(ctx, 'depthwise_kernel');
  const y = addConv(
    ctx.graph,
    single(ctx),
    { ...common(ctx), kernel: depthwiseToOihw(raw), bias: bias(ctx), group: raw.shape[2]! },
    ctx.layer.name,
  );
  return applyActivation(ctx.graph, y, ctx.config.activation, `${ctx.layer.name}/activation`);
});

registerConverter('SeparableConv2D', (ctx) => {
  const raw = weight(ctx, 'depthwise_kernel');
  const depthwise = addConv(
    ctx.graph,
    single(ctx),
    { ...common(ctx), kernel: depthwiseToOihw(raw), group: raw.shape[2]! },
    `${ctx.layer.name}/depthwise`,
  );
  const pointwise = hwioToOihw(weight(ctx, 'pointwise_kernel'));
  const y = addConv(
    ctx.graph,
    depthwise,
    { kernel: pointwise, bias: bias(ctx), group: 1, strides: [1, 1], dilations: [1, 1], padding: 'valid' },
    ctx.layer.name,
  );
  return applyActivation(ctx.graph, y, ctx.config.activation, `${ctx.layer.name}/activation`);
});
