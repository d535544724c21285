/** Jest runs the TypeScript sources directly (swc strips types; `npm run typecheck` checks them). */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];

/** @type {import('jest').Config} */
export default {
  // Shares the outer realm's typed arrays with tests, so onnxruntime-node's tensors pass instanceof checks.
  testEnvironment: '<rootDir>/packages/runtime-node/test/helpers/ort-environment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@iqa-zoo/(core|image-node|train|export|runtime-node|runtime-web|service|queue|cli)$':
      '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
  // A worker whose tests left nothing open still exits through Node's full teardown (every native
  // finalizer, then the ~250 MB heap freed page by page): measured 0.3-2.2 s from its 'exit' event to
  // the process ending on this loaded 2-core machine, so Jest's default 500 ms killed clean workers and
  // printed "A worker process has failed to exit gracefully". A worker that really leaks a handle is
  // still killed, and still reported, once this runs out.
  workerGracefulExitTimeout: 10_000,
};
