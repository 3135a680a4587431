import { IdempotencyConfigError, type IdempotencyLogger } from '@oncely/core';
import { consoleLogger } from '@oncely/core/engine';

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
   * outside the handler. A cluster routes each script by the record's key (one slot per record).
   * Its `socket.socketTimeout` and `reconnectStrategy` are checked: see `checkClientTimeouts`.
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
  /**
   * Where the store's construction-time warning goes (a client whose commands can wait for a
   * reply forever). Default: `console` (warnings only).
   */
  logger?: IdempotencyLogger;
}

/** Which Powertools library's cache records a `RedisStore` reads and writes. */
export type PowertoolsFormat = 'typescript';

/** The options after checking, frozen. */
export interface ResolvedStoreOptions {
  client: RedisScriptingClient;
  keyPrefix: string;
  powertools: PowertoolsFormat | undefined;
  logger: IdempotencyLogger;
}

const optionNames = ['client', 'keyPrefix', 'powertools', 'logger'];
const DEFAULT_KEY_PREFIX = 'idempotency:';

const fail = (message: string): never => {
  throw new IdempotencyConfigError(`RedisStore: ${message}`);
};

const isScriptingClient = (value: unknown): value is RedisScriptingClient =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<RedisScriptingClient>).eval === 'function' &&
  typeof (value as Partial<RedisScriptingClient>).evalSha === 'function';

/** The socket settings of a `@redis/client` client, or the per-node defaults of a cluster. */
interface SocketSettings {
  socketTimeout?: unknown;
  reconnectStrategy?: unknown;
}

interface ReadableClient {
  options?: { socket?: SocketSettings };
  _options?: { rootNodes?: unknown; defaults?: { socket?: SocketSettings } };
}

// A client's options are public (`client.options`); a cluster keeps the options every node's
// client is made with in `_options.defaults`. Anything else (a sentinel, a wrapper) is not checked.
const socketSettings = (client: RedisScriptingClient): SocketSettings | undefined => {
  const { options, _options } = client as ReadableClient;
  if (typeof _options === 'object' && _options !== null && 'rootNodes' in _options) {
    return _options.defaults?.socket ?? {};
  }
  if (typeof options === 'object' && options !== null) return options.socket ?? {};
  return undefined;
};

const TIMEOUT_ADVICE =
  "socket: { socketTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1_000) }, pingInterval: 1_000 (cluster: under 'defaults'); see the @oncely/redis README, Timeouts that hold";

/**
 * Checks that every command of the client ends: `commandOptions.timeout` bounds only commands
 * still queued (@redis/client 6 drops the timer once a command is written), so a reply that never
 * comes is bounded only by `socket.socketTimeout`, which destroys the socket and fails the
 * commands waiting on it. The default reconnect strategy gives up on a socket timeout and closes
 * the client for good, so a socket timeout needs a reconnect strategy of its own: that
 * combination throws here, a missing socket timeout is a warning.
 *
 * @example
 * ```ts
 * checkClientTimeouts(createClient({ url, socket: { socketTimeout: 2_000, reconnectStrategy: 100 } }), console);
 * ```
 */
export const checkClientTimeouts = (client: RedisScriptingClient, logger: IdempotencyLogger): void => {
  const socket = socketSettings(client);
  if (socket === undefined) return;
  const { socketTimeout, reconnectStrategy } = socket;
  if (typeof socketTimeout !== 'number' || socketTimeout <= 0) {
    logger.warn(
      'RedisStore: the client has no socket.socketTimeout, so a command Redis never answers (a stalled ' +
        'server, a lost connection) waits for its reply until the Lambda times out, holding the lock; ' +
        `commandOptions.timeout does not bound a command already sent. Set ${TIMEOUT_ADVICE}`,
    );
    return;
  }
  if (reconnectStrategy === undefined || reconnectStrategy === false) {
    fail(
      `the client has socket.socketTimeout (${socketTimeout} ms) but socket.reconnectStrategy is ` +
        `${reconnectStrategy === false ? 'false' : "@redis/client's default"}, which closes the client for good ` +
        `on the first socket timeout, so every later call fails; set ${TIMEOUT_ADVICE}`,
    );
  }
};

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
  const logger = options.logger ?? consoleLogger;
  if (typeof logger?.warn !== 'function') fail('logger must have debug, info, warn and error methods');
  checkClientTimeouts(options.client, logger);
  return Object.freeze({ client: options.client, keyPrefix, powertools, logger });
};
