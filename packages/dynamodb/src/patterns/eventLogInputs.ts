import type {
  AttributeValue,
  PutItemCommandInput,
  QueryCommandInput,
  TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { WritePatternUsageError } from './errors.js';

const PAD_DIGITS = 12;

/** Where an event log keeps its events: table, key attributes and attribute names. */
export interface Layout {
  tableName: string;
  partitionKey: string;
  sortKey: string;
  sortKeyType: 'N' | 'S';
  eventAttribute: string;
  appendIdAttribute: string;
}

/**
 * The event number as the sort key stores it: N, or S zero-padded to 12 digits.
 *
 * @example
 * ```ts
 * encodeNumber(layout, 3); // { N: '3' } or { S: '000000000003' }
 * ```
 */
export const encodeNumber = (layout: Layout, number: number): AttributeValue =>
  layout.sortKeyType === 'N' ? { N: String(number) } : { S: String(number).padStart(PAD_DIGITS, '0') };

const keyIsFree = 'attribute_not_exists(#id)';

/**
 * PutItem of event `number` of an entity, only if that number is free; on refusal DynamoDB returns
 * the event that took it, in the same round trip.
 *
 * @example
 * ```ts
 * await client.send(new PutItemCommand(buildAppendInput(layout, 'inv-1', 3, { status: 'settled' }, appendId)));
 * ```
 */
export const buildAppendInput = (
  layout: Layout,
  entityId: string,
  number: number,
  event: unknown,
  appendId: string,
): PutItemCommandInput => {
  const json = JSON.stringify(event);
  if (json === undefined) throw new WritePatternUsageError(`decide returned ${String(event)}, which is not JSON`);
  return {
    TableName: layout.tableName,
    Item: {
      [layout.partitionKey]: { S: entityId },
      [layout.sortKey]: encodeNumber(layout, number),
      [layout.eventAttribute]: { S: json },
      [layout.appendIdAttribute]: { S: appendId },
    },
    // Without the sort key in the condition: "no item with this primary key".
    ConditionExpression: keyIsFree,
    ExpressionAttributeNames: { '#id': layout.partitionKey },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
};

/** Attribute of an append marker holding the number of the event the append wrote. */
export const MARKER_NUMBER_ATTRIBUTE = 'eventNumber';

/**
 * Primary key of the marker of an append: partition `append#["<entityId>","<appendId>"]` (both
 * JSON-encoded, so no two pairs meet), sort key 0, a number no event has.
 *
 * @example
 * ```ts
 * markerKey(layout, 'inv-1', 'req-7'); // { id: { S: 'append#["inv-1","req-7"]' }, seq: { N: '0' } }
 * ```
 */
export const markerKey = (layout: Layout, entityId: string, appendId: string): Record<string, AttributeValue> => ({
  [layout.partitionKey]: { S: `append#${JSON.stringify([entityId, appendId])}` },
  [layout.sortKey]: encodeNumber(layout, 0),
});

/**
 * TransactWriteItems of an append with a caller's `appendId`: item 0 is the event at `number`
 * (only if that number is free), item 1 the append's marker (only if this appendId has not
 * appended to the entity before). On a cancellation each refused item comes back as it is.
 *
 * @example
 * ```ts
 * await client.send(new TransactWriteItemsCommand(buildAppendOnceInput(layout, 'inv-1', 3, event, 'req-7')));
 * ```
 */
export const buildAppendOnceInput = (
  layout: Layout,
  entityId: string,
  number: number,
  event: unknown,
  appendId: string,
): TransactWriteItemsCommandInput => {
  const put = buildAppendInput(layout, entityId, number, event, appendId);
  return {
    TransactItems: [
      { Put: put },
      {
        Put: {
          TableName: layout.tableName,
          Item: {
            ...markerKey(layout, entityId, appendId),
            [layout.appendIdAttribute]: { S: appendId },
            [MARKER_NUMBER_ATTRIBUTE]: { N: String(number) },
          },
          ConditionExpression: keyIsFree,
          ExpressionAttributeNames: { '#id': layout.partitionKey },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ],
  };
};

/**
 * Strongly consistent Query of an entity's events: newest first with limit 1 for `latest`, or in order.
 *
 * @example
 * ```ts
 * const { Items } = await client.send(new QueryCommand(buildEventsQuery(layout, 'inv-1', { newestOnly: true })));
 * ```
 */
export const buildEventsQuery = (
  layout: Layout,
  entityId: string,
  page: { newestOnly: boolean; startKey?: Record<string, AttributeValue> | undefined },
): QueryCommandInput => ({
  TableName: layout.tableName,
  KeyConditionExpression: '#id = :id',
  ExpressionAttributeNames: { '#id': layout.partitionKey },
  ExpressionAttributeValues: { ':id': { S: entityId } },
  ConsistentRead: true,
  ...(page.newestOnly ? { ScanIndexForward: false, Limit: 1 } : { ScanIndexForward: true }),
  ...(page.startKey === undefined ? {} : { ExclusiveStartKey: page.startKey }),
});
