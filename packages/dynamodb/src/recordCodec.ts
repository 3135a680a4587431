import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { IdempotencyPersistenceError, type IdempotencyRecord } from '@oncely/core';
import { parseRecordStatus } from '@oncely/core/engine';
import { attributeValueToJson, jsonToAttributeValue } from './attributeValueToJson.js';
import { compressText, decompressText } from './compression.js';
import { keyAttributeOf, type PowertoolsFormat, type TableLayout } from './layout.js';

// DynamoDB bills a write per started KB of the item (for an update, of the larger of the item
// before and after it).
const WRITE_UNIT_BYTES = 1024;

const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));

/**
 * How a result's JSON text is stored in the `data` attribute. With `powertools: 'typescript'`,
 * as the native DynamoDB value Powertools TypeScript writes (a string as S, an object as M...);
 * with `powertools: 'python'`, as JSON text in a String. Otherwise as JSON text in a String, or
 * as a Binary holding the brotli-compressed text: text above `compressAboveBytes` is compressed
 * unless that does not make it smaller; text at or below it only when that saves a write unit,
 * given the `otherBytes` the rest of the item takes (a 1.1 KB result of order lines takes 2
 * units as text and 1 compressed). `Infinity` never compresses. The attribute's type tells the
 * reader which.
 *
 * @example
 * ```ts
 * encodeData('{"a":1}', layout); // { S: '{"a":1}' }
 * ```
 */
export const encodeData = (
  data: string,
  format: Pick<TableLayout, 'compressAboveBytes' | 'powertools'>,
  otherBytes = 0,
): AttributeValue => {
  if (format.powertools === 'typescript') return jsonToAttributeValue(data);
  const { compressAboveBytes } = format;
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
 * Inverse of {@link encodeData}: the result's JSON text. A String is JSON text, except with
 * `powertools: 'typescript'`, where it is a string result; a Binary is compressed JSON text; a
 * native DynamoDB value (a map, a list, a number...) is read as its JSON value, whatever the format.
 *
 * @example
 * ```ts
 * decodeData({ S: '{"a":1}' }); // '{"a":1}'
 * decodeData({ S: 'hello' }, 'typescript'); // '"hello"'
 * ```
 */
export const decodeData = (value: AttributeValue, powertools?: PowertoolsFormat): string => {
  if (value.S !== undefined) return powertools === 'typescript' ? JSON.stringify(value.S) : value.S;
  if (value.B !== undefined) return decompressText(value.B);
  return attributeValueToJson(value);
};

const isJsonText = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const clip = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

// A String that is not JSON text is a string result of Powertools TypeScript: read as JSON it
// would fail on every replay, and read as a string it could be any JSON text ("42"); only the
// option says which, so this names it. Our own records (with an owner) always hold JSON text.
const notJsonText = (key: string, text: string) =>
  new IdempotencyPersistenceError(
    `its data is a String that is not JSON text (${JSON.stringify(clip(text))}), as Powertools for AWS Lambda ` +
      "(TypeScript) stores a string result; to share the table with it, set powertools: 'typescript' on DynamoDBStore",
    { key, retryable: false },
  );

const numberOf = (value: AttributeValue | undefined): number | undefined =>
  value?.N === undefined ? undefined : Number(value.N);

/**
 * Reads an item into an `IdempotencyRecord`, `data` in the layout's format (see
 * {@link decodeData}). Items written by Powertools (no `owner`) read fine. Throws `TypeError`
 * naming the attribute when the item is not a record, and `IdempotencyPersistenceError` naming
 * the `powertools` option for a Powertools TypeScript string result read without it.
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
  const status = parseRecordStatus(item[names.status]?.S);
  const expiresAtSec = numberOf(item[names.expiration]);
  if (key === undefined) throw new TypeError(`item has no string attribute "${keyAttribute}"`);
  if (status === undefined) throw new TypeError(`item has no "${names.status}" of INPROGRESS or COMPLETED`);
  if (expiresAtSec === undefined) throw new TypeError(`item has no number attribute "${names.expiration}"`);
  const data = item[names.data];
  const record: IdempotencyRecord = { key, status, expiresAtSec };
  const lockedUntilMs = numberOf(item[names.inProgressExpiration]);
  if (lockedUntilMs !== undefined) record.lockedUntilMs = lockedUntilMs;
  if (data !== undefined) {
    const owner = item[names.owner];
    if (data.S !== undefined && layout.powertools !== 'typescript' && owner === undefined && !isJsonText(data.S)) {
      throw notJsonText(key, data.S);
    }
    record.data = decodeData(data, layout.powertools);
  }
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
