import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { AttributeNames } from './layout.js';
import { defaultAttributeNames } from './layout.js';

/**
 * Options of {@link createIdempotencyTable}.
 *
 * @example
 * ```ts
 * await createIdempotencyTable({ client, tableName: 'shared', sortKey: { attribute: 'sk' } });
 * ```
 */
export interface CreateIdempotencyTableOptions {
  client: DynamoDBClient;
  tableName: string;
  /** The same `attributes` as given to the store; only `key` and `expiration` matter here. */
  attributes?: Partial<Pick<AttributeNames, 'key' | 'expiration'>>;
  /** The same `sortKey` as given to the store: adds a string sort key. */
  sortKey?: { attribute: string };
  /** How long to wait for the table to become ACTIVE. Default 300. */
  maxWaitSeconds?: number;
}

const isNamed = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

/**
 * Creates a table for `DynamoDBStore`: on-demand billing, string key(s), TTL on the expiration
 * attribute. Waits until the table is ACTIVE. A table that already exists is left as it is,
 * apart from enabling TTL when it is off; `created` tells which happened.
 * For production, prefer infrastructure as code (see the README's CloudFormation snippet).
 *
 * @example
 * ```ts
 * await createIdempotencyTable({ client: new DynamoDBClient({}), tableName: 'idempotency' });
 * ```
 */
export const createIdempotencyTable = async (options: CreateIdempotencyTableOptions): Promise<{ created: boolean }> => {
  const { client, tableName } = options;
  const keyAttribute = options.attributes?.key ?? defaultAttributeNames.key;
  const ttlAttribute = options.attributes?.expiration ?? defaultAttributeNames.expiration;
  const keys: KeySchemaElement[] = [{ AttributeName: keyAttribute, KeyType: 'HASH' }];
  if (options.sortKey !== undefined) keys.push({ AttributeName: options.sortKey.attribute, KeyType: 'RANGE' });
  const definitions: AttributeDefinition[] = keys.map(({ AttributeName }) => ({ AttributeName, AttributeType: 'S' }));

  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: keys,
        AttributeDefinitions: definitions,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!isNamed(error, 'ResourceInUseException')) throw error;
    created = false;
  }
  await waitUntilTableExists(
    { client, minDelay: 1, maxDelay: 5, maxWaitTime: options.maxWaitSeconds ?? 300 },
    { TableName: tableName },
  );

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
  return { created };
};
