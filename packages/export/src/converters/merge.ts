/**
 * Merge layers: Add, Multiply, Maximum, Minimum, Average and Concatenate.
 * Inputs are brought to one layout first (rank-4 inputs to NCHW), so no Transpose is
 * added for networks whose branches all come from convolutions.
 */
import { onnxAxis, type TensorRef } from '../graph/builder.js';
import { registerConverter, type ConvertContext } from './registry.js';

/** The inputs in one layout: NCHW when they are rank 4. */
function aligned(ctx: ConvertContext): TensorRef[] {
  return ctx.inputs.map((x, i) =>
    ctx.graph.toLayout(x, x.rank === 4 ? 'nchw' : 'native', `${ctx.layer.name}/input${i}`),
  );
}

function elementwise(op: 'Add' | 'Mul' | 'Max' | 'Min', average = false) {
  return (ctx: ConvertContext): TensorRef => {
    const g = ctx.graph;
    const xs = aligned(ctx);
    const variadic = op === 'Max' || op === 'Min';
    const base = average ? `${ctx.layer.name}/sum` : ctx.layer.name;
    let name: string;
    if (variadic)
      name = g.add(
        op,
        xs.map((x) => x.name),
        base,
      );
    else {
      name = xs[0]!.name;
      xs.slice(1).forEach((x, i) => {
        name = g.add(op, [name, x.name], i === xs.length - 2 ? base : `${base}/${i}`);
      });
    }
    if (average) name = g.add('Mul', [name, g.scalar('const_f', 1 / xs.length)], ctx.layer.name);
    return { ...xs[0]!, name };
  };
}

registerConverter('Add', elementwise('Add'));
registerConverter('Multiply', elementwise('Mul'));
registerConverter('Maximum', elementwise('Max'));
registerConverter('Minimum', elementwise('Min'));
registerConverter('Average', elementwise('Add', true));

registerConverter('Concatenate', (ctx) => {
  const xs = aligned(ctx);
  const axis = onnxAxis((ctx.config.axis as number | undefined) ?? -1, xs[0]!);
  return {
    ...xs[0]!,
    name: ctx.graph.add(
      'Concat',
      xs.map((x) => x.name),
      ctx.layer.name,
      { axis: { i: axis } },
    ),
  };
});
