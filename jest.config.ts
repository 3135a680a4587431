import type { Config } from 'jest';

// The AWS SDK warns once per worker that its 2027 releases will need Node 22; the tests run on
// Node 20 on purpose (our floor), so the warning is only noise in their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// One Jest project per package and per example, each two levels below the root. Sources are run
// from TypeScript directly (no build needed); `@oncely/*` imports resolve to the package's `src`.
const packages = '<rootDir>/../../packages';

const moduleNameMapper = {
  '^@oncely/core$': `${packages}/core/src/index.ts`,
  '^@oncely/core/testing$': `${packages}/core/src/testing/index.ts`,
  '^@oncely/dynamodb$': `${packages}/dynamodb/src/index.ts`,
  '^@oncely/dynamodb-local$': `${packages}/dynamodb-local/src/index.ts`,
  '^@oncely/middy$': `${packages}/middy/src/index.ts`,
  '^@oncely/redis$': `${packages}/redis/src/index.ts`,
  // ESM sources import siblings as `./x.js`; the test run maps that back to `./x.ts`.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.test.json' }],
};

const defaultPrefixes = '<rootDir>/../../scripts/jest-default-prefixes.ts';

const project = (directory: string, extra: Partial<Config> = {}): Config => ({
  displayName: directory.replace(/^packages\//, '').replace(/^examples\//, 'example-'),
  rootDir: `<rootDir>/${directory}`,
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testEnvironment: 'node',
  moduleNameMapper,
  transform,
  ...extra,
  setupFilesAfterEnv: [defaultPrefixes, ...(extra.setupFilesAfterEnv ?? [])],
});

// Middy ships ESM only; Jest runs CommonJS, so its files are transpiled like ours. (The
// Powertools packages ship CommonJS too and need no transform.)
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

// One DynamoDB Local per project; each test file makes its own table.
const onDynamoDBLocal: Partial<Config> = {
  globalSetup: `${packages}/dynamodb-local/jest/globalSetup.cjs`,
  globalTeardown: `${packages}/dynamodb-local/jest/globalTeardown.cjs`,
  ...integration,
};

const config: Config = {
  projects: [
    project('packages/core'),
    project('packages/middy', esmDependencies),
    // Its tests start DynamoDB Local themselves: starting it is what they test.
    project('packages/dynamodb-local', integration),
    project('packages/dynamodb', { ...esmDependencies, ...onDynamoDBLocal }),
    // Each test file starts its own redis-server.
    project('packages/redis', { ...esmDependencies, ...integration }),
    project('examples/payments', onDynamoDBLocal),
    project('examples/write-patterns', onDynamoDBLocal),
    project('examples/api-payments', { ...esmDependencies, ...onDynamoDBLocal }),
    project('examples/batch-records', onDynamoDBLocal),
    project('examples/async-requests', onDynamoDBLocal),
  ],
};

export default config;
