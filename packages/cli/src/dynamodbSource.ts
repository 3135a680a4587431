import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import type { IdempotencyRecord } from '@oncely/core';
import {
  type AttributeNames,
  DynamoDBStore,
  type DynamoDBStoreOptions,
  decodeRecord,
  resolveStoreOptions,
  type TableLayout,
} from '@oncely/dynamodb';
import type { DeleteOutcome, FoundRecord, RecordSource, ScanRequest } from './source.js';

/** Connection and table options of the DynamoDB commands. */
export interface DynamoDBConnection {
  tableName: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  profile?: string | undefined;
  attributes?: Partial<AttributeNames> | undefined;
  sortKey?: { attribute: string; partitionValue?: string } | undefined;
  powertools?: 'typescript' | 'python' | undefined;
}

const primaryKeyOf = (layout: TableLayout, key: string): Record<string, AttributeValue> =>
  layout.sortKey === undefined
    ? { [layout.names.key]: { S: key } }
    : { [layout.names.key]: { S: layout.sortKey.partitionValue }, [layout.sortKey.attribute]: { S: key } };

// DynamoDB sizes an item as its attribute names plus values; close enough for a histogram.
const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length;
  if (value.B !== undefined) return value.B.byteLength;
  return Buffer.byteLength(JSON.stringify(value));
};
const itemBytes = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);

/**
 * A condition that holds only while the item is still the record that was read: same status,
 * expiry, lock end and owner (or still no owner, for a record Powertools wrote).
 */
export const buildDeleteIfUnchangedInput = (layout: TableLayout, record: IdempotencyRecord) => {
  const { names } = layout;
  const clauses = ['#status = :status', '#expiration = :expiration'];
  const attributeNames: Record<string, string> = {
    '#status': names.status,
    '#expiration': names.expiration,
    '#owner': names.owner,
    '#lockedUntil': names.inProgressExpiration,
  };
  const values: Record<string, AttributeValue> = {
    ':status': { S: record.status },
    ':expiration': { N: String(record.expiresAtSec) },
  };
  if (record.owner === undefined) clauses.push('attribute_not_exists(#owner)');
  else {
    clauses.push('#owner = :owner');
    values[':owner'] = { S: record.owner };
  }
  if (record.lockedUntilMs === undefined) clauses.push('attribute_not_exists(#lockedUntil)');
  else {
    clauses.push('#lockedUntil = :lockedUntil');
    values[':lockedUntil'] = { N: String(record.lockedUntilMs) };
  }
  return {
    TableName: layout.tableName,
    Key: primaryKeyOf(layout, record.key),
    ConditionExpression: clauses.join(' AND '),
    ExpressionAttributeNames: attributeNames,
    ExpressionAttributeValues: values,
  };
};

/**
 * Opens a table with the options a `DynamoDBStore` is given; records are read through the
 * store (and its codec), so compression, custom names, sort keys and Powertools formats read
 * exactly as the library reads them.
 */
export const openDynamoDB = (connection: DynamoDBConnection): RecordSource => {
  const clientConfig: DynamoDBClientConfig = {};
  if (connection.region !== undefined) clientConfig.region = connection.region;
  if (connection.endpoint !== undefined) clientConfig.endpoint = connection.endpoint;
  if (connection.profile !== undefined) clientConfig.profile = connection.profile;
  const client = new DynamoDBClient(clientConfig);
  const options: DynamoDBStoreOptions = { tableName: connection.tableName };
  if (connection.attributes !== undefined) options.attributes = connection.attributes;
  if (connection.sortKey !== undefined) options.sortKey = connection.sortKey;
  if (connection.powertools !== undefined) options.powertools = connection.powertools;
  const layout = resolveStoreOptions(options);
  const store = new DynamoDBStore({ ...options, client });
  const keyAttribute = layout.sortKey?.attribute ?? layout.names.key;

  async function* scan({ prefix, onPage }: ScanRequest): AsyncIterable<FoundRecord> {
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    if (prefix !== undefined && prefix !== '') {
      filters.push('begins_with(#key, :prefix)');
      names['#key'] = keyAttribute;
      values[':prefix'] = { S: prefix };
    }
    if (layout.sortKey !== undefined) {
      filters.push('#partition = :partition');
      names['#partition'] = layout.names.key;
      values[':partition'] = { S: layout.sortKey.partitionValue };
    }
    let startKey: Record<string, AttributeValue> | undefined;
    const progress = { pages: 0, scanned: 0 };
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: layout.tableName,
          ExclusiveStartKey: startKey,
          ...(filters.length > 0 && {
            FilterExpression: filters.join(' AND '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        }),
      );
      progress.pages++;
      progress.scanned += page.ScannedCount ?? 0;
      onPage(progress);
      for (const item of page.Items ?? []) {
        yield { record: decodeRecord(layout, item), sizeBytes: itemBytes(item) };
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  return {
    where: `table "${layout.tableName}"`,
    get: (key) => store.get(key),
    raw: async (key) => {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: layout.tableName, Key: primaryKeyOf(layout, key), ConsistentRead: true }),
      );
      return Item;
    },
    scan,
    deleteIfUnchanged: async (record): Promise<DeleteOutcome> => {
      try {
        await client.send(new DeleteItemCommand(buildDeleteIfUnchangedInput(layout, record)));
        return 'deleted';
      } catch (error) {
        if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') return 'changed';
        throw error;
      }
    },
    close: async () => client.destroy(),
  };
};
