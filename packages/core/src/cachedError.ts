import { IdempotencyConfigError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * An error replayed from the store (`cacheErrors`): it carries the first call's error name,
 * message, and `statusCode`/`code` when the original had them. Its class is not the original's.
 *
 * @example
 * ```ts
 * try { await handler(event); } catch (e) { if (e instanceof ReplayedError) return { statusCode: e.statusCode ?? 500 }; }
 * ```
 */
export class ReplayedError extends Error {
  readonly statusCode: number | undefined;
  readonly code: string | undefined;
  /** Always true: this error was stored by an earlier call and replayed. */
  readonly replayed = true as const;

  constructor(stored: StoredError) {
    super(stored.message);
    this.name = stored.name;
    this.statusCode = stored.statusCode;
    this.code = stored.code;
  }
}

interface StoredError {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
}

/**
 * The JSON text an error is stored as: its name, message, and a numeric `statusCode` (or
 * `$metadata.httpStatusCode`, `status`) and string `code` when present. Stacks are not stored.
 *
 * @example
 * ```ts
 * encodeError(Object.assign(new Error('declined'), { name: 'CardDeclined', statusCode: 402 }));
 * // '{"name":"CardDeclined","message":"declined","statusCode":402}'
 * ```
 */
export const encodeError = (error: unknown): string => {
  const source = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const stored: StoredError = {
    name: typeof source.name === 'string' ? source.name : 'Error',
    message: typeof source.message === 'string' ? source.message : String(error),
  };
  const metadata = source.$metadata as { httpStatusCode?: unknown } | undefined;
  const statusCode = source.statusCode ?? source.status ?? metadata?.httpStatusCode;
  if (typeof statusCode === 'number') stored.statusCode = statusCode;
  if (typeof source.code === 'string') stored.code = source.code;
  return JSON.stringify(stored);
};

/**
 * The error a replay throws for a stored error outcome.
 *
 * @example
 * ```ts
 * decodeError('{"name":"CardDeclined","message":"declined"}').name; // 'CardDeclined'
 * ```
 */
export const decodeError = (text: string): ReplayedError => new ReplayedError(JSON.parse(text) as StoredError);

/**
 * A `cacheErrors` predicate accepting errors with one of these names (`error.name`): those are
 * stored as the call's outcome and replayed; any other error releases the lock.
 *
 * @example
 * ```ts
 * makeIdempotent(charge, { store, cacheErrors: errorNamed('CardDeclined', 'InsufficientFunds') });
 * ```
 */
export const errorNamed = (...names: readonly string[]): ((error: unknown) => boolean) => {
  if (names.length === 0 || names.some((name) => typeof name !== 'string' || name === '')) {
    throw new IdempotencyConfigError(
      `errorNamed() needs one or more error names, such as errorNamed('CardDeclined'); got ${JSON.stringify(names)}.`,
    );
  }
  const wanted = new Set(names);
  return (error) => wanted.has((error as { name?: unknown } | null)?.name as string);
};

// A throwing `cacheErrors` predicate counts as "do not cache": the lock is released and the
// call's own error goes on.
export const shouldCache = (
  { cacheErrors, logger }: Pick<ResolvedOptions, 'cacheErrors' | 'logger'>,
  key: string,
  error: unknown,
): boolean => {
  if (cacheErrors === undefined) return false;
  try {
    return cacheErrors(error) === true;
  } catch (predicateError) {
    logger.error('The cacheErrors predicate threw; the error is not cached and the lock is released', {
      key,
      error: predicateError,
    });
    return false;
  }
};
