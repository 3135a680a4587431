import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** DynamoDB's limit on an item: names and values together. */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

// Sizes as DynamoDB counts them (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html);
// numbers are rounded up to their 21-byte maximum, so the estimate never falls short.
const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.N !== undefined) return 21;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, element) => sum + 1 + valueBytes(element), 0);
  if (value.M !== undefined) return 3 + itemSizeBytes(value.M) + Object.keys(value.M).length;
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8Bytes(element), 0);
  if (value.NS !== undefined) return value.NS.length * 21;
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + element.byteLength, 0);
  return 0;
};

/**
 * Upper estimate of the stored size of the given attributes.
 *
 * @example
 * ```ts
 * itemSizeBytes({ id: { S: 'k' }, data: { S: 'x'.repeat(10) } }); // 2 + 14
 * ```
 */
export const itemSizeBytes = (attributes: Record<string, AttributeValue>): number =>
  Object.entries(attributes).reduce((sum, [name, value]) => sum + utf8Bytes(name) + valueBytes(value), 0);
