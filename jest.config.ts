import type { Config } from 'jest';

// The AWS SDK warns once per worker that its 2027 releases will need Node 22; the tests run on
// Node 20 on purpose (our floor), so the warning is only noise in their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// One Jest project per package. Sources are run from TypeScript directly (no build
// needed); `@oncely/*` imports resolve to the sibling package's `src`.
const moduleNameMapper = {
  '^@oncely/core$': '<rootDir>/../core/src/index.ts',
  '^@oncely/core/testing$': '<rootDir>/../core/src/testing/index.ts',
  '^@oncely/dynamodb$': '<rootDir>/../dynamodb/src/index.ts',
  '^@oncely/dynamodb-local$': '<rootDir>/../dynamodb-local/src/index.ts',
  '^@oncely/middy$': '<rootDir>/../middy/src/index.ts',
  // ESM sources import siblings as `./x.js`; the test run maps that back to `./x.ts`.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.test.json' }],
};

const project = (name: string, extra: Partial<Config> = {}): Config => ({
  displayName: name,
  rootDir: `<rootDir>/packages/${name}`,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testEnvironment: 'node',
  moduleNameMapper,
  transform,
  ...extra,
});

// Middy ships ESM only; Jest runs CommonJS, so its files are transpiled like ours.
const esmDependencies: Partial<Config> = {
  transform: {
    ...transform,
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|middy6|middy7)/)'],
  resolver: '<rootDir>/../../scripts/jest-middy-resolver.cjs',
};

const integration: Partial<Config> = {
  setupFilesAfterEnv: ['<rootDir>/../../scripts/jest-integration-timeout.cjs'],
};

const config: Config = {
  projects: [
    project('core'),
    project('middy', esmDependencies),
    project('dynamodb-local', integration),
    project('dynamodb', {
      ...esmDependencies,
      // One DynamoDB Local for the whole project; each test file makes its own table.
      globalSetup: '<rootDir>/../dynamodb-local/jest/globalSetup.cjs',
      globalTeardown: '<rootDir>/../dynamodb-local/jest/globalTeardown.cjs',
      ...integration,
    }),
    {
      displayName: 'example-payments',
      rootDir: '<rootDir>/examples/payments',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testEnvironment: 'node',
      moduleNameMapper: {
        '^@oncely/core$': '<rootDir>/../../packages/core/src/index.ts',
        '^@oncely/core/testing$': '<rootDir>/../../packages/core/src/testing/index.ts',
        '^@oncely/dynamodb$': '<rootDir>/../../packages/dynamodb/src/index.ts',
        '^@oncely/dynamodb-local$': '<rootDir>/../../packages/dynamodb-local/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      transform,
      globalSetup: '<rootDir>/../../packages/dynamodb-local/jest/globalSetup.cjs',
      globalTeardown: '<rootDir>/../../packages/dynamodb-local/jest/globalTeardown.cjs',
      ...integration,
    },
    {
      displayName: 'example-write-patterns',
      rootDir: '<rootDir>/examples/write-patterns',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testEnvironment: 'node',
      moduleNameMapper: {
        '^@oncely/core$': '<rootDir>/../../packages/core/src/index.ts',
        '^@oncely/dynamodb$': '<rootDir>/../../packages/dynamodb/src/index.ts',
        '^@oncely/dynamodb-local$': '<rootDir>/../../packages/dynamodb-local/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      transform,
      globalSetup: '<rootDir>/../../packages/dynamodb-local/jest/globalSetup.cjs',
      globalTeardown: '<rootDir>/../../packages/dynamodb-local/jest/globalTeardown.cjs',
      ...integration,
    },
    {
      displayName: 'example-api-payments',
      rootDir: '<rootDir>/examples/api-payments',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testEnvironment: 'node',
      moduleNameMapper: {
        '^@oncely/core$': '<rootDir>/../../packages/core/src/index.ts',
        '^@oncely/dynamodb$': '<rootDir>/../../packages/dynamodb/src/index.ts',
        '^@oncely/dynamodb-local$': '<rootDir>/../../packages/dynamodb-local/src/index.ts',
        '^@oncely/middy$': '<rootDir>/../../packages/middy/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      // Middy 7 and @middy/http-json-body-parser 7 (in this example's own node_modules) are ESM
      // only; the Powertools Logger ships CommonJS and needs no transform.
      ...esmDependencies,
      globalSetup: '<rootDir>/../../packages/dynamodb-local/jest/globalSetup.cjs',
      globalTeardown: '<rootDir>/../../packages/dynamodb-local/jest/globalTeardown.cjs',
      ...integration,
    },
    {
      displayName: 'example-batch-records',
      rootDir: '<rootDir>/examples/batch-records',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testEnvironment: 'node',
      moduleNameMapper: {
        '^@oncely/core$': '<rootDir>/../../packages/core/src/index.ts',
        '^@oncely/dynamodb$': '<rootDir>/../../packages/dynamodb/src/index.ts',
        '^@oncely/dynamodb-local$': '<rootDir>/../../packages/dynamodb-local/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      // @aws-lambda-powertools/batch ships CommonJS too: no transform needed.
      transform,
      globalSetup: '<rootDir>/../../packages/dynamodb-local/jest/globalSetup.cjs',
      globalTeardown: '<rootDir>/../../packages/dynamodb-local/jest/globalTeardown.cjs',
      ...integration,
    },
    {
      displayName: 'example-async-requests',
      rootDir: '<rootDir>/examples/async-requests',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testEnvironment: 'node',
      moduleNameMapper: {
        '^@oncely/core$': '<rootDir>/../../packages/core/src/index.ts',
        '^@oncely/dynamodb$': '<rootDir>/../../packages/dynamodb/src/index.ts',
        '^@oncely/dynamodb-local$': '<rootDir>/../../packages/dynamodb-local/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      // @aws-lambda-powertools/batch ships CommonJS too: no transform needed.
      transform,
      globalSetup: '<rootDir>/../../packages/dynamodb-local/jest/globalSetup.cjs',
      globalTeardown: '<rootDir>/../../packages/dynamodb-local/jest/globalTeardown.cjs',
      ...integration,
    },
  ],
};

export default config;
