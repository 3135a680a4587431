import { search } from '@aws-lambda-powertools/jmespath';
import { type Functions, PowertoolsFunctions } from '@aws-lambda-powertools/jmespath/functions';
import type { DecisionEvent } from './decision.js';
import { IdempotencyConfigError } from './errors.js';
import { readKeyHeader } from './http.js';
import type { HashAlgorithm } from './key.js';
import type { LeaseOptions } from './lease.js';
import { LocalCache } from './localCache.js';
import { consoleLogger, type IdempotencyLogger } from './logger.js';
import type { IdempotencyRecord } from './record.js';
import type { IdempotencyStore } from './store.js';

/** Wait for a running call with the same key instead of failing at once. */
export interface WaitWhenInProgress {
  wait: true;
  /** Give up (with `IdempotencyAlreadyInProgressError`) after this long. Default 10 000. */
  maxWaitMs?: number;
}

/**
 * The one options object of `makeIdempotent`, `@idempotent` and the Middy middleware.
 * Validated when the wrapper is built. `TPayload` types the argument of `key` and `scope`, `TResult`
 * that of `onReplay`; `TIndex` is the `payloadArgument` chosen (`makeIdempotent` infers all three).
 *
 * @example
 * ```ts
 * const options: IdempotencyOptions<{ body: { orderId: string } }> = {
 *   store, keyPath: 'body.orderId', expiresAfterSeconds: 3600,
 * };
 * ```
 */
export interface IdempotencyOptions<TPayload = unknown, TResult = unknown, TIndex extends number = number> {
  /** Where records live. Required. */
  store: IdempotencyStore;
  /** JMESPath into the payload selecting the key material (Powertools functions available). Default: the whole payload. */
  keyPath?: string;
  /** Typed extractor of the key material; an alternative to `keyPath`. */
  key?: (payload: TPayload) => unknown;
  /** HTTP header carrying a client-chosen key (e.g. `'Idempotency-Key'`), read case-insensitively; an alternative to `keyPath`. */
  keyHeader?: string;
  /** JMESPath of a payload part that replays must repeat unchanged. */
  validatePath?: string;
  /**
   * The JMESPath functions `keyPath` and `validatePath` may call, as Powertools' `jmesPathOptions`
   * takes them: an instance of a class extending `PowertoolsFunctions` (or `Functions`) from
   * `@aws-lambda-powertools/jmespath/functions`. It replaces the default set, so extend
   * `PowertoolsFunctions` to keep `powertools_json` and the others. Default: `new PowertoolsFunctions()`.
   */
  jmesPathOptions?: Functions;
  /** Lifetime of a completed record, in seconds. Default 3600. */
  expiresAfterSeconds?: number;
  /** What a call does when the same key is in progress: `'throw'` (default) or wait for its result. */
  whenInProgress?: 'throw' | WaitWhenInProgress;
  /** Keep completed results in this container; `false` (default) turns it off. */
  localCache?: false | { maxEntries?: number; maxBytes?: number };
  /**
   * Default `true`: a payload whose key material is empty (a `keyPath` that selects nothing, a
   * missing header) fails with `IdempotencyKeyError`. `false` runs such calls without idempotency,
   * with a warning: it drops protection, so it must be asked for.
   */
  requireKey?: boolean;
  /** Digest of keys and validation values. Default `'sha256'`; `'md5'` gives Powertools-identical keys. */
  hash?: HashAlgorithm;
  /** Key prefix. Default: the Lambda function name and the wrapped function's name. */
  keyPrefix?: string;
  /**
   * Tenant or caller the key belongs to; part of the key. `undefined` at run time is an
   * `IdempotencyKeyError`. Required with `keyHeader` (a client-chosen key); `false` opts out
   * there, which lets one tenant replay another's responses by sending its key.
   */
  scope?: ((payload: TPayload, context: unknown) => string | undefined) | false;
  /** Maps a stored result before a replay returns it. */
  onReplay?: (response: TResult, record: IdempotencyRecord) => TResult;
  /** Where decisions are logged (`debug`/`info`/`warn`/`error`). Default: warnings and errors to `console`. */
  logger?: IdempotencyLogger;
  /** Index of the argument that carries the payload (the one `key` and `scope` receive). Default 0 (the Lambda event). */
  payloadArgument?: TIndex;
  /**
   * Without a Lambda context among the arguments, the lock is a heartbeat lease of this length,
   * renewed while the call runs (a crashed call frees its key within it). Default 60 000; at most 900 000.
   */
  lockDurationMs?: number;
  /** API Gateway / Function URL handlers: answer idempotency errors with 409/422/400 problem responses and mark replays with `Idempotent-Replayed: true`. */
  http?: boolean;
  /** Called once per invocation with the decision taken (see `Decision`). */
  onDecision?: (event: DecisionEvent) => void;
  /** Hold the lock as a short lease renewed while the call runs, instead of for the Lambda's whole remaining time. */
  lease?: LeaseOptions;
  /** Errors to store as the call's outcome and replay (a predicate, or error names); others release the lock. */
  cacheErrors?: ((error: unknown) => boolean) | readonly string[];
}

/** Options after validation: defaults filled, JMESPath compiled, frozen. */
export interface ResolvedOptions {
  readonly store: IdempotencyStore;
  /** Describes the key selection in messages: the JMESPath, `key()`, or `the whole payload`. */
  readonly keySource: string;
  readonly selectKey: (payload: unknown) => unknown;
  readonly selectValidation: ((payload: unknown) => unknown) | undefined;
  readonly expiresAfterSeconds: number;
  readonly maxWaitMs: number | undefined;
  readonly localCache: LocalCache | undefined;
  readonly requireKey: boolean;
  readonly hash: HashAlgorithm;
  readonly keyPrefix: string | undefined;
  readonly scope: ((payload: unknown, context: unknown) => string | undefined) | undefined;
  readonly onReplay: ((response: unknown, record: IdempotencyRecord) => unknown) | undefined;
  readonly logger: IdempotencyLogger;
  readonly payloadArgument: number;
  readonly lockDurationMs: number;
  /** The lease a call without a Lambda context holds: `lockDurationMs`, renewed. */
  readonly contextlessLease: Readonly<Required<LeaseOptions>>;
  readonly http: boolean;
  readonly onDecision: ((event: DecisionEvent) => void) | undefined;
  readonly lease: Readonly<Required<LeaseOptions>> | undefined;
  readonly cacheErrors: ((error: unknown) => boolean) | undefined;
  readonly disabled: boolean;
}

const knownOptions = new Set([
  'store',
  'keyPath',
  'key',
  'validatePath',
  'jmesPathOptions',
  'expiresAfterSeconds',
  'whenInProgress',
  'localCache',
  'requireKey',
  'hash',
  'keyPrefix',
  'scope',
  'onReplay',
  'logger',
  'payloadArgument',
  'lockDurationMs',
  'keyHeader',
  'http',
  'onDecision',
  'lease',
  'cacheErrors',
]);

const fail = (option: string, value: unknown, allowed: string): never => {
  throw new IdempotencyConfigError(`Option "${option}" is ${describe(value)}; ${allowed}.`);
};

const describe = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
};

const parseStore = (value: unknown): IdempotencyStore => {
  const store = value as Partial<IdempotencyStore> | undefined;
  const methods = ['acquire', 'complete', 'release', 'get'] as const;
  if (typeof store !== 'object' || store === null || methods.some((m) => typeof store[m] !== 'function')) {
    return fail(
      'store',
      value,
      'pass an IdempotencyStore such as new DynamoDBStore({ tableName }) or new InMemoryStore()',
    );
  }
  return store as IdempotencyStore;
};

const powertoolsFunctions = new PowertoolsFunctions();

// Duck-typed rather than `instanceof Functions`: the ESM and CJS copies of the package each
// have their own class.
const parseJmesPathFunctions = (value: unknown): Functions => {
  if (value === undefined) return powertoolsFunctions;
  if (typeof value !== 'object' || value === null || typeof (value as Functions).introspectMethods !== 'function') {
    return fail(
      'jmesPathOptions',
      value,
      'use an instance of a class extending PowertoolsFunctions (or Functions) from @aws-lambda-powertools/jmespath/functions',
    );
  }
  return value as Functions;
};

// `search` parses once and caches the tree by expression, so compiling here means every
// request reuses the parsed expression. Running it on `{}` also surfaces unknown functions
// and wrong arities; type errors on the empty object are expected and ignored.
const compileJmesPath = (
  option: string,
  expression: unknown,
  customFunctions: Functions,
): ((payload: unknown) => unknown) => {
  const jmespathOptions = { customFunctions };
  if (typeof expression !== 'string' || expression.trim() === '') {
    return fail(option, expression, 'use a non-empty JMESPath expression such as "body.orderId"');
  }
  try {
    search(expression, {}, jmespathOptions);
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'JMESPathTypeError') {
      throw new IdempotencyConfigError(
        `Option "${option}" is not a valid JMESPath expression (${JSON.stringify(expression)}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return (payload) => search(expression, payload as Parameters<typeof search>[1], jmespathOptions);
};

// Lambda runs a call for at most 15 minutes: a lock, lease or wait longer than that is a mistake.
const MAX_LAMBDA_MS = 15 * 60 * 1000;
// Ten years: longer is a typo, and far past any retry policy.
const MAX_EXPIRY_SEC = 10 * 365 * 24 * 3600;

// A lease is renewed three times per term: a shorter lock or lease would write to the store
// every few milliseconds.
const MIN_LOCK_MS = 100;

const parseWhole = (option: string, value: unknown, fallback: number, unit: string, max: number, min = 1): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail(option, value, `use a whole number of ${unit} from ${min} to ${max}`);
  }
  return value;
};

const parseFunction = <F>(option: string, value: unknown): F | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') return fail(option, value, 'use a function');
  return value as F;
};

const parseMaxWaitMs = (value: unknown): number | undefined => {
  if (value === undefined || value === 'throw') return undefined;
  const wait = value as Partial<WaitWhenInProgress>;
  if (typeof value !== 'object' || value === null || wait.wait !== true) {
    return fail('whenInProgress', value, "use 'throw' or { wait: true, maxWaitMs }");
  }
  return parseWhole('whenInProgress.maxWaitMs', wait.maxWaitMs, 10_000, 'milliseconds', MAX_LAMBDA_MS);
};

const parseLocalCache = (value: unknown): LocalCache | undefined => {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    return fail('localCache', value, 'use false or { maxEntries, maxBytes }');
  }
  const limits = value as { maxEntries?: unknown; maxBytes?: unknown };
  return new LocalCache({
    maxEntries: parseWhole('localCache.maxEntries', limits.maxEntries, 256, 'entries', 1_000_000),
    maxBytes: parseWhole('localCache.maxBytes', limits.maxBytes, 8 * 1024 * 1024, 'bytes', Number.MAX_SAFE_INTEGER),
  });
};

const parseLease = (value: unknown): Required<LeaseOptions> | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return fail('lease', value, 'use { durationMs, renew }');
  const lease = value as Partial<Record<keyof LeaseOptions, unknown>>;
  if (lease.durationMs === undefined) {
    return fail(
      'lease.durationMs',
      undefined,
      `use a whole number of milliseconds from ${MIN_LOCK_MS} to ${MAX_LAMBDA_MS}`,
    );
  }
  return Object.freeze({
    durationMs: parseWhole(
      'lease.durationMs',
      lease.durationMs,
      Number.NaN,
      'milliseconds',
      MAX_LAMBDA_MS,
      MIN_LOCK_MS,
    ),
    renew: parseBoolean('lease.renew', lease.renew, true),
  });
};

const parseCacheErrors = (value: unknown): ((error: unknown) => boolean) | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (error: unknown) => boolean;
  if (Array.isArray(value) && value.every((name) => typeof name === 'string')) {
    const names = new Set<string>(value);
    return (error) => names.has((error as { name?: unknown } | null)?.name as string);
  }
  return fail(
    'cacheErrors',
    value,
    "use a predicate (error) => boolean or a list of error names such as ['CardDeclined']",
  );
};

const parseHash = (value: unknown): HashAlgorithm => {
  if (value === undefined) return 'sha256';
  if (value !== 'sha256' && value !== 'md5') return fail('hash', value, "use 'sha256' or 'md5'");
  return value;
};

const parseBoolean = (option: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') return fail(option, value, 'use true or false');
  return value;
};

const parsePayloadArgument = (value: unknown): number => {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || (value as number) < 0) {
    return fail('payloadArgument', value, 'use the index of an argument (0, 1, …)');
  }
  return value as number;
};

const parseKeyPrefix = (value: unknown): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return fail('keyPrefix', value, 'use a non-empty string');
  return value;
};

const parseLogger = (value: unknown): IdempotencyLogger => {
  if (value === undefined) return consoleLogger;
  const logger = value as Partial<IdempotencyLogger>;
  const methods = ['debug', 'info', 'warn', 'error'] as const;
  if (typeof value !== 'object' || value === null || methods.some((m) => typeof logger[m] !== 'function')) {
    return fail('logger', value, 'use an object with debug, info, warn and error methods (the Powertools Logger fits)');
  }
  return logger as IdempotencyLogger;
};

// A key the client chooses is only safe inside one tenant: without a scope, tenant B could send
// tenant A's key and be answered with A's stored response.
const parseScope = (input: Record<string, unknown>): ResolvedOptions['scope'] => {
  if (input.scope === false) return undefined;
  if (input.keyHeader !== undefined && input.scope === undefined) {
    throw new IdempotencyConfigError(
      'Option "keyHeader" lets clients choose the key, so it needs "scope" (the tenant or caller, e.g. ' +
        "(event) => event.requestContext.authorizer.tenantId): without it one tenant can replay another's " +
        'responses by sending its key. Set scope: false only for a single-tenant API.',
    );
  }
  return parseFunction<ResolvedOptions['scope']>('scope', input.scope);
};

const parseKeySelection = (
  input: Record<string, unknown>,
  functions: Functions,
): Pick<ResolvedOptions, 'keySource' | 'selectKey'> => {
  const sources = ['keyPath', 'key', 'keyHeader'].filter((name) => input[name] !== undefined);
  if (sources.length > 1) {
    throw new IdempotencyConfigError(
      `Options ${sources.map((n) => `"${n}"`).join(' and ')} are ${sources.length === 2 ? 'both' : 'all'} set; use one of them.`,
    );
  }
  if (input.keyHeader !== undefined) {
    const header = input.keyHeader;
    if (typeof header !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header)) {
      return fail('keyHeader', header, "use an HTTP header name such as 'Idempotency-Key'");
    }
    return { keySource: `header "${header}"`, selectKey: (payload) => readKeyHeader(payload, header) };
  }
  if (input.keyPath !== undefined) {
    return {
      keySource: `keyPath ${JSON.stringify(input.keyPath)}`,
      selectKey: compileJmesPath('keyPath', input.keyPath, functions),
    };
  }
  const extract = parseFunction<(payload: unknown) => unknown>('key', input.key);
  if (extract) return { keySource: 'the key() extractor', selectKey: extract };
  return { keySource: 'the whole payload', selectKey: (payload) => payload };
};

// Users carry POWERTOOLS_IDEMPOTENCY_DISABLED over from Powertools, which reads it with
// getBooleanFromEnv({ extendedParsing: true }): trimmed, any case, 1/y/yes/t/true/on.
const powertoolsDisabled = (value: string | undefined): boolean => /^(1|y|yes|t|true|on)$/i.test(value?.trim() ?? '');

/**
 * Checks an options object, fills defaults, compiles JMESPath, and freezes the result.
 * Throws `IdempotencyConfigError` naming the option, the value and what is allowed.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ store: new InMemoryStore(), keyPath: 'body.id' });
 * ```
 */
export const resolveOptions = (
  // biome-ignore lint/suspicious/noExplicitAny: any payload and result type is accepted here
  options: IdempotencyOptions<any, any>,
  env: Record<string, string | undefined> = process.env,
): ResolvedOptions => {
  if (typeof options !== 'object' || options === null) {
    return fail('options', options, 'pass an options object with at least { store }');
  }
  const input = options as unknown as Record<string, unknown>;
  const unknown = Object.keys(input).filter((name) => !knownOptions.has(name));
  if (unknown.length > 0) {
    throw new IdempotencyConfigError(
      `Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; known options: ${[...knownOptions].join(', ')}.`,
    );
  }
  const lockDurationMs = parseWhole(
    'lockDurationMs',
    input.lockDurationMs,
    60_000,
    'milliseconds',
    MAX_LAMBDA_MS,
    MIN_LOCK_MS,
  );
  const functions = parseJmesPathFunctions(input.jmesPathOptions);
  return Object.freeze({
    store: parseStore(input.store),
    ...parseKeySelection(input, functions),
    selectValidation:
      input.validatePath === undefined ? undefined : compileJmesPath('validatePath', input.validatePath, functions),
    expiresAfterSeconds: parseWhole('expiresAfterSeconds', input.expiresAfterSeconds, 3600, 'seconds', MAX_EXPIRY_SEC),
    maxWaitMs: parseMaxWaitMs(input.whenInProgress),
    localCache: parseLocalCache(input.localCache),
    requireKey: parseBoolean('requireKey', input.requireKey, true),
    hash: parseHash(input.hash),
    keyPrefix: parseKeyPrefix(input.keyPrefix),
    scope: parseScope(input),
    onReplay: parseFunction<ResolvedOptions['onReplay']>('onReplay', input.onReplay),
    logger: parseLogger(input.logger),
    payloadArgument: parsePayloadArgument(input.payloadArgument),
    lockDurationMs,
    contextlessLease: Object.freeze({ durationMs: lockDurationMs, renew: true }),
    http: parseBoolean('http', input.http, false),
    onDecision: parseFunction<ResolvedOptions['onDecision']>('onDecision', input.onDecision),
    lease: parseLease(input.lease),
    cacheErrors: parseCacheErrors(input.cacheErrors),
    disabled: env.ONCELY_DISABLED === 'true' || powertoolsDisabled(env.POWERTOOLS_IDEMPOTENCY_DISABLED),
  });
};
