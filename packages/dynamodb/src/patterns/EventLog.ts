import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import type { IdempotencyLogger } from '@oncely/core';
import { isConditionalCheckFailed, isTransactionCanceled } from '../sdkError.js';
import { EventConflictError, UnexpectedItemError, WriteFailedError } from './errors.js';
import {
  buildAppendInput,
  buildAppendOnceInput,
  buildEventsQuery,
  encodeNumber,
  type Layout,
  MARKER_NUMBER_ATTRIBUTE,
  markerKey,
  resolveEventLogOptions,
} from './eventLogInputs.js';
import { toWriteFailedError } from './failures.js';
import { checkKnownKeys, parseName, refuse } from './options.js';

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
 * already written an event, such as a retry after an ambiguous failure; `stored` is then the
 * event it wrote, which may no longer be the latest.
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

// What one write of an append found: its event written, an earlier append with the same
// appendId, or the number taken by another writer (whose event comes back when DynamoDB returned it).
type Written<E> =
  | { status: 'appended' }
  | { status: 'already-appended'; stored: StoredEvent<E> }
  | { status: 'taken'; winner: Record<string, AttributeValue> | undefined; cause: unknown };

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const checkAppendArguments = (entityId: unknown, decide: unknown, options: unknown): void => {
  const where = 'EventLog.append';
  parseName(where, 'entityId', entityId);
  if (typeof decide !== 'function') refuse(where, 'decide', decide, 'a function from the latest event to the next');
  checkKnownKeys(where, options, ['appendId']);
  const { appendId } = options;
  if (appendId !== undefined && (typeof appendId !== 'string' || appendId === '')) {
    refuse(where, 'appendId', appendId, 'a non-empty string derived from the request, such as its id');
  }
};

/**
 * An optimistic event log: each entity's state is a gapless sequence of events, and a new event
 * is written only at the number after the latest one, once a business rule (`decide`) accepted
 * the transition from it. Two concurrent writers (settle and cancel of one invoice) cannot both
 * win: the loser re-decides against the winner's event, where the rule refuses it.
 *
 * Costs per `append` without an `appendId`: one consistent Query (1 RCU for events up to 4 KB)
 * and one PutItem (1 WCU per KB); each lost race adds one PutItem, whose refusal returns the
 * winning event, so no extra read. With an `appendId`, the event is written in one
 * TransactWriteItems with a marker item for that id, and transactions cost double: 2 WCU per KB
 * of the event + 2 WCU for the marker (4 WCU for a small event instead of 1). A repeat whose
 * event is no longer the latest adds one consistent GetItem. Markers stay in the table, like
 * the events (about 100 bytes each, under the partition `append#["<entityId>","<appendId>"]`).
 *
 * The options are checked once, in the constructor, and `append`'s at each call: a wrong one
 * throws `WritePatternUsageError` before anything is sent.
 *
 * Safe to retry: a 5xx or timeout is thrown as `WriteFailedError` with `maybeApplied: true`. Pass
 * an `appendId` and the same one when retrying: an event this append already wrote is then
 * reported as `already-appended` instead of being decided again, whatever other writers appended
 * since. The SDK's own retries are recognised too (with or without an `appendId`).
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
    const { client, layout, maxAttempts, logger } = resolveEventLogOptions(options);
    this.#client = client;
    this.#layout = layout;
    this.#maxAttempts = maxAttempts;
    this.#logger = logger;
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
    checkAppendArguments(entityId, decide, options);
    const once = options.appendId !== undefined;
    const appendId = options.appendId ?? randomUUID();
    let current = await this.#latestItem(entityId);
    for (let attempt = 1; ; attempt++) {
      if (current !== undefined && current[this.#layout.appendIdAttribute]?.S === appendId) {
        return { status: 'already-appended', stored: this.#decode(entityId, current) };
      }
      const latest = current === undefined ? undefined : this.#decode(entityId, current);
      const event = await decide(latest);
      const number = (latest?.number ?? 0) + 1;
      const written = once
        ? await this.#writeOnce(entityId, number, event, appendId)
        : await this.#write(entityId, number, event, appendId);
      if (written.status === 'appended') return { status: 'appended', stored: { entityId, number, event } };
      if (written.status === 'already-appended') return written;
      if (attempt >= this.#maxAttempts) {
        throw new EventConflictError(
          `Could not append to entity "${entityId}" in table "${this.#layout.tableName}": event number ${number} ` +
            `was taken by another writer on each of ${attempt} attempts; retry later, or raise maxAttempts`,
          { tableName: this.#layout.tableName, entityId, attempts: attempt, cause: written.cause },
        );
      }
      this.#logger.debug('EventLog: event number taken by another writer, deciding again', {
        key: entityId,
        tableName: this.#layout.tableName,
        number,
        attempt,
      });
      // The refusal carries the event that won; a read is needed only if it did not.
      current = written.winner ?? (await this.#latestItem(entityId));
    }
  }

  // Without an appendId: one PutItem of the event, only if its number is free.
  async #write(entityId: string, number: number, event: E, appendId: string): Promise<Written<E>> {
    try {
      await this.#client.send(new PutItemCommand(buildAppendInput(this.#layout, entityId, number, event, appendId)));
      return { status: 'appended' };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw this.#failure(error, 'PutItem', entityId, true);
      // The SDK retried our own write after an ambiguous failure that had applied it.
      if (error.Item?.[this.#layout.appendIdAttribute]?.S === appendId) return { status: 'appended' };
      return { status: 'taken', winner: error.Item, cause: error };
    }
  }

  // With an appendId: the event and the append's marker in one transaction, so a repeat of the
  // appendId is refused by the marker whatever was appended since (the SDK's retries of the
  // transaction carry its ClientRequestToken, and succeed as the commit they repeat).
  async #writeOnce(entityId: string, number: number, event: E, appendId: string): Promise<Written<E>> {
    const input = buildAppendOnceInput(this.#layout, entityId, number, event, appendId);
    try {
      await this.#client.send(new TransactWriteItemsCommand(input));
      return { status: 'appended' };
    } catch (error) {
      if (!isTransactionCanceled(error)) throw this.#failure(error, 'TransactWriteItems', entityId, true);
      const [eventReason, markerReason] = error.CancellationReasons ?? [];
      if (markerReason?.Code === 'ConditionalCheckFailed') {
        return { status: 'already-appended', stored: await this.#appendedBy(entityId, appendId, markerReason.Item) };
      }
      if (eventReason?.Code === 'ConditionalCheckFailed') {
        return { status: 'taken', winner: eventReason.Item, cause: error };
      }
      if (eventReason?.Code === 'TransactionConflict' || markerReason?.Code === 'TransactionConflict') {
        // Another transaction held the event or the marker (a concurrent repeat of this appendId):
        // read again after a short jittered pause, which also tells which of the two it was.
        await delay(Math.random() * 50);
        return { status: 'taken', winner: undefined, cause: error };
      }
      const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None').join(', ');
      throw new WriteFailedError(
        `DynamoDB cancelled the append to entity "${entityId}" in table "${this.#layout.tableName}" ` +
          `(reasons: ${codes}); nothing was written, check the table's key schema`,
        { tableName: this.#layout.tableName, maybeApplied: false, cause: error },
      );
    }
  }

  // The event an earlier append with this appendId wrote, found through its marker.
  async #appendedBy(
    entityId: string,
    appendId: string,
    marker: Record<string, AttributeValue> | undefined,
  ): Promise<StoredEvent<E>> {
    const { tableName, sortKey } = this.#layout;
    const markerItem = marker ?? (await this.#get(markerKey(this.#layout, entityId, appendId), entityId));
    const number = Number(markerItem?.[MARKER_NUMBER_ATTRIBUTE]?.N);
    const item = Number.isSafeInteger(number)
      ? await this.#get(
          { [this.#layout.partitionKey]: { S: entityId }, [sortKey]: encodeNumber(this.#layout, number) },
          entityId,
        )
      : undefined;
    if (item === undefined || item[this.#layout.appendIdAttribute]?.S !== appendId) {
      throw new UnexpectedItemError(
        `The marker of append "${appendId}" to entity "${entityId}" in table "${tableName}" does not lead to its ` +
          'event (deleted, or written by another program); nothing was written',
        { tableName, item: markerItem },
      );
    }
    return this.#decode(entityId, item);
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

  async #get(key: Record<string, AttributeValue>, entityId: string) {
    try {
      const { Item } = await this.#client.send(
        new GetItemCommand({ TableName: this.#layout.tableName, Key: key, ConsistentRead: true }),
      );
      return Item;
    } catch (error) {
      throw this.#failure(error, 'GetItem', entityId, false);
    }
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
