// Shared jest settings: sources compiled by SWC (decorators + metadata for Nest), workspace libs
// resolved to their sources so tests never depend on a stale dist/.
const path = require('node:path');

const root = __dirname;

/** @param {string} dir the project's folder */
module.exports = (dir, overrides = {}) => ({
  rootDir: dir,
  testEnvironment: 'node',
  // unit: *.spec.ts beside the code; integration: *.int-spec.ts; end-to-end: *.e2e-spec.ts
  testMatch: ['**/*.spec.ts', '**/*.spec.tsx', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true, tsx: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // NestJS 12, aedes and a few of their dependencies ship ESM only: let SWC turn them into CJS.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|aedes|aedes-[^/]+|file-type|token-types|strtok3|@tokenizer|uint8array-extras|peek-readable|mqemitter|hyperid|@borewit)/)',
  ],
  moduleNameMapper: {
    '^@clusterpulse/(contracts|kpi|cluster-model)$': path.join(root, 'libs/$1/src/index.ts'),
  },
  ...overrides,
});
