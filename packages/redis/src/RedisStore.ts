import type {
  AcquireResult,
  Completion,
  FencedOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  LockRequest,
} from '@oncely/core';
import { IdempotencyPersistenceError } from '@oncely/core';
import { type RedisScriptingClient, type RedisStoreOptions, resolveStoreOptions } from './options.js';
import { replyCode, type StoreOperation, toPersistenceError } from './persistenceError.js';
import { decodeRecord, recordFields, replyStrings } from './recordCodec.js';
import { acquireScript, completeScript, extendScript, getScript, releaseScript, type Script } from './scripts.js';

const fenced = (reply: unknown): FencedOutcome => (Number(reply) === 1 ? 'ok' : 'lock-lost');

/**
 * An `IdempotencyStore` on Redis or Valkey. Each record is a hash under `keyPrefix + key` with
 * the Powertools field names (plus `owner` and `error`), and the key expires (`PEXPIREAT`) when
 * the record does. Every operation is one Lua script, so one round trip: a conflicting `acquire`
 * returns the holder's record in the same reply.
 *
 * @example
 * ```ts
 * // Once per container, outside the handler:
 * const client = await createClient({ url: process.env.REDIS_URL }).on('error', console.error).connect();
 * const store = new RedisStore({ client });
 * export const handler = makeIdempotent(processPayment, { store, keyPath: 'body.orderId' });
 * ```
 */
export class RedisStore implements IdempotencyStore {
  /** The client scripts are sent with. */
  readonly client: RedisScriptingClient;
  /** Put before every idempotency key to form the Redis key. */
  readonly keyPrefix: string;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveStoreOptions(options);
    this.client = resolved.client;
    this.keyPrefix = resolved.keyPrefix;
  }

  async acquire(lock: LockRequest): Promise<AcquireResult> {
    const args = [
      lock.owner,
      String(lock.lockedUntilMs),
      String(lock.expiresAtSec),
      String(lock.expiresAtSec * 1000),
      String(lock.nowMs),
    ];
    if (lock.validation !== undefined) args.push(lock.validation);
    const fields = await this.#fields(acquireScript, 'acquire', lock.key, args);
    return fields.length === 0 ? { acquired: true } : { acquired: false, existing: this.#decode(lock.key, fields) };
  }

  async complete(completion: Completion): Promise<FencedOutcome> {
    const args = [completion.owner, String(completion.expiresAtSec), String(completion.expiresAtSec * 1000)];
    if (completion.notStored !== undefined) args.push(recordFields.notStored, completion.notStored);
    else if (completion.error !== undefined) args.push('error', completion.error);
    else if (completion.data !== undefined) args.push('data', completion.data);
    return fenced(await this.#run(completeScript, 'complete', completion.key, args));
  }

  async release(key: string, owner: string): Promise<FencedOutcome> {
    return fenced(await this.#run(releaseScript, 'release', key, [owner]));
  }

  async extend(key: string, owner: string, lockedUntilMs: number, expiresAtSec: number): Promise<FencedOutcome> {
    const args = [owner, String(lockedUntilMs), String(expiresAtSec), String(expiresAtSec * 1000)];
    return fenced(await this.#run(extendScript, 'extend', key, args));
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    const fields = await this.#fields(getScript, 'get', key, []);
    return fields.length === 0 ? undefined : this.#decode(key, fields);
  }

  async #fields(script: Script, operation: StoreOperation, key: string, args: string[]): Promise<string[]> {
    const reply = await this.#run(script, operation, key, args);
    try {
      return replyStrings(reply);
    } catch (error) {
      throw this.#notARecord(key, error);
    }
  }

  // EVALSHA sends only the script's hash; Redis answers NOSCRIPT (and runs nothing) when it
  // does not have the script cached yet (a new server, a failover, SCRIPT FLUSH), and EVAL
  // then sends the source, which caches it.
  async #run(script: Script, operation: StoreOperation, key: string, args: string[]): Promise<unknown> {
    const call = { keys: [this.keyPrefix + key], arguments: args };
    try {
      try {
        return await this.client.evalSha(script.sha1, call);
      } catch (error) {
        if (replyCode(error) !== 'NOSCRIPT') throw error;
        return await this.client.eval(script.source, call);
      }
    } catch (error) {
      throw toPersistenceError(error, { operation, key, keyPrefix: this.keyPrefix });
    }
  }

  #decode(key: string, fields: readonly string[]): IdempotencyRecord {
    try {
      return decodeRecord(key, fields);
    } catch (error) {
      throw this.#notARecord(key, error);
    }
  }

  #notARecord(key: string, error: unknown): IdempotencyPersistenceError {
    return new IdempotencyPersistenceError(
      `Redis key "${this.keyPrefix}${key}" does not hold an idempotency record (${(error as Error).message}); ` +
        'give the store a keyPrefix that no other data uses',
      { key, cause: error },
    );
  }
}
