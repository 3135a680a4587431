import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { IdempotencyRecord, RecordStatus } from '@oncely/core';
import { attributeValueToJson } from './attributeValueToJson.js';
import { compressText, decompressText } from './compression.js';
import { keyAttributeOf, type TableLayout } from './layout.js';

// DynamoDB bills a write per started KB of the item (for an update, of the larger of the item
// before and after it).
const WRITE_UNIT_BYTES = 1024;

const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));

/**
 * How a result's JSON text is stored in the `data` attribute: as a String (the Powertools
 * layout), or as a Binary holding the brotli-compressed text. Text above `compressAboveBytes`
 * is compressed unless that does not make it smaller; text at or below it only when that
 * saves a write unit, given the `otherBytes` the rest of the item takes (a 1.1 KB result of
 * order lines takes 2 units as text and 1 compressed). `Infinity` never compresses. The
 * attribute's type tells the reader which.
 *
 * @example
 * ```ts
 * encodeData('{"a":1}', 4096); // { S: '{"a":1}' }
 * ```
 */
export const encodeData = (data: string, compressAboveBytes: number, otherBytes = 0): AttributeValue => {
  if (compressAboveBytes === Number.POSITIVE_INFINITY) return { S: data };
  const size = Buffer.byteLength(data, 'utf8');
  const large = size > compressAboveBytes;
  if (!large && otherBytes + size <= WRITE_UNIT_BYTES) return { S: data };
  const compressed = compressText(data);
  const worth = large
    ? compressed.byteLength < size
    : writeUnits(otherBytes + compressed.byteLength) < writeUnits(otherBytes + size);
  return worth ? { B: compressed } : { S: data };
};

/**
 * Inverse of {@link encodeData}. Also reads results another writer stored as native DynamoDB
 * values (a map, a list, a number).
 *
 * @example
 * ```ts
 * decodeData({ S: '{"a":1}' }); // '{"a":1}'
 * ```
 */
export const decodeData = (value: AttributeValue): string => {
  if (value.S !== undefined) return value.S;
  if (value.B !== undefined) return decompressText(value.B);
  return attributeValueToJson(value);
};

const statuses: readonly RecordStatus[] = ['INPROGRESS', 'COMPLETED'];

const isStatus = (value: string | undefined): value is RecordStatus => statuses.includes(value as RecordStatus);

const numberOf = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

/**
 * Reads an item into an `IdempotencyRecord`. Items written by Powertools (no `owner`, data as
 * JSON text) read fine. Throws `TypeError` naming the attribute when the item is not a record.
 *
 * @example
 * ```ts
 * const record = decodeRecord(layout, output.Item);
 * ```
 */
export const decodeRecord = (layout: TableLayout, item: Record<string, AttributeValue>): IdempotencyRecord => {
  const { names } = layout;
  const keyAttribute = keyAttributeOf(layout);
  const key = item[keyAttribute]?.S;
  const status = item[names.status]?.S;
  const expiresAtSec = numberOf(item[names.expiration]);
  if (key === undefined) throw new TypeError(`item has no string attribute "${keyAttribute}"`);
  if (!isStatus(status)) throw new TypeError(`item has no "${names.status}" of INPROGRESS or COMPLETED`);
  if (expiresAtSec === undefined) throw new TypeError(`item has no number attribute "${names.expiration}"`);
  const data = item[names.data];
  const record: IdempotencyRecord = { key, status, expiresAtSec };
  const lockedUntilMs = numberOf(item[names.inProgressExpiration]);
  if (lockedUntilMs !== undefined) record.lockedUntilMs = lockedUntilMs;
  if (data !== undefined) record.data = decodeData(data);
  const validation = item[names.validation]?.S;
  if (validation !== undefined) record.validation = validation;
  const owner = item[names.owner]?.S;
  if (owner !== undefined) record.owner = owner;
  const error = item[names.error]?.S;
  if (error !== undefined) record.error = error;
  const notStored = item[names.notStored]?.S;
  if (notStored !== undefined) record.notStored = notStored;
  return record;
};
