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
