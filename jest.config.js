/** Jest runs the TypeScript sources directly (swc strips types; `npm run typecheck` checks them). */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }];

/** @type {import('jest').Config} */
export default {
  // Shares the outer realm's typed arrays with tests, so onnxruntime-node's tensors pass instanceof checks.
  testEnvironment: '<rootDir>/packages/runtime-node/test/helpers/ort-environment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@iqa-zoo/(core|image-node|train|export|runtime-node|runtime-web|service|queue|cli)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
  maxWorkers: 2,
};
