import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LoggedRequest } from './requestLog.js';

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

// A number takes 1 byte per two significant digits plus 1 (leading and trailing zeros trimmed).
const numberBytes = (text: string): number => {
  const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
};

const valueBytes = (value: AttributeValue): number => {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, item) => sum + 1 + valueBytes(item), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((sum, [name, item]) => sum + 1 + utf8(name) + valueBytes(item), 0);
  }
  if (value.SS !== undefined) return value.SS.reduce((sum, item) => sum + utf8(item), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, item) => sum + numberBytes(item), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, item) => sum + item.byteLength, 0);
  return 0;
};

/**
 * Size of an item as DynamoDB bills it: attribute names plus values
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 *
 * @example
 * ```ts
 * itemBytes({ id: { S: 'abc' } }); // 5
 * ```
 */
export const itemBytes = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);

/** Capacity units of one request, and whether DynamoDB Local reported them or they were computed. */
export interface RequestUnits {
  readonly write: number;
  readonly read: number;
  readonly reported: boolean;
}

const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

/**
 * The units a logged request consumed. A successful request carries `ConsumedCapacity` (the
 * request log asks for it). A failed conditional write reports nothing, but DynamoDB bills it
 * 1 WCU per KB of the existing item (at least 1); its size is read from the `ALL_OLD` item
 * both libraries ask for.
 *
 * @example
 * ```ts
 * const { write, read } = unitsOf(log.requests[0]);
 * ```
 */
export const unitsOf = (request: LoggedRequest): RequestUnits => {
  const isRead = READ_COMMANDS.has(request.command);
  const consumed = request.output?.ConsumedCapacity as { CapacityUnits?: number } | undefined;
  if (consumed?.CapacityUnits !== undefined) {
    return isRead
      ? { write: 0, read: consumed.CapacityUnits, reported: true }
      : { write: consumed.CapacityUnits, read: 0, reported: true };
  }
  const existing = (request.error as { Item?: Record<string, AttributeValue> } | undefined)?.Item;
  const bytes = existing === undefined ? 0 : itemBytes(existing);
  return isRead
    ? { write: 0, read: Math.max(1, Math.ceil(bytes / 4096)), reported: false }
    : { write: Math.max(1, Math.ceil(bytes / 1024)), read: 0, reported: false };
};
