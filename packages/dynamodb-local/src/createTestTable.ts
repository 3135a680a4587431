import { randomUUID } from 'node:crypto';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceNotFoundException,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';

/**
 * Options of {@link createTestTable}.
 *
 * @example
 * ```ts
 * await createTestTable(client, { partitionKey: 'pk', sortKey: 'sk', stream: 'NEW_IMAGE' });
 * ```
 */
export interface TestTableOptions {
  /** Default: `test-<uuid>`, unique per call. */
  tableName?: string;
  /** Partition key attribute (type S). Default `id`. */
  partitionKey?: string;
  /** Sort key attribute (type S), for a composite primary key. Default: none. */
  sortKey?: string;
  /** Enables a DynamoDB stream with this view type (`true`: `NEW_AND_OLD_IMAGES`). Default: none. */
  stream?: boolean | StreamViewType;
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
  /** ARN of the table's stream, when made with the `stream` option; read it with a `StreamRunner`. */
  streamArn?: string;
  /** Deletes the table; a table already gone is fine. */
  deleteTable(): Promise<void>;
}

/**
 * Creates a uniquely named on-demand table with a string partition key (`id` unless told),
 * optionally a string sort key and a stream. On DynamoDB Local the table is ACTIVE at once.
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
  const streamViewType = options.stream === true ? 'NEW_AND_OLD_IMAGES' : options.stream || undefined;
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: keys,
      AttributeDefinitions: definitions,
      BillingMode: 'PAY_PER_REQUEST',
      ...(streamViewType && { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType } }),
    }),
  );
  const deleteTable = async (): Promise<void> => {
    try {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  };
  const streamArn = TableDescription?.LatestStreamArn;
  return streamArn === undefined ? { tableName, deleteTable } : { tableName, streamArn, deleteTable };
};
