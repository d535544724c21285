/**
 * Folds a zero Pad (ZeroPadding2D) into the Conv that alone reads its output, as Keras'
 * MobileNetV2 pads before each stride-2 'valid' convolution: the Conv's explicit `pads` grow by
 * the Pad's spatial amounts and the Pad node goes. Only for Convs without `auto_pad`, and only
 * for Conv (a max pool pads with -infinity, not zero).
 */
import type { onnx as O } from 'onnx-proto';
import { DataType, attribute, floatTensor } from '../onnx/proto.js';
import { removeNodes } from './fold.js';

function int64Values(t: O.ITensorProto | undefined): number[] | undefined {
  if (!t || t.dataType !== DataType.INT64 || !t.rawData) return undefined;
  const copy = new Uint8Array(t.rawData);
  return Array.from(new BigInt64Array(copy.buffer, 0, copy.byteLength / 8), Number);
}

function attr(node: O.INodeProto, name: string): O.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/**
 * Folds what it can in place and returns how many Pad nodes were removed.
 *
 * @example
 * foldPadIntoConv(graph.nodes, graph.initializers, ['score']);
 */
export function foldPadIntoConv(nodes: O.INodeProto[], initializers: O.ITensorProto[], graphOutputs: string[]): number {
  const inits = new Map(initializers.map((t) => [t.name!, t]));
  const readers = new Map<string, O.INodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) readers.set(i, [...(readers.get(i) ?? []), n]);
  const removed = new Set<O.INodeProto>();
  for (const pad of nodes) {
    if (pad.opType !== 'Pad') continue;
    const mode = attr(pad, 'mode');
    if (mode?.s && new TextDecoder().decode(mode.s) !== 'constant') continue;
    if ((pad.input ?? []).length > 2 && pad.input![2]) continue;
    const pads = int64Values(inits.get(pad.input![1]!));
    const out = pad.output![0]!;
    const conv = readers.get(out);
    if (pads?.length !== 8 || pads[0] || pads[1] || pads[4] || pads[5] || graphOutputs.includes(out)) continue;
    if (conv?.length !== 1 || conv[0]!.opType !== 'Conv' || conv[0]!.input![0] !== out) continue;
    const target = conv[0]!;
    const autoPad = attr(target, 'auto_pad');
    if (autoPad?.s && !['NOTSET', 'VALID'].includes(new TextDecoder().decode(autoPad.s))) continue;
    const old = attr(target, 'pads')?.ints?.map(Number) ?? [0, 0, 0, 0];
    const merged = [old[0]! + pads[2]!, old[1]! + pads[3]!, old[2]! + pads[6]!, old[3]! + pads[7]!];
    target.attribute = [
      ...(target.attribute ?? []).filter((a) => a.name !== 'pads' && a.name !== 'auto_pad'),
      attribute('pads', { ints: merged }),
    ];
    target.input = [pad.input![0]!, ...target.input!.slice(1)];
    removed.add(pad);
  }
  return removeNodes(nodes, initializers, removed);
}

/**
 * Keeps onnxruntime from folding a zero Pad into a following MaxPool. Its PadFusion rewrite
 * (onnxruntime/core/optimizer/pad_fusion.cc) does so whenever the pad value's bytes are all
 * zero, but MaxPool ignores padded cells (pads with -infinity), so windows of negative values
 * change, and pads wider than the kernel fail to load. A pad value of -0.0 is numerically zero
 * and has a non-zero byte, so the rewrite leaves it alone. Returns how many Pads were marked.
 *
 * @example
 * protectPadBeforeMaxPool(graph.nodes, graph.initializers);
 */
export function protectPadBeforeMaxPool(nodes: O.INodeProto[], initializers: O.ITensorProto[]): number {
  const readers = new Map<string, O.INodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) readers.set(i, [...(readers.get(i) ?? []), n]);
  let marked = 0;
  let negativeZero: string | undefined;
  for (const pad of nodes) {
    if (pad.opType !== 'Pad' || (pad.input ?? []).length > 2) continue;
    if (!(readers.get(pad.output![0]!) ?? []).some((n) => n.opType === 'MaxPool')) continue;
    if (!negativeZero) {
      negativeZero = `${pad.name}/negative_zero`;
      initializers.push(floatTensor(negativeZero, [], Float32Array.of(-0)));
    }
    pad.input = [pad.input![0]!, pad.input![1]!, negativeZero];
    marked++;
  }
  return marked;
}
