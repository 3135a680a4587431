import { IdempotencyConfigError } from './errors.js';
import { readKeyHeader } from './http.js';
import type { HashAlgorithm } from './key.js';
import { consoleLogger, type IdempotencyLogger } from './logger.js';
import { checkOptionNames, quote } from './optionNames.js';
import type { IdempotencyOptions, LockOptions, ResolvedOptions } from './options.js';
import type { Responses } from './responses.js';
import { dottedPath, isPayloadSelector } from './selector.js';
import type { IdempotencyStore } from './store.js';

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

const parseWaitMs = (value: unknown): number | undefined => {
  if (value === undefined || value === 'throw') return undefined;
  const wait = value as Record<string, unknown>;
  if (typeof value === 'object' && value !== null && wait.wait === true) {
    throw new IdempotencyConfigError(
      `Option "whenInProgress" of oncely 0.x renamed in 1.0: { wait: true${wait.maxWaitMs === undefined ? '' : `, maxWaitMs: ${quote(wait.maxWaitMs)}`} } -> ` +
        `{ waitMs: ${wait.maxWaitMs === undefined ? '10_000' : quote(wait.maxWaitMs)} }. See the migration table in the @oncely/core README.`,
    );
  }
  if (typeof value !== 'object' || value === null || Object.keys(value).some((name) => name !== 'waitMs')) {
    return fail('whenInProgress', value, "use 'throw' or { waitMs }");
  }
  return parseWhole('whenInProgress.waitMs', wait.waitMs, 10_000, 'milliseconds', MAX_LAMBDA_MS);
};

// A misspelt field would silently leave the lock or cache at its default.
const checkFields = (option: string, value: object, fields: readonly string[], allowed: string): void => {
  const unknown = Object.keys(value).find((name) => !fields.includes(name));
  if (unknown !== undefined) {
    throw new IdempotencyConfigError(`Option "${option}" has the unknown field "${unknown}"; ${allowed}.`);
  }
};

const parseLocalCache = (value: unknown): ResolvedOptions['localCache'] => {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    return fail('localCache', value, 'use false or { maxEntries, maxBytes }');
  }
  checkFields('localCache', value, ['maxEntries', 'maxBytes'], 'use false or { maxEntries, maxBytes }');
  const limits = value as { maxEntries?: unknown; maxBytes?: unknown };
  return Object.freeze({
    maxEntries: parseWhole('localCache.maxEntries', limits.maxEntries, 256, 'entries', 1_000_000),
    maxBytes: parseWhole('localCache.maxBytes', limits.maxBytes, 8 * 1024 * 1024, 'bytes', Number.MAX_SAFE_INTEGER),
  });
};

const parseLock = (value: unknown): ResolvedOptions['lock'] => {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return fail('lock', value, 'use { durationMs, renew }');
  checkFields('lock', value, ['durationMs', 'renew'], 'use { durationMs, renew }');
  const lock = value as Partial<Record<keyof LockOptions, unknown>>;
  const range = `use a whole number of milliseconds from ${MIN_LOCK_MS} to ${MAX_LAMBDA_MS}`;
  if (lock.durationMs === undefined) return fail('lock.durationMs', undefined, range);
  return Object.freeze({
    durationMs: parseWhole('lock.durationMs', lock.durationMs, Number.NaN, 'milliseconds', MAX_LAMBDA_MS, MIN_LOCK_MS),
    renew: parseBoolean('lock.renew', lock.renew, true),
  });
};

const parseCacheErrors = (value: unknown): ((error: unknown) => boolean) | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (error: unknown) => boolean;
  if (Array.isArray(value)) {
    return fail(
      'cacheErrors',
      value,
      `use a predicate: errorNamed(${value.map(quote).join(', ')}) with import { errorNamed } from '@oncely/core'`,
    );
  }
  return fail('cacheErrors', value, "use a predicate (error) => boolean, such as errorNamed('CardDeclined')");
};

const parseResponses = (value: unknown): Responses | undefined => {
  if (value === undefined) return undefined;
  const responses = value as Partial<Responses>;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof responses.replay !== 'function' ||
    typeof responses.error !== 'function'
  ) {
    return fail(
      'responses',
      value,
      "use httpResponses from '@oncely/core' (or an object with replay and error functions)",
    );
  }
  return value as Responses;
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

const headerOf = (key: unknown): unknown =>
  typeof key === 'object' && key !== null && !isPayloadSelector(key) ? (key as { header?: unknown }).header : undefined;

// A key the client chooses is only safe inside one tenant: without a scope, tenant B could send
// tenant A's key and be answered with A's stored response.
const parseScope = (input: Record<string, unknown>): ResolvedOptions['scope'] => {
  if (input.scope === false) return undefined;
  if (headerOf(input.key) !== undefined && input.scope === undefined) {
    throw new IdempotencyConfigError(
      'Option "key: { header }" lets clients choose the key, so it needs "scope" (the tenant or caller, e.g. ' +
        "(event) => event.requestContext.authorizer.tenantId): without it one tenant can replay another's " +
        'responses by sending its key. Set scope: false only for a single-tenant API.',
    );
  }
  return parseFunction<ResolvedOptions['scope']>('scope', input.scope);
};

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

// A dotted path, a selector (`jmespath()`), or a function: the three ways to pick a payload part.
const parseSelection = (
  option: string,
  value: unknown,
): { source: string; select: (payload: unknown) => unknown } | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return dottedPath(option, value);
  if (isPayloadSelector(value)) return value;
  if (typeof value === 'function') return { source: `${option}()`, select: value as (payload: unknown) => unknown };
  return fail(
    option,
    value,
    `use a dotted path such as "body.orderId", jmespath("...") from '@oncely/core/jmespath', or a function of the payload`,
  );
};

const parseKey = (value: unknown): Pick<ResolvedOptions, 'keySource' | 'selectKey'> => {
  const header = headerOf(value);
  if (typeof value === 'object' && value !== null && !isPayloadSelector(value)) {
    if (typeof header !== 'string' || !HEADER_NAME.test(header) || Object.keys(value).length !== 1) {
      return fail(
        'key',
        value,
        "use { header: 'Idempotency-Key' } with an HTTP header name, or a dotted path, jmespath() or a function",
      );
    }
    return { keySource: `header "${header}"`, selectKey: (payload) => readKeyHeader(payload, header) };
  }
  const selection = parseSelection('key', value);
  if (selection === undefined) return { keySource: 'the whole payload', selectKey: (payload) => payload };
  return { keySource: typeof value === 'function' ? 'key()' : `key ${selection.source}`, selectKey: selection.select };
};

// Users carry POWERTOOLS_IDEMPOTENCY_DISABLED over from Powertools, which reads it with
// getBooleanFromEnv({ extendedParsing: true }): trimmed, any case, 1/y/yes/t/true/on.
const powertoolsDisabled = (value: string | undefined): boolean => /^(1|y|yes|t|true|on)$/i.test(value?.trim() ?? '');

/**
 * Checks an options object, fills defaults, compiles key selection, and freezes the result.
 * Throws `IdempotencyConfigError` naming the option, the value and what is allowed.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ store: new InMemoryStore(), key: 'body.id' });
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
  checkOptionNames(input);
  return Object.freeze({
    store: parseStore(input.store),
    ...parseKey(input.key),
    selectValidation: parseSelection('validate', input.validate)?.select,
    expiresAfterSeconds: parseWhole('expiresAfterSeconds', input.expiresAfterSeconds, 3600, 'seconds', MAX_EXPIRY_SEC),
    waitMs: parseWaitMs(input.whenInProgress),
    localCache: parseLocalCache(input.localCache),
    requireKey: parseBoolean('requireKey', input.requireKey, true),
    hash: parseHash(input.hash),
    keyPrefix: parseKeyPrefix(input.keyPrefix),
    scope: parseScope(input),
    onReplay: parseFunction<ResolvedOptions['onReplay']>('onReplay', input.onReplay),
    logger: parseLogger(input.logger),
    payloadArgument: parsePayloadArgument(input.payloadArgument),
    lock: parseLock(input.lock),
    responses: parseResponses(input.responses),
    onDecision: parseFunction<ResolvedOptions['onDecision']>('onDecision', input.onDecision),
    cacheErrors: parseCacheErrors(input.cacheErrors),
    disabled: env.ONCELY_DISABLED === 'true' || powertoolsDisabled(env.POWERTOOLS_IDEMPOTENCY_DISABLED),
  });
};
