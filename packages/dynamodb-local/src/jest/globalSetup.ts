import { ENDPOINT_ENV } from '../localEndpoint.js';
import { acquireSharedInstance } from './sharedInstance.js';

/**
 * Jest `globalSetup`: starts DynamoDB Local for the project and tells the test workers its
 * endpoint through `ONCELY_DYNAMODB_ENDPOINT` (workers inherit the environment).
 *
 * @example
 * ```ts
 * // jest.config.ts, in a project
 * globalSetup: '<rootDir>/../dynamodb-local/jest/globalSetup.cjs',
 * globalTeardown: '<rootDir>/../dynamodb-local/jest/globalTeardown.cjs',
 * ```
 */
export default async function globalSetup(): Promise<void> {
  const { endpoint } = await acquireSharedInstance();
  process.env[ENDPOINT_ENV] = endpoint;
}
