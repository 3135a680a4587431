import type { Config } from 'jest';
import { dynamodbLocal, redisServer, requiredButMissing, type Service, testFiles } from './scripts/jest-services.cjs';

// The AWS SDK warns once per worker about the Node versions its 2027 releases will need; the
// tests also run on the machine's Node, whatever it is, so the warning is only noise there.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// One Jest project per package and per example, each two levels below the root. Sources are run
// from TypeScript directly (no build needed); `@oncely/*` imports resolve to the package's `src`.
const packages = '<rootDir>/../../packages';

const moduleNameMapper = {
  '^@oncely/core$': `${packages}/core/src/index.ts`,
  '^@oncely/core/testing$': `${packages}/core/src/testing/index.ts`,
  '^@oncely/core/engine$': `${packages}/core/src/entries/engine.ts`,
  '^@oncely/core/jmespath$': `${packages}/core/src/entries/jmespath.ts`,
  '^@oncely/dynamodb/patterns$': `${packages}/dynamodb/src/patterns/index.ts`,
  '^@oncely/dynamodb$': `${packages}/dynamodb/src/index.ts`,
  '^@oncely/dynamodb-local$': `${packages}/dynamodb-local/src/index.ts`,
  '^@oncely/middy$': `${packages}/middy/src/index.ts`,
  '^@oncely/redis$': `${packages}/redis/src/index.ts`,
  '^@oncely/cli$': `${packages}/cli/src/index.ts`,
  // ESM sources import siblings as `./x.js`; the test run maps that back to `./x.ts`.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.test.json' }],
};

const defaultPrefixes = '<rootDir>/../../scripts/jest-default-prefixes.ts';
const quietOncely = '<rootDir>/../../scripts/jest-quiet-oncely.ts';

// Asked once per run: is each service some suites need installed? Without one, its suites are
// left out (one line now, one under the summary); with its ONCELY_REQUIRE_… set to 1 (CI), the
// run stops here instead.
const dynamodb = dynamodbLocal();
const redis = redisServer();
const stops = [dynamodb, redis].flatMap((service) => requiredButMissing(service) ?? []);
if (stops.length > 0) {
  // Thrown, the reason would come under "Failed to parse the TypeScript config file".
  for (const reason of stops) process.stderr.write(`oncely: ${reason}\n`);
  process.exit(1);
}

/** Which test files of a project need a service; by default every `*.int.test.ts`. */
interface Needs {
  service: Service;
  tests?: RegExp;
}

const skipped = new Map<Service, { files: number; projects: string[] }>();

const project = (directory: string, extra: Partial<Config> = {}, needs: Needs | Needs[] = []): Config[] => {
  const displayName = directory.replace(/^packages\//, '').replace(/^examples\//, 'example-');
  const config: Config = {
    displayName,
    rootDir: `<rootDir>/${directory}`,
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testEnvironment: 'node',
    moduleNameMapper,
    transform,
    ...extra,
    setupFilesAfterEnv: [defaultPrefixes, quietOncely, ...(extra.setupFilesAfterEnv ?? [])],
  };
  const missing = [needs].flat().filter((need) => need.service.missing !== undefined);
  if (missing.length === 0) return [config];
  const files = testFiles(directory);
  const needing = missing.map((need) => need.tests ?? /\.int\.test\.ts$/);
  for (const [index, need] of missing.entries()) {
    const left = skipped.get(need.service) ?? { files: 0, projects: [] };
    skipped.set(need.service, left);
    left.files += files.filter((file) => needing[index]?.test(file)).length;
    left.projects.push(displayName);
  }
  if (files.every((file) => needing.some((pattern) => pattern.test(file)))) return [];
  const ignored = {
    ...config,
    testPathIgnorePatterns: ['/node_modules/', ...needing.map((pattern) => pattern.source)],
  };
  // The rest of the project's tests still run; without DynamoDB Local, without its global setup.
  if (!missing.some((need) => need.service === dynamodb)) return [ignored];
  const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = ignored;
  return [rest];
};

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

const needsDynamoDB: Needs = { service: dynamodb };

const projects: Config[] = [
  ...project('packages/core'),
  ...project('packages/middy', esmDependencies),
  // Its tests start DynamoDB Local themselves: starting it is what they test. The fault proxy's
  // tests run against a stand-in and need no Java.
  ...project('packages/dynamodb-local', integration, {
    service: dynamodb,
    tests: /(startDynamoDBLocal|streamRunner)\.int\.test\.ts$/,
  }),
  ...project('packages/dynamodb', { ...esmDependencies, ...onDynamoDBLocal }, needsDynamoDB),
  // Each test file starts its own redis-server.
  ...project('packages/redis', { ...esmDependencies, ...integration }, { service: redis }),
  // Runs the bin as a child process on DynamoDB Local, and on a redis-server of the test file's own.
  ...project('packages/cli', { ...esmDependencies, ...onDynamoDBLocal }, [
    { service: dynamodb, tests: /dynamodb\.int\.test\.ts$/ },
    { service: redis, tests: /redis\.int\.test\.ts$/ },
  ]),
  ...project('examples/payments', onDynamoDBLocal, needsDynamoDB),
  ...project('examples/write-patterns', onDynamoDBLocal, needsDynamoDB),
  ...project('examples/api-payments', { ...esmDependencies, ...onDynamoDBLocal }, needsDynamoDB),
  ...project('examples/batch-records', onDynamoDBLocal, needsDynamoDB),
  ...project('examples/async-requests', onDynamoDBLocal, needsDynamoDB),
];

// One line per missing service before the run, and the same under Jest's summary.
const skipLines = [...skipped].map(
  ([service, { files, projects: names }]) =>
    `oncely: skipping ${files} test files that need ${service.name} (${names.join(', ')}): ${service.missing}; ` +
    `${service.install}. ${service.requireEnv}=1 makes this a failure.`,
);
for (const line of skipLines) process.stderr.write(`${line}\n`);

const config: Config = {
  projects,
  ...(skipLines.length > 0 && {
    reporters: ['default', ['<rootDir>/scripts/jest-skipped-reporter.cjs', { lines: skipLines }]],
  }),
};

export default config;
