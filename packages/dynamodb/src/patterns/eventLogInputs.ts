import type {
  AttributeValue,
  PutItemCommandInput,
  QueryCommandInput,
  TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { IdempotencyLogger } from '@oncely/core';
import type { EventLogOptions } from './EventLog.js';
import { WritePatternUsageError } from './errors.js';
import { checkKnownKeys, parseClient, parseCount, parseLogger, parseName, refuse } from './options.js';

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

const where = 'EventLog';
const optionNames = [
  'client',
  'tableName',
  'partitionKey',
  'sortKey',
  'sortKeyType',
  'eventAttribute',
  'appendIdAttribute',
  'maxAttempts',
  'logger',
];

/**
 * The options of an `EventLog`, checked once, at construction: unknown keys refused, each value
 * checked, defaults filled. Throws `WritePatternUsageError` naming the option, the value and
 * what is allowed.
 *
 * @example
 * ```ts
 * const { layout, maxAttempts } = resolveEventLogOptions({ client, tableName: 'invoice-events' });
 * ```
 */
export const resolveEventLogOptions = (
  options: EventLogOptions,
): { client: EventLogOptions['client']; layout: Layout; maxAttempts: number; logger: IdempotencyLogger } => {
  checkKnownKeys(where, options, optionNames);
  const { sortKeyType = 'N' } = options;
  if (sortKeyType !== 'N' && sortKeyType !== 'S') {
    refuse(where, 'sortKeyType', sortKeyType, "'N' or 'S' (the type of the table's sort key)");
  }
  const layout: Layout = {
    tableName: parseName(where, 'tableName', options.tableName),
    partitionKey: parseName(where, 'partitionKey', options.partitionKey, 'id'),
    sortKey: parseName(where, 'sortKey', options.sortKey, 'seq'),
    sortKeyType,
    eventAttribute: parseName(where, 'eventAttribute', options.eventAttribute, 'event'),
    appendIdAttribute: parseName(where, 'appendIdAttribute', options.appendIdAttribute, 'appendId'),
  };
  const names = [layout.partitionKey, layout.sortKey, layout.eventAttribute, layout.appendIdAttribute];
  if (new Set(names).size !== names.length) {
    throw new WritePatternUsageError(
      `${where}: attribute names must differ, got partitionKey "${layout.partitionKey}", sortKey "${layout.sortKey}", ` +
        `eventAttribute "${layout.eventAttribute}", appendIdAttribute "${layout.appendIdAttribute}"`,
      { option: 'attributes' },
    );
  }
  // An append marker keeps its event's number in this attribute, next to the key and the appendId.
  for (const option of ['partitionKey', 'sortKey', 'appendIdAttribute'] as const) {
    if (layout[option] === MARKER_NUMBER_ATTRIBUTE) {
      refuse(
        where,
        option,
        layout[option],
        `another name: "${MARKER_NUMBER_ATTRIBUTE}" holds the event number of append markers`,
      );
    }
  }
  return {
    client: parseClient(where, options.client),
    layout: Object.freeze(layout),
    maxAttempts: parseCount(where, 'maxAttempts', options.maxAttempts, 5),
    logger: parseLogger(where, options.logger),
  };
};

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
