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
  /** Put before every idempotency key to form the Redis key. Default `'idempotency:'`. */
  keyPrefix?: string;
}

/** The options after checking, frozen. */
export interface ResolvedStoreOptions {
  client: RedisScriptingClient;
  keyPrefix: string;
}

const optionNames = ['client', 'keyPrefix'];
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
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') fail(`keyPrefix must be a string, got ${JSON.stringify(keyPrefix)}`);
  return Object.freeze({ client: options.client, keyPrefix });
};
