/**
 * Activations, fused after convolutions and dense layers or standing alone as layers
 * (Activation, ReLU, LeakyReLU, ELU, Softmax).
 */
import { onnxAxis, type GraphBuilder, type TensorRef } from '../graph/builder.js';
import { registerConverter, single, unsupported } from './registry.js';

type ActivationFn = (g: GraphBuilder, x: string, base: string, ref: TensorRef) => string;

const clip = (g: GraphBuilder, x: string, base: string, lo: number, hi: number): string =>
  g.add('Clip', [x, g.scalar('const_f', lo), g.scalar('const_f', hi)], base);

/** tfjs activation names (as `getConfig()` spells them) to ONNX ops. */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: (_g, x) => x,
  relu: (g, x, base) => g.add('Relu', [x], base),
  relu6: (g, x, base) => clip(g, x, base, 0, 6),
  elu: (g, x, base) => g.add('Elu', [x], base, { alpha: { f: 1 } }),
  selu: (g, x, base) =>
    g.add('Selu', [x], base, { alpha: { f: 1.6732632423543772 }, gamma: { f: 1.0507009873554805 } }),
  sigmoid: (g, x, base) => g.add('Sigmoid', [x], base),
  hardSigmoid: (g, x, base) => g.add('HardSigmoid', [x], base, { alpha: { f: 0.2 }, beta: { f: 0.5 } }),
  tanh: (g, x, base) => g.add('Tanh', [x], base),
  softplus: (g, x, base) => g.add('Softplus', [x], base),
  softsign: (g, x, base) => g.add('Softsign', [x], base),
  softmax: (g, x, base, ref) => g.add('Softmax', [x], base, { axis: { i: onnxAxis(-1, ref) } }),
  logSoftmax: (g, x, base, ref) => g.add('LogSoftmax', [x], base, { axis: { i: onnxAxis(-1, ref) } }),
  swish: (g, x, base) => g.add('Mul', [x, g.add('Sigmoid', [x], `${base}/sigmoid`)], base),
  mish: (g, x, base) =>
    g.add('Mul', [x, g.add('Tanh', [g.add('Softplus', [x], `${base}/softplus`)], `${base}/tanh`)], base),
};

/** The activation names `applyActivation` accepts. */
export function supportedActivations(): string[] {
  return Object.keys(ACTIVATIONS).sort();
}

/**
 * Applies a tfjs activation (`relu`, `relu6`, `softmax`, ...) to `ref`; `linear` adds nothing.
 * @throws RangeError listing the supported activations.
 */
export function applyActivation(g: GraphBuilder, ref: TensorRef, activation: unknown, base: string): TensorRef {
  const name = activation === undefined || activation === null ? 'linear' : activation;
  const fn = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
  if (!fn) {
    throw new RangeError(
      `Expected one of ${supportedActivations().join(', ')} for the activation of ${base} but received ` +
        `${JSON.stringify(name)}`,
    );
  }
  return { ...ref, name: fn(g, ref.name, base, ref) };
}

registerConverter('Activation', (ctx) =>
  applyActivation(ctx.graph, single(ctx), ctx.config.activation, ctx.layer.name),
);

registerConverter('ReLU', (ctx) => {
  const x = single(ctx);
  const maxValue = ctx.config.maxValue;
  if (maxValue === null || maxValue === undefined)
    return { ...x, name: ctx.graph.add('Relu', [x.name], ctx.layer.name) };
  if (typeof maxValue !== 'number') unsupported(ctx, 'maxValue', maxValue);
  return { ...x, name: clip(ctx.graph, x.name, ctx.layer.name, 0, maxValue) };
});

registerConverter('LeakyReLU', (ctx) => {
  const x = single(ctx);
  const alpha = (ctx.config.alpha as number | undefined) ?? 0.3;
  return { ...x, name: ctx.graph.add('LeakyRelu', [x.name], ctx.layer.name, { alpha: { f: alpha } }) };
});

registerConverter('ELU', (ctx) => {
  const x = single(ctx);
  const alpha = (ctx.config.alpha as number | undefined) ?? 1;
  return { ...x, name: ctx.graph.add('Elu', [x.name], ctx.layer.name, { alpha: { f: alpha } }) };
});

registerConverter('Softmax', (ctx) => {
  const x = single(ctx);
  const axis = (ctx.config.axis as number | undefined) ?? -1;
  if (typeof axis !== 'number') unsupported(ctx, 'axis', axis);
  return { ...x, name: ctx.graph.add('Softmax', [x.name], ctx.layer.name, { axis: { i: onnxAxis(axis, x) } }) };
});
