import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type IdempotencyLogger, silentLogger } from '@oncely/core';
import { EventConflictError, UnexpectedItemError, WritePatternUsageError } from './errors.js';
import { isConditionalCheckFailed, toWriteFailedError } from './failures.js';

/**
 * Options of an {@link EventLog}. The table has the entity id as partition key (type S) and
 * the event number as sort key (type N, or S holding zero-padded numbers).
 *
 * @example
 * ```ts
 * const options: EventLogOptions = { client, tableName: 'invoice-events', sortKeyType: 'N', maxAttempts: 5 };
 * ```
 */
export interface EventLogOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Partition key attribute, holding the entity id. Default `id`. */
  partitionKey?: string | undefined;
  /** Sort key attribute, holding the event number (1, 2, 3...). Default `seq`. */
  sortKey?: string | undefined;
  /** `N` (default), or `S` for a table whose sort key is a string: numbers are then zero-padded to 12 digits. */
  sortKeyType?: 'N' | 'S' | undefined;
  /** Attribute holding the event as JSON text. Default `event`. */
  eventAttribute?: string | undefined;
  /** Attribute holding the id of the append that wrote the event. Default `appendId`. */
  appendIdAttribute?: string | undefined;
  /** How many times `append` decides and writes before giving up with `EventConflictError`. Default 5. */
  maxAttempts?: number | undefined;
  /** Default: silent. */
  logger?: IdempotencyLogger | undefined;
}

/**
 * An event as stored: its entity, its number in the entity's log (from 1, without gaps) and its body.
 *
 * @example
 * ```ts
 * const stored: StoredEvent<InvoiceEvent> = { entityId: 'inv-1', number: 2, event: { status: 'approved' } };
 * ```
 */
export interface StoredEvent<E> {
  entityId: string;
  number: number;
  event: E;
}

/**
 * What `append` did: `appended` a new event, or found that this append (same `appendId`) had
 * already written the latest event, such as a retry after an ambiguous failure.
 *
 * @example
 * ```ts
 * const result: AppendResult<InvoiceEvent> = { status: 'appended', stored: { entityId, number: 3, event } };
 * ```
 */
export interface AppendResult<E> {
  status: 'appended' | 'already-appended';
  stored: StoredEvent<E>;
}

/**
 * The business rule of an append: given the latest event (undefined for a new entity), return
 * the next event, or throw `TransitionRejectedError` to refuse the transition.
 *
 * @example
 * ```ts
 * const approve: Decide<InvoiceEvent> = (current) => ({ status: 'approved', amount: current!.event.amount });
 * ```
 */
export type Decide<E> = (current: StoredEvent<E> | undefined) => E | Promise<E>;

const PAD_DIGITS = 12;

interface Layout {
  tableName: string;
  partitionKey: string;
  sortKey: string;
  sortKeyType: 'N' | 'S';
  eventAttribute: string;
  appendIdAttribute: string;
}

const encodeNumber = (layout: Layout, number: number): AttributeValue =>
  layout.sortKeyType === 'N' ? { N: String(number) } : { S: String(number).padStart(PAD_DIGITS, '0') };

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
    ConditionExpression: 'attribute_not_exists(#id)',
    ExpressionAttributeNames: { '#id': layout.partitionKey },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
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

/**
 * An optimistic event log: each entity's state is a gapless sequence of events, and a new event
 * is written only at the number after the latest one, once a business rule (`decide`) accepted
 * the transition from it. Two concurrent writers (settle and cancel of one invoice) cannot both
 * win: the loser re-decides against the winner's event, where the rule refuses it.
 *
 * Costs per `append`: one consistent Query (1 RCU for events up to 4 KB) and one PutItem (1 WCU
 * per KB); each lost race adds one PutItem, whose refusal returns the winning event, so no extra read.
 *
 * Safe to retry: a 5xx or timeout is thrown as `WriteFailedError` with `maybeApplied: true`. Pass
 * the same `appendId` when retrying: an event this append already wrote is then reported as
 * `already-appended` instead of being decided again. The SDK's own retries are recognised the same way.
 *
 * @example
 * ```ts
 * const log = new EventLog<InvoiceEvent>({ client, tableName: 'invoice-events' });
 * await log.append('inv-1', (current) => {
 *   if (current?.event.status !== 'approved') throw new TransitionRejectedError(`cannot settle a ${current?.event.status ?? 'missing'} invoice`);
 *   return { status: 'settled', amount: current.event.amount };
 * }, { appendId: request.id });
 * ```
 */
export class EventLog<E> {
  readonly #client: DynamoDBClient;
  readonly #layout: Layout;
  readonly #maxAttempts: number;
  readonly #logger: IdempotencyLogger;

  constructor(options: EventLogOptions) {
    const maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
      throw new WritePatternUsageError(`maxAttempts must be an integer of at least 1, got ${String(maxAttempts)}`);
    }
    this.#client = options.client;
    this.#maxAttempts = maxAttempts;
    this.#logger = options.logger ?? silentLogger;
    this.#layout = {
      tableName: options.tableName,
      partitionKey: options.partitionKey ?? 'id',
      sortKey: options.sortKey ?? 'seq',
      sortKeyType: options.sortKeyType ?? 'N',
      eventAttribute: options.eventAttribute ?? 'event',
      appendIdAttribute: options.appendIdAttribute ?? 'appendId',
    };
  }

  /**
   * Appends the event `decide` returns for the latest one, at the next number, retrying with the
   * newer event when another writer took that number. Throws what `decide` throws
   * (`TransitionRejectedError`), or `EventConflictError` after `maxAttempts` lost races.
   *
   * @example
   * ```ts
   * const { stored } = await log.append('inv-1', () => ({ status: 'created', amount: 120 }));
   * ```
   */
  async append(entityId: string, decide: Decide<E>, options: { appendId?: string } = {}): Promise<AppendResult<E>> {
    const appendId = options.appendId ?? randomUUID();
    let current = await this.#latestItem(entityId);
    for (let attempt = 1; ; attempt++) {
      if (current !== undefined && current[this.#layout.appendIdAttribute]?.S === appendId) {
        return { status: 'already-appended', stored: this.#decode(entityId, current) };
      }
      const latest = current === undefined ? undefined : this.#decode(entityId, current);
      const event = await decide(latest);
      const number = (latest?.number ?? 0) + 1;
      const input = buildAppendInput(this.#layout, entityId, number, event, appendId);
      try {
        await this.#client.send(new PutItemCommand(input));
        return { status: 'appended', stored: { entityId, number, event } };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw this.#failure(error, 'PutItem', entityId, true);
        if (error.Item?.[this.#layout.appendIdAttribute]?.S === appendId) {
          // The SDK retried our own write after an ambiguous failure that had applied it.
          return { status: 'appended', stored: { entityId, number, event } };
        }
        if (attempt >= this.#maxAttempts) {
          throw new EventConflictError(
            `Could not append to entity "${entityId}" in table "${this.#layout.tableName}": event number ${number} ` +
              `was taken by another writer on each of ${attempt} attempts; retry later, or raise maxAttempts`,
            { tableName: this.#layout.tableName, entityId, attempts: attempt, cause: error },
          );
        }
        this.#logger.debug('EventLog: event number taken by another writer, deciding again', {
          key: entityId,
          tableName: this.#layout.tableName,
          number,
          attempt,
        });
        // The refusal carries the event that won; a read is needed only if it did not.
        current = error.Item ?? (await this.#latestItem(entityId));
      }
    }
  }

  /**
   * The entity's latest event (strongly consistent), or undefined when it has none.
   *
   * @example
   * ```ts
   * const status = (await log.latest('inv-1'))?.event.status;
   * ```
   */
  async latest(entityId: string): Promise<StoredEvent<E> | undefined> {
    const item = await this.#latestItem(entityId);
    return item === undefined ? undefined : this.#decode(entityId, item);
  }

  /**
   * Every event of the entity, oldest first (strongly consistent, all pages).
   *
   * @example
   * ```ts
   * const statuses = (await log.history('inv-1')).map((stored) => stored.event.status);
   * ```
   */
  async history(entityId: string): Promise<StoredEvent<E>[]> {
    const events: StoredEvent<E>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.#query(
        buildEventsQuery(this.#layout, entityId, { newestOnly: false, startKey }),
        entityId,
      );
      for (const item of page.Items ?? []) events.push(this.#decode(entityId, item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return events;
  }

  async #latestItem(entityId: string): Promise<Record<string, AttributeValue> | undefined> {
    const page = await this.#query(buildEventsQuery(this.#layout, entityId, { newestOnly: true }), entityId);
    return page.Items?.[0];
  }

  async #query(input: QueryCommandInput, entityId: string) {
    try {
      return await this.#client.send(new QueryCommand(input));
    } catch (error) {
      throw this.#failure(error, 'Query', entityId, false);
    }
  }

  #decode(entityId: string, item: Record<string, AttributeValue>): StoredEvent<E> {
    const { sortKey, eventAttribute, tableName } = this.#layout;
    const numberText = item[sortKey]?.N ?? item[sortKey]?.S;
    const number = numberText === undefined ? Number.NaN : Number(numberText);
    const json = item[eventAttribute]?.S;
    if (!Number.isSafeInteger(number) || number < 1 || json === undefined) {
      throw new UnexpectedItemError(
        `An item of entity "${entityId}" in table "${tableName}" is not an event of this log (it needs a positive ` +
          `integer "${sortKey}" and a string "${eventAttribute}"); check the attribute options`,
        { tableName, item },
      );
    }
    return { entityId, number, event: JSON.parse(json) as E };
  }

  #failure(error: unknown, operation: string, entityId: string, isWrite: boolean) {
    return toWriteFailedError(error, {
      operation,
      tableName: this.#layout.tableName,
      subject: `entity "${entityId}"`,
      isWrite,
    });
  }
}
