/**
 * Structural validation of a ModelProto before it is written: opset imports present, every
 * node input defined before use (graph input, initialiser or an earlier node's output), each
 * tensor produced once, node names unique, initialisers well formed (dims x element size = raw data length) and
 * every graph output produced.
 */
import { IqaError } from '@iqa-zoo/core';
import type { onnx as O } from 'onnx-proto';
import { BYTES_PER_ELEMENT } from '../onnx/proto.js';

/** The problems found in `model` (empty when it is well formed). */
export function findModelProblems(model: O.IModelProto): string[] {
  const problems: string[] = [];
  const opsets = model.opsetImport ?? [];
  if (!opsets.some((o) => (o.domain ?? '') === '' && Number(o.version) > 0))
    problems.push('opset_import: expected a version for the default ONNX domain');
  if (!model.irVersion) problems.push('ir_version: expected a positive IR version');
  const graph = model.graph;
  if (!graph) return [...problems, 'graph: missing'];

  const defined = new Set<string>();
  const define = (name: string, where: string): void => {
    if (!name) problems.push(`${where}: expected a non-empty tensor name`);
    else if (defined.has(name)) problems.push(`${where}: tensor ${JSON.stringify(name)} is defined more than once`);
    defined.add(name);
  };

  for (const input of graph.input ?? []) {
    define(input.name ?? '', 'graph.input');
    if (!input.type?.tensorType?.elemType)
      problems.push(`graph.input ${JSON.stringify(input.name)}: expected a tensor type`);
  }
  for (const t of graph.initializer ?? []) {
    const where = `initializer ${JSON.stringify(t.name)}`;
    define(t.name ?? '', 'initializer');
    const dims = (t.dims ?? []).map(Number);
    const size = BYTES_PER_ELEMENT[t.dataType ?? 0];
    if (dims.some((d) => !Number.isInteger(d) || d < 0))
      problems.push(`${where}: expected non-negative integer dims but received [${dims.join(', ')}]`);
    else if (size === undefined) problems.push(`${where}: unsupported data type ${t.dataType}`);
    else {
      const expectedBytes = dims.reduce((a, b) => a * b, 1) * size;
      const got = t.rawData?.length ?? 0;
      if (got !== expectedBytes)
        problems.push(
          `${where}: expected ${expectedBytes} bytes of raw data for dims [${dims.join(', ')}] but received ${got}`,
        );
    }
  }
  const nodeNames = new Set<string>();
  (graph.node ?? []).forEach((node, i) => {
    const where = `node ${i} (${node.opType} ${JSON.stringify(node.name)})`;
    if (node.name) {
      if (nodeNames.has(node.name))
        problems.push(`${where}: node name ${JSON.stringify(node.name)} is used more than once`);
      nodeNames.add(node.name);
    }
    if (!node.opType) problems.push(`${where}: expected an op type`);
    for (const input of node.input ?? []) {
      if (input !== '' && !defined.has(input))
        problems.push(`${where}: input ${JSON.stringify(input)} is not defined before it is used`);
    }
    if (!node.output?.length) problems.push(`${where}: expected at least one output`);
    for (const output of node.output ?? []) define(output, where);
  });
  for (const output of graph.output ?? []) {
    if (!defined.has(output.name ?? ''))
      problems.push(`graph.output ${JSON.stringify(output.name)}: not produced by any node`);
    if (!output.type?.tensorType?.elemType)
      problems.push(`graph.output ${JSON.stringify(output.name)}: expected a tensor type`);
  }
  if (!graph.output?.length) problems.push('graph.output: expected at least one output');
  return problems;
}

/**
 * Throws `IqaError('EXPORT_INVALID')` listing every structural problem of `model`.
 *
 * @example
 * validateModelProto(toModelProto(model)); // throws on a dangling input
 */
export function validateModelProto(model: O.IModelProto): void {
  const problems = findModelProblems(model);
  if (problems.length > 0) throw new IqaError('EXPORT_INVALID', `Invalid ONNX model:\n  - ${problems.join('\n  - ')}`);
}
