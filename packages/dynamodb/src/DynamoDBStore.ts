import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  AcquireResult,
  Completion,
  FencedOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  LockRequest,
  StoreOperation,
} from '@oncely/core';
import { type IdempotencyError, IdempotencyPersistenceError, isIdempotencyError } from '@oncely/core';
import {
  buildAcquireInput,
  buildCompleteInput,
  buildExtendInput,
  buildGetInput,
  buildReleaseInput,
} from './commandInputs.js';
import type { TableLayout } from './layout.js';
import { type DynamoDBStoreOptions, resolveStoreOptions } from './options.js';
import { toPersistenceError } from './persistenceError.js';
import { decodeRecord } from './recordCodec.js';
import { isConditionalCheckFailed } from './sdkError.js';

/**
 * An `IdempotencyStore` on a DynamoDB table, in the Powertools layout (plus `owner`).
 * One request per operation; a conflicting `acquire` returns the holder's record in the same
 * round trip. Results above `compressAboveBytes`, or whose compression saves a write unit, are
 * stored brotli-compressed.
 *
 * @example
 * ```ts
 * const store = new DynamoDBStore({ tableName: 'idempotency' });
 * export const handler = makeIdempotent(processPayment, { store, key: 'body.orderId' });
 * ```
 */
export class DynamoDBStore implements IdempotencyStore {
  /** The client requests are sent with (given, or created once from `clientConfig`). */
  readonly client: DynamoDBClient;
  readonly #layout: TableLayout;

  constructor(options: DynamoDBStoreOptions) {
    this.#layout = resolveStoreOptions(options);
    this.client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
  }

  /** Name of the table records are kept in. */
  get tableName(): string {
    return this.#layout.tableName;
  }

  async acquire(lock: LockRequest): Promise<AcquireResult> {
    try {
      await this.client.send(new PutItemCommand(buildAcquireInput(this.#layout, lock)));
      return { acquired: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw this.#failure(error, 'acquire', lock.key);
      if (error.Item !== undefined) return { acquired: false, existing: this.#decode(error.Item, lock.key) };
    }
    // ALL_OLD should always return the item; if it did not, read it, once.
    const existing = await this.get(lock.key);
    if (existing !== undefined) return { acquired: false, existing };
    throw new IdempotencyPersistenceError(
      `DynamoDB refused the lock for key "${lock.key}" on table "${this.tableName}" but holds no record for it ` +
        '(it was released in between); retry the call',
      { key: lock.key },
    );
  }

  async complete(completion: Completion): Promise<FencedOutcome> {
    const input = buildCompleteInput(this.#layout, completion);
    try {
      await this.client.send(new UpdateItemCommand(input));
      return 'ok';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'lock-lost';
      throw this.#failure(error, 'complete', completion.key);
    }
  }

  async release(key: string, owner: string): Promise<FencedOutcome> {
    try {
      await this.client.send(new DeleteItemCommand(buildReleaseInput(this.#layout, key, owner)));
      return 'ok';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'lock-lost';
      throw this.#failure(error, 'release', key);
    }
  }

  async extend(key: string, owner: string, lockedUntilMs: number, expiresAtSec: number): Promise<FencedOutcome> {
    try {
      const input = buildExtendInput(this.#layout, key, owner, lockedUntilMs, expiresAtSec);
      await this.client.send(new UpdateItemCommand(input));
      return 'ok';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw this.#failure(error, 'extend', key);
      // Still our lock, already held for longer (a late copy of an earlier renewal): held, unchanged.
      const held = error.Item === undefined ? undefined : this.#decode(error.Item, key);
      const stillOurs = held?.owner === owner && held.status === 'INPROGRESS';
      return stillOurs && (held.lockedUntilMs ?? 0) > lockedUntilMs ? 'ok' : 'lock-lost';
    }
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    let item: Record<string, AttributeValue> | undefined;
    try {
      item = (await this.client.send(new GetItemCommand(buildGetInput(this.#layout, key)))).Item;
    } catch (error) {
      throw this.#failure(error, 'get', key);
    }
    return item === undefined ? undefined : this.#decode(item, key);
  }

  #decode(item: Record<string, AttributeValue>, key: string): IdempotencyRecord {
    try {
      return decodeRecord(this.#layout, item);
    } catch (error) {
      // The codec's own errors already say what to do (a Powertools record without the format option).
      if (isIdempotencyError(error)) throw error;
      // Reading it again gives the same item: not retryable.
      throw new IdempotencyPersistenceError(
        `The item for key "${key}" in table "${this.tableName}" is not an idempotency record ` +
          `(${(error as Error).message}); check the attributes and sortKey options against the table`,
        { key, cause: error, retryable: false },
      );
    }
  }

  #failure(error: unknown, operation: StoreOperation, key: string): IdempotencyError {
    if (isIdempotencyError(error)) return error;
    return toPersistenceError(error, { operation, key, tableName: this.tableName });
  }
}
