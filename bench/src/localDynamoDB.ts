import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { createIdempotencyTable } from '@oncely/dynamodb';
import { localClientConfig, startDynamoDBLocal } from '@oncely/dynamodb-local';

/** DynamoDB Local with one table per library and an admin client for setup and inspection. */
export interface LocalDynamoDB {
  readonly endpoint: string;
  /** Not counted: for tables and for reading items back. */
  readonly admin: DynamoDBClient;
  readonly tables: { readonly oncely: string; readonly powertools: string };
  /** A new client on the endpoint (each library gets its own, so requests are counted apart). */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

// Powertools' documented table: partition key `id` (S), on-demand, TTL on `expiration`.
const createPowertoolsTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
};

/**
 * Starts DynamoDB Local (in memory, on a free loopback port) and creates a table for each library.
 *
 * @example
 * ```ts
 * const local = await startLocalDynamoDB();
 * try { ... } finally { await local.stop(); }
 * ```
 */
export const startLocalDynamoDB = async (): Promise<LocalDynamoDB> => {
  const dynamodb = await startDynamoDBLocal();
  const config = localClientConfig(dynamodb.endpoint);
  const admin = new DynamoDBClient(config);
  const clients: DynamoDBClient[] = [admin];
  const tables = { oncely: 'oncely-bench', powertools: 'powertools-bench' };
  try {
    await createIdempotencyTable({ client: admin, tableName: tables.oncely });
    await createPowertoolsTable(admin, tables.powertools);
  } catch (error) {
    admin.destroy();
    await dynamodb.stop();
    throw error;
  }
  return {
    endpoint: dynamodb.endpoint,
    admin,
    tables,
    client() {
      const client = new DynamoDBClient(config);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      await dynamodb.stop();
    },
  };
};
