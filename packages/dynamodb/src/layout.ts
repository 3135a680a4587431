import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * Names of the record's attributes in the table.
 *
 * @example
 * ```ts
 * new DynamoDBStore({ tableName, attributes: { key: 'pk', expiration: 'ttl' } });
 * ```
 */
export interface AttributeNames {
  /** Partition key; holds the idempotency key (or, in sort-key mode, the static partition value). */
  key: string;
  /** Epoch seconds after which the record is void; the table's TTL attribute. */
  expiration: string;
  /** Epoch milliseconds until which an INPROGRESS lock is held. */
  inProgressExpiration: string;
  status: string;
  data: string;
  validation: string;
  /** Token of the call holding the lock; not in Powertools' layout. */
  owner: string;
  /** A cached error outcome (`cacheErrors`); not in Powertools' layout. */
  error: string;
  /** Why a completed call's result could not be stored (too large, not JSON); not in Powertools' layout. */
  notStored: string;
}

/**
 * The Powertools for AWS Lambda layout (plus `owner`), so a table can be shared while migrating.
 *
 * @example
 * ```ts
 * new DynamoDBStore({ tableName, attributes: { ...defaultAttributeNames, key: 'pk' } });
 * ```
 */
export const defaultAttributeNames: Readonly<AttributeNames> = Object.freeze({
  key: 'id',
  expiration: 'expiration',
  inProgressExpiration: 'in_progress_expiration',
  status: 'status',
  data: 'data',
  validation: 'validation',
  owner: 'owner',
  error: 'error',
  notStored: 'result_not_stored',
});

/**
 * The Powertools for AWS Lambda runtime whose record format a shared table uses: `typescript`
 * stores a result as a native DynamoDB value (a string as S, an object as M, a number as N...),
 * `python` as JSON text.
 *
 * @example
 * ```ts
 * new DynamoDBStore({ tableName: 'IdempotencyTable', powertools: 'typescript' });
 * ```
 */
export type PowertoolsFormat = 'typescript' | 'python';

/** Everything the builders need to know about the table, resolved once from the options. */
export interface TableLayout {
  tableName: string;
  names: Readonly<AttributeNames>;
  /** Sort-key mode: the partition key holds `partitionValue`, the sort key the idempotency key. */
  sortKey?: Readonly<{ attribute: string; partitionValue: string }> | undefined;
  /** Results whose JSON text is larger than this many UTF-8 bytes are stored compressed. */
  compressAboveBytes: number;
  /** The Powertools format `data` is read and written in; oncely's own (JSON text, compressed) when absent. */
  powertools?: PowertoolsFormat | undefined;
}

/** The primary key of the record for `key`. */
export const primaryKeyOf = (layout: TableLayout, key: string): Record<string, AttributeValue> =>
  layout.sortKey === undefined
    ? { [layout.names.key]: { S: key } }
    : { [layout.names.key]: { S: layout.sortKey.partitionValue }, [layout.sortKey.attribute]: { S: key } };

/** The attribute of an item that holds the idempotency key. */
export const keyAttributeOf = (layout: TableLayout): string => layout.sortKey?.attribute ?? layout.names.key;
