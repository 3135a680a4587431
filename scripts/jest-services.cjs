// The programs some test suites run against, asked about once per run by jest.config.ts. When one
// is missing, the suites that need it are left out, with one line at the start and one under the
// summary; with its ONCELY_REQUIRE_… set to 1 (as CI does) its absence is an error instead.
//
// CommonJS, not TypeScript: Node 22.18+ loads jest.config.ts natively as ESM and older Nodes
// through ts-node as CommonJS, and a .cjs module (with its own __dirname) reads the same in both.
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { require: tsxRequire } = require('tsx/cjs/api');

// The same lookup (JAVA_HOME, then the PATH) and Java 17+ check as startDynamoDBLocal.
const { findJava } = tsxRequire('../packages/dynamodb-local/src/findJava.ts', __filename);

/**
 * @typedef {object} Service
 * @property {string} name what the suites need, as the lines name it
 * @property {string} requireEnv set to 1, a missing service fails the run instead of skipping suites
 * @property {string | undefined} missing undefined when the service can run; else why not
 * @property {string} install how to install it
 */

/** @returns {Service} DynamoDB Local's Java 17+. */
const dynamodbLocal = () => {
  let missing;
  try {
    findJava();
  } catch (error) {
    // findJava's own advice names its `java` option, of no use here: keep the reason only.
    missing = error.message.split('; install ')[0];
  }
  return {
    name: 'DynamoDB Local',
    requireEnv: 'ONCELY_REQUIRE_DYNAMODB_LOCAL',
    missing,
    install:
      'install Java 17+ (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) ' +
      'or point JAVA_HOME at one',
  };
};

/** @returns {Service} the redis-server on the PATH that packages/redis/test/redisServer.ts starts. */
const redisServer = () => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 15_000 });
  const failed = probe.error !== undefined || probe.status !== 0;
  return {
    name: 'redis-server',
    requireEnv: 'ONCELY_REQUIRE_REDIS',
    missing: failed
      ? `"redis-server --version" failed (${probe.error?.message ?? `exit code ${probe.status}`})`
      : undefined,
    install: 'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)',
  };
};

/** @returns {string | undefined} why the run must stop: missing although `requireEnv` is 1. */
const requiredButMissing = (service) =>
  service.missing !== undefined && process.env[service.requireEnv] === '1'
    ? `${service.requireEnv}=1, but ${service.name} cannot run: ${service.missing}; ${service.install}, ` +
      `or unset ${service.requireEnv} to skip the tests that need it`
    : undefined;

/** @returns {string[]} the `*.test.ts` files under `<directory>/test`, `directory` from the repository root. */
const testFiles = (directory) =>
  readdirSync(join(__dirname, '..', directory, 'test'), { recursive: true }).filter((file) =>
    file.endsWith('.test.ts'),
  );

module.exports = { dynamodbLocal, redisServer, requiredButMissing, testFiles };
