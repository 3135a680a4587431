import { IdempotencyConfigError } from '@oncely/core';

/** The arguments of a script call: the record's Redis key and the script's arguments. */
export interface ScriptArguments {
  keys: string[];
  arguments: string[];
}

/**
 * The part of a `@redis/client` client the store uses: `eval` and `evalSha`. A client from
 * `createClient`, a cluster from `createCluster` and a sentinel from `createSentinel` all fit.
 *
 * @example
 * ```ts
 * const client: RedisScriptingClient = await createClient({ url: process.env.REDIS_URL }).connect();
 * ```
 */
export interface RedisScriptingClient {
  eval(script: string, options: ScriptArguments): Promise<unknown>;
  evalSha(sha1: string, options: ScriptArguments): Promise<unknown>;
}

/**
 * Options of `RedisStore`, checked once in its constructor.
 *
 * @example
 * ```ts
 * const options: RedisStoreOptions = { client, keyPrefix: 'payments:idempotency:' };
 * ```
 */
export interface RedisStoreOptions {
  /**
   * A connected `@redis/client` client (or cluster), created and connected once per container,
   * outside the handler.
   */
  client: RedisScriptingClient;
  /**
   * Put before every idempotency key to form the Redis key. Default `'idempotency:'`, or `''`
   * with `powertools` (Powertools puts nothing before its keys).
   */
  keyPrefix?: string;
  /**
   * `'typescript'`: read and write the record format of Powertools TypeScript's
   * `CachePersistenceLayer` (one JSON string per key) instead of a hash, so a cache can be shared
   * with Powertools functions during a migration. Default: a hash per record.
   */
  powertools?: PowertoolsFormat;
}

/** Which Powertools library's cache records a `RedisStore` reads and writes. */
export type PowertoolsFormat = 'typescript';

/** The options after checking, frozen. */
export interface ResolvedStoreOptions {
  client: RedisScriptingClient;
  keyPrefix: string;
  powertools: PowertoolsFormat | undefined;
}

const optionNames = ['client', 'keyPrefix', 'powertools'];
const DEFAULT_KEY_PREFIX = 'idempotency:';

const fail = (message: string): never => {
  throw new IdempotencyConfigError(`RedisStore: ${message}`);
};

const isScriptingClient = (value: unknown): value is RedisScriptingClient =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<RedisScriptingClient>).eval === 'function' &&
  typeof (value as Partial<RedisScriptingClient>).evalSha === 'function';

/**
 * Checks the options once, at construction. Throws `IdempotencyConfigError` naming the option.
 *
 * @example
 * ```ts
 * const { client, keyPrefix } = resolveStoreOptions({ client: redis });
 * ```
 */
export const resolveStoreOptions = (options: RedisStoreOptions): ResolvedStoreOptions => {
  if (typeof options !== 'object' || options === null) return fail('options must be an object with a client');
  for (const name of Object.keys(options)) {
    if (!optionNames.includes(name)) fail(`unknown option ${name}; allowed: ${optionNames.join(', ')}`);
  }
  if (!isScriptingClient(options.client)) {
    fail(
      'client must be a @redis/client client (from createClient or createCluster) with eval and evalSha, ' +
        `got ${options.client === null ? 'null' : typeof options.client}`,
    );
  }
  const { powertools } = options;
  if (powertools !== undefined && powertools !== 'typescript') {
    fail(
      `powertools must be 'typescript' (Powertools TypeScript's CachePersistenceLayer), got ${JSON.stringify(powertools)}; ` +
        'the records of Powertools Python (RedisCachePersistenceLayer) are not supported',
    );
  }
  const keyPrefix = options.keyPrefix ?? (powertools === undefined ? DEFAULT_KEY_PREFIX : '');
  if (typeof keyPrefix !== 'string') fail(`keyPrefix must be a string, got ${JSON.stringify(keyPrefix)}`);
  return Object.freeze({ client: options.client, keyPrefix, powertools });
};
