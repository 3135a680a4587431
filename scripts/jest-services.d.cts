/** A program some test suites run against (see jest-services.cjs). */
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

/** DynamoDB Local's Java 17+, found as startDynamoDBLocal finds it (JAVA_HOME, then the PATH). */
export declare function dynamodbLocal(): Service;
/** The redis-server on the PATH that packages/redis/test/redisServer.ts starts. */
export declare function redisServer(): Service;
/** Why the run must stop: the service is missing although its `requireEnv` is set to 1. */
export declare function requiredButMissing(service: Service): string | undefined;
/** The `*.test.ts` files under `<directory>/test`, `directory` from the repository root. */
export declare function testFiles(directory: string): string[];
