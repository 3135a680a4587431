import { randomUUID } from 'node:crypto';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

/**
 * Options of {@link createTestTable}.
 *
 * @example
 * ```ts
 * await createTestTable(client, { partitionKey: 'pk', sortKey: 'sk' });
 * ```
 */
export interface TestTableOptions {
  /** Default: `test-<uuid>`, unique per call. */
  tableName?: string;
  /** Partition key attribute (type S). Default `id`. */
  partitionKey?: string;
  /** Sort key attribute (type S), for a composite primary key. Default: none. */
  sortKey?: string;
}

/**
 * A table made for one test file.
 *
 * @example
 * ```ts
 * const table: TestTable = await createTestTable(client);
 * afterAll(table.deleteTable);
 * ```
 */
export interface TestTable {
  tableName: string;
  /** Deletes the table; a table already gone is fine. */
  deleteTable(): Promise<void>;
}

/**
 * Creates a uniquely named on-demand table with a string partition key (`id` unless told)
 * and optionally a string sort key. On DynamoDB Local the table is ACTIVE at once.
 *
 * @example
 * ```ts
 * const { tableName, deleteTable } = await createTestTable(client, { sortKey: 'sk' });
 * afterAll(deleteTable);
 * ```
 */
export const createTestTable = async (client: DynamoDBClient, options: TestTableOptions = {}): Promise<TestTable> => {
  const tableName = options.tableName ?? `test-${randomUUID()}`;
  const keys: KeySchemaElement[] = [{ AttributeName: options.partitionKey ?? 'id', KeyType: 'HASH' }];
  if (options.sortKey !== undefined) keys.push({ AttributeName: options.sortKey, KeyType: 'RANGE' });
  const definitions: AttributeDefinition[] = keys.map(({ AttributeName }) => ({ AttributeName, AttributeType: 'S' }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: keys,
      AttributeDefinitions: definitions,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const deleteTable = async (): Promise<void> => {
    try {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  };
  return { tableName, deleteTable };
};
