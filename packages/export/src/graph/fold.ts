/**
 * Folds inference BatchNormalization into the Conv or Gemm (`transB = 1`) that produces its
 * input when nothing else reads that output: W' = W * s per output channel, b' = (b - mean) * s + beta,
 * with s = gamma / sqrt(var + epsilon). Every weight's first axis is the output channel.
 */
import type { onnx as O } from 'onnx-proto';
import { floatTensor, readFloats } from '../onnx/proto.js';

function attrF(node: O.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.f ?? fallback;
}

function attrI(node: O.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i === undefined || a.i === null ? fallback : Number(a.i);
}

/**
 * Folds what it can in place and returns how many BatchNormalization nodes were removed.
 *
 * @example
 * const folded = foldBatchNorm(graph.nodes, graph.initializers, ['score']);
 */
export function foldBatchNorm(nodes: O.INodeProto[], initializers: O.ITensorProto[], graphOutputs: string[]): number {
  const inits = new Map(initializers.map((t) => [t.name!, t]));
  const consumers = new Map<string, number>();
  for (const n of nodes) for (const i of n.input ?? []) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map<string, O.INodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const removed = new Set<O.INodeProto>();

  for (const bn of nodes) {
    if (bn.opType !== 'BatchNormalization') continue;
    const [x, scaleName, biasName, meanName, varName] = bn.input as string[];
    const prev = producer.get(x!);
    if (!prev || consumers.get(x!) !== 1 || graphOutputs.includes(x!)) continue;
    const isConv = prev.opType === 'Conv';
    const isGemm =
      prev.opType === 'Gemm' &&
      attrI(prev, 'transB', 0) === 1 &&
      attrI(prev, 'transA', 0) === 0 &&
      attrF(prev, 'alpha', 1) === 1 &&
      attrF(prev, 'beta', 1) === 1;
    if (!isConv && !isGemm) continue;
    const wInit = inits.get(prev.input![1]!);
    const bnInits = [scaleName, biasName, meanName, varName].map((n) => inits.get(n!));
    if (!wInit || bnInits.some((t) => !t) || (consumers.get(wInit.name!) ?? 0) !== 1) continue;
    const [gamma, beta, mean, variance] = bnInits.map((t) => readFloats(t!)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const eps = attrF(bn, 'epsilon', 1e-5);
    const w = readFloats(wInit);
    const outCh = gamma.length;
    const per = w.length / outCh;
    const bInit = prev.input![2] ? inits.get(prev.input![2]) : undefined;
    if (prev.input![2] && (!bInit || (consumers.get(bInit.name!) ?? 0) !== 1)) continue;
    const b = bInit ? readFloats(bInit) : new Float32Array(outCh);
    const newB = new Float32Array(outCh);
    for (let o = 0; o < outCh; o++) {
      const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
      for (let k = 0; k < per; k++) w[o * per + k]! *= s;
      newB[o] = (b[o]! - mean[o]!) * s + beta[o]!;
    }
    Object.assign(wInit, floatTensor(wInit.name!, wInit.dims as number[], w));
    const biasTensorName = bInit?.name ?? `${wInit.name}_bnbias`;
    const biasTensor = floatTensor(biasTensorName, [outCh], newB);
    if (bInit) Object.assign(bInit, biasTensor);
    else {
      initializers.push(biasTensor);
      inits.set(biasTensorName, biasTensor);
      prev.input = [prev.input![0]!, prev.input![1]!, biasTensorName];
    }
    prev.output = [bn.output![0]!];
    removed.add(bn);
  }
  return removeNodes(nodes, initializers, removed);
}

/** Removes `removed` from `nodes` (in place) and drops initialisers no node reads; returns how many went. */
export function removeNodes(nodes: O.INodeProto[], initializers: O.ITensorProto[], removed: Set<O.INodeProto>): number {
  if (removed.size === 0) return 0;
  const kept = nodes.filter((n) => !removed.has(n));
  nodes.splice(0, nodes.length, ...kept);
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  const live = initializers.filter((t) => used.has(t.name!));
  initializers.splice(0, initializers.length, ...live);
  return removed.size;
}
