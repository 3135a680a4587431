import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IdempotencyLogger } from '@oncely/core';

/**
 * Where a pattern writes: the client, the table and, optionally, a logger for its debug lines
 * (anything with `debug`, `info`, `warn`, `error`; the Powertools Logger fits).
 *
 * @example
 * ```ts
 * const target: WriteTarget = { client: new DynamoDBClient({}), tableName: 'balances', logger };
 * ```
 */
export interface WriteTarget {
  client: DynamoDBClient;
  tableName: string;
  /** Default: silent. */
  logger?: IdempotencyLogger | undefined;
}

/** A primary key: the partition key attribute, and the sort key attribute if the table has one. */
export type ItemKey = Record<string, AttributeValue>;

const scalar = (value: AttributeValue): string => {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return value.N;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  return JSON.stringify(value);
};

/**
 * A primary key as stable text, attribute names sorted: `pk=acct-1` or `pk=acct-1,sk=7`. For log
 * lines and messages only: two keys can give the same text (`updateOnce` tokens use `tokenText`).
 *
 * @example
 * ```ts
 * describeKey({ sk: { N: '7' }, pk: { S: 'acct-1' } }); // 'pk=acct-1,sk=7'
 * ```
 */
export const describeKey = (key: ItemKey): string =>
  Object.keys(key)
    .sort()
    .map((name) => `${name}=${scalar(key[name] as AttributeValue)}`)
    .join(',');
