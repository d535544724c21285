/**
 * Structural validation catches each kind of malformed graph before anything is written.
 */
import { IqaError } from '@iqa-zoo/core';
import { findModelProblems, validateModelProto } from '@iqa-zoo/export';
import type { onnx as O } from 'onnx-proto';

const FLOAT = 1;
const vi = (name: string): O.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } } },
});
const floats = (name: string, dims: number[], count: number): O.ITensorProto => ({
  name,
  dims,
  dataType: FLOAT,
  rawData: new Uint8Array(count * 4),
});

function good(): O.IModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      input: [vi('x')],
      initializer: [floats('w', [2], 2)],
      node: [
        { opType: 'Mul', name: 'mul', input: ['x', 'w'], output: ['y'] },
        { opType: 'Relu', name: 'relu', input: ['y'], output: ['score'] },
      ],
      output: [vi('score')],
    },
  };
}

test('a well-formed model has no problems', () => {
  expect(findModelProblems(good())).toEqual([]);
  expect(() => validateModelProto(good())).not.toThrow();
});

test.each<[string, (m: O.IModelProto) => void, RegExp]>([
  [
    'missing opset import',
    (m) => {
      m.opsetImport = [];
    },
    /opset_import: expected a version for the default ONNX domain/,
  ],
  [
    'undefined input',
    (m) => {
      m.graph!.node![1]!.input = ['nowhere'];
    },
    /input "nowhere" is not defined before it is used/,
  ],
  ['use before definition', (m) => void m.graph!.node!.reverse(), /input "y" is not defined before it is used/],
  [
    'raw data of the wrong length',
    (m) => {
      m.graph!.initializer = [floats('w', [3], 2)];
    },
    /expected 12 bytes of raw data for dims \[3\] but received 8/,
  ],
  [
    'negative dims',
    (m) => {
      m.graph!.initializer = [floats('w', [-2], 2)];
    },
    /expected non-negative integer dims/,
  ],
  [
    'unknown data type',
    (m) => {
      m.graph!.initializer![0]!.dataType = 99;
    },
    /unsupported data type 99/,
  ],
  [
    'a tensor defined twice',
    (m) => {
      m.graph!.node![1]!.output = ['y'];
    },
    /tensor "y" is defined more than once/,
  ],
  [
    'a duplicated node name',
    (m) => {
      m.graph!.node![1]!.name = 'mul';
    },
    /node name "mul" is used more than once/,
  ],
  [
    'an output nobody produces',
    (m) => {
      m.graph!.output = [vi('nothing')];
    },
    /graph.output "nothing": not produced by any node/,
  ],
])('%s is reported', (_name, breakIt, message) => {
  const model = good();
  breakIt(model);
  expect(findModelProblems(model).join('\n')).toMatch(message);
  expect(() => validateModelProto(model)).toThrow(IqaError);
  expect(() => validateModelProto(model)).toThrow(expect.objectContaining({ code: 'EXPORT_INVALID' }));
});
