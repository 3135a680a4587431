import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

/**
 * `DynamoDBClient` configuration for a local endpoint: region us-east-1 and dummy credentials
 * (DynamoDB Local accepts any), so no AWS profile or environment is needed.
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localClientConfig(process.env.ONCELY_DYNAMODB_ENDPOINT!));
 * ```
 */
export const localClientConfig = (endpoint: string) =>
  ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }) satisfies DynamoDBClientConfig;
