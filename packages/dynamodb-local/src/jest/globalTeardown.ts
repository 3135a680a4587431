import { releaseSharedInstance } from './sharedInstance.js';

/**
 * Jest `globalTeardown`: stops the DynamoDB Local started by `globalSetup` and waits for the
 * java process to exit.
 *
 * @example
 * ```ts
 * // jest.config.ts, in a project
 * globalTeardown: '<rootDir>/../dynamodb-local/jest/globalTeardown.cjs',
 * ```
 */
export default async function globalTeardown(): Promise<void> {
  await releaseSharedInstance();
}
