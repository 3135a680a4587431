import type { AttributeValue } from '@aws-sdk/client-dynamodb';

const toPlain = (value: AttributeValue): unknown => {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(toPlain);
  if (value.M !== undefined) return Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toPlain(v)]));
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  throw new TypeError(`Cannot read a result stored as ${Object.keys(value).join(', ')}`);
};

/**
 * JSON text of a result stored as a native DynamoDB value (a map, a list, a number...) rather
 * than as JSON text, as a marshalling writer such as `@aws-sdk/util-dynamodb` leaves it.
 *
 * @example
 * ```ts
 * attributeValueToJson({ M: { ok: { BOOL: true } } }); // '{"ok":true}'
 * ```
 */
export const attributeValueToJson = (value: AttributeValue): string => JSON.stringify(toPlain(value));

// JSON.parse only gives these shapes; a number keeps the text `String` gives it, as `marshall` does.
const fromPlain = (value: unknown): AttributeValue => {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(fromPlain) };
  return { M: Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, fromPlain(v)])) };
};

/**
 * A result's JSON text as the native DynamoDB value `marshall` of `@aws-sdk/util-dynamodb`
 * makes of it (as Powertools for AWS Lambda TypeScript stores results): a string as S, a
 * number as N, an object as M, an array as L. Inverse of {@link attributeValueToJson}.
 *
 * @example
 * ```ts
 * jsonToAttributeValue('{"ok":true}'); // { M: { ok: { BOOL: true } } }
 * ```
 */
export const jsonToAttributeValue = (json: string): AttributeValue => fromPlain(JSON.parse(json));
