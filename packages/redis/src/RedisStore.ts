import type {
  AcquireResult,
  Completion,
  FencedOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  LockRequest,
  StoreOperation,
} from '@oncely/core';
import { IdempotencyPersistenceError } from '@oncely/core';
import {
  type PowertoolsFormat,
  type RedisScriptingClient,
  type RedisStoreOptions,
  resolveStoreOptions,
} from './options.js';
import { replyCode, toPersistenceError } from './persistenceError.js';
import { type RecordFormat, recordFormat } from './recordFormat.js';
import type { Script } from './scripts.js';

const fenced = (reply: unknown): FencedOutcome => (Number(reply) === 1 ? 'ok' : 'lock-lost');

/**
 * An `IdempotencyStore` on Redis or Valkey. Each record is a hash under `keyPrefix + key` with
 * the Powertools field names (plus `owner` and `error`), or with `powertools: 'typescript'` the
 * JSON string Powertools TypeScript's `CachePersistenceLayer` writes; the key expires when the
 * record does. Every operation is one Lua script, so one round trip: a conflicting `acquire`
 * returns the holder's record in the same reply.
 *
 * @example
 * ```ts
 * // Once per container, outside the handler; the socket timeout bounds a command already sent
 * // (see the README, Timeouts that hold):
 * const client = await createClient({
 *   url: process.env.REDIS_URL,
 *   socket: { socketTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) },
 *   pingInterval: 1_000,
 * }).on('error', console.error).connect();
 * const store = new RedisStore({ client });
 * export const handler = makeIdempotent(processPayment, { store, key: 'body.orderId' });
 * ```
 */
export class RedisStore implements IdempotencyStore {
  /** The client scripts are sent with. */
  readonly client: RedisScriptingClient;
  /** Put before every idempotency key to form the Redis key. */
  readonly keyPrefix: string;
  /** `'typescript'` when records are in Powertools TypeScript's cache format. */
  readonly powertools: PowertoolsFormat | undefined;
  readonly #format: RecordFormat;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveStoreOptions(options);
    this.client = resolved.client;
    this.keyPrefix = resolved.keyPrefix;
    this.powertools = resolved.powertools;
    this.#format = recordFormat(resolved.powertools);
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
    const existing = await this.#record('acquire', lock.key, args);
    return existing === undefined ? { acquired: true } : { acquired: false, existing };
  }

  async complete(completion: Completion): Promise<FencedOutcome> {
    const args = [completion.owner, String(completion.expiresAtSec), String(completion.expiresAtSec * 1000)];
    args.push(...this.#format.outcomeArgs(completion));
    return fenced(await this.#run('complete', completion.key, args));
  }

  async release(key: string, owner: string): Promise<FencedOutcome> {
    return fenced(await this.#run('release', key, [owner]));
  }

  async extend(key: string, owner: string, lockedUntilMs: number, expiresAtSec: number): Promise<FencedOutcome> {
    const args = [owner, String(lockedUntilMs), String(expiresAtSec), String(expiresAtSec * 1000)];
    return fenced(await this.#run('extend', key, args));
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    return this.#record('get', key, []);
  }

  async #record(operation: 'acquire' | 'get', key: string, args: string[]): Promise<IdempotencyRecord | undefined> {
    const reply = await this.#run(operation, key, args);
    try {
      return this.#format.decode(key, reply);
    } catch (error) {
      throw this.#notARecord(key, error);
    }
  }

  // EVALSHA sends only the script's hash; Redis answers NOSCRIPT (and runs nothing) when it
  // does not have the script cached yet (a new server, a failover, SCRIPT FLUSH), and EVAL
  // then sends the source, which caches it.
  async #run(operation: StoreOperation, key: string, args: string[]): Promise<unknown> {
    const script: Script = this.#format.scripts[operation];
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

  #notARecord(key: string, error: unknown): IdempotencyPersistenceError {
    return new IdempotencyPersistenceError(
      `Redis key "${this.keyPrefix}${key}" does not hold an idempotency record (${(error as Error).message}); ` +
        'give the store a keyPrefix that no other data uses',
      { key, cause: error },
    );
  }
}
