/**
 * The environment variable through which the Jest global setup hands the endpoint to tests.
 *
 * @example
 * ```ts
 * process.env[ENDPOINT_ENV] = dynamodb.endpoint;
 * ```
 */
export const ENDPOINT_ENV = 'ONCELY_DYNAMODB_ENDPOINT';

/**
 * The endpoint of the DynamoDB Local started by this package's Jest global setup.
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localClientConfig(localEndpoint()));
 * ```
 */
export const localEndpoint = (): string => {
  const endpoint = process.env[ENDPOINT_ENV];
  if (endpoint === undefined || endpoint === '') {
    throw new Error(
      `${ENDPOINT_ENV} is not set: add @oncely/dynamodb-local's jest/globalSetup and jest/globalTeardown ` +
        'to this Jest project, or start DynamoDB Local with startDynamoDBLocal() and set it yourself',
    );
  }
  return endpoint;
};
