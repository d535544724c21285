/**
 * Jest's node environment gives each test file its own typed-array constructors, but
 * onnxruntime-node builds output tensors from the outer realm's arrays, and onnxruntime-common
 * (loaded inside the test realm) then rejects them ("A float32 tensor's data must be type of
 * Float32Array"). This environment shares the outer realm's typed arrays with the tests, as
 * jest-environment-node already does for Uint8Array and ArrayBuffer.
 * Use with the docblock `@jest-environment ./packages/runtime-node/test/helpers/ort-environment.cjs`.
 */
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const SHARED = [
  'Int8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
