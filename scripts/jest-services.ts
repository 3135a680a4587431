import { spawnSync } from 'node:child_process';
import { findJava } from '../packages/dynamodb-local/src/findJava';

/**
 * A program some test suites run against. jest.config.ts asks once whether it is there; when it
 * is not, those suites are left out with one line at the start and one in the summary, unless
 * `requireEnv` is set to 1 (CI), which makes its absence an error.
 *
 * @example
 * ```ts
 * const { missing } = redisServer(); // undefined, or why not and how to install it
 * ```
 */
export interface Service {
  /** What the suites need, as the skip lines name it. */
  name: string;
  /** `ONCELY_REQUIRE_…`: set to 1, a missing service fails the run instead of skipping suites. */
  requireEnv: string;
  /** Undefined when the service can run; else why not. */
  missing: string | undefined;
  /** How to install it. */
  install: string;
}

/**
 * DynamoDB Local's Java 17+, found the way `startDynamoDBLocal` finds it (`$JAVA_HOME`, then the PATH).
 *
 * @example
 * ```ts
 * const java = dynamodbLocal();
 * ```
 */
export const dynamodbLocal = (): Service => {
  let missing: string | undefined;
  try {
    findJava();
  } catch (error) {
    // findJava's own advice names its `java` option, of no use here: keep the reason only.
    missing = (error as Error).message.split('; install ')[0];
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

/**
 * The `redis-server` on the PATH that packages/redis/test/redisServer.ts starts for each test file.
 *
 * @example
 * ```ts
 * const redis = redisServer();
 * ```
 */
export const redisServer = (): Service => {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', timeout: 15_000 });
  const missing =
    probe.error !== undefined || probe.status !== 0
      ? `"redis-server --version" failed (${probe.error?.message ?? `exit code ${probe.status}`})`
      : undefined;
  return {
    name: 'redis-server',
    requireEnv: 'ONCELY_REQUIRE_REDIS',
    missing,
    install: 'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)',
  };
};

/**
 * Why the run must stop: the service is missing although its `requireEnv` is set to 1.
 *
 * @example
 * ```ts
 * requiredButMissing(redisServer()); // with ONCELY_REQUIRE_REDIS=1 and no redis-server: the reason
 * ```
 */
export const requiredButMissing = (service: Service): string | undefined =>
  service.missing !== undefined && process.env[service.requireEnv] === '1'
    ? `${service.requireEnv}=1, but ${service.name} cannot run: ${service.missing}; ${service.install}, ` +
      `or unset ${service.requireEnv} to skip the tests that need it`
    : undefined;
