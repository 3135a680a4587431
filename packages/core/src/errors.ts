const brand = Symbol.for('oncely.IdempotencyError');

interface ErrorDetails {
  /** The idempotency key the error is about, when one was derived. */
  key?: string | undefined;
  cause?: unknown;
}

/**
 * Base class of every error oncely throws. Carries the idempotency key (when one was
 * derived) and the original error as `cause`.
 *
 * @example
 * ```ts
 * try { await handler(event, context); } catch (e) {
 *   if (isIdempotencyError(e)) console.log(e.code, e.key);
 * }
 * ```
 */
export class IdempotencyError extends Error {
  override name: string = 'IdempotencyError';
  readonly code: string = 'idempotency.error';
  readonly key: string | undefined;
  readonly [brand] = true;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.key = details.key;
  }
}

/**
 * A call with the same key holds the lock and has not finished yet.
 *
 * @example
 * ```ts
 * if (e instanceof IdempotencyAlreadyInProgressError) return { statusCode: 409 };
 * ```
 */
export class IdempotencyAlreadyInProgressError extends IdempotencyError {
  override name = 'IdempotencyAlreadyInProgressError' as const;
  override readonly code = 'idempotency.alreadyInProgress';
  /** Epoch milliseconds until which the running call holds the lock, when known. */
  readonly lockedUntilMs: number | undefined;

  constructor(message: string, details: ErrorDetails & { lockedUntilMs?: number | undefined }) {
    super(message, details);
    this.lockedUntilMs = details.lockedUntilMs;
  }
}

/**
 * A replay carries the key of an earlier call but a different value at the part `validate` names.
 *
 * @example
 * ```ts
 * if (e instanceof IdempotencyValidationError) return { statusCode: 422 };
 * ```
 */
export class IdempotencyValidationError extends IdempotencyError {
  override name = 'IdempotencyValidationError' as const;
  override readonly code = 'idempotency.validation';
}

/**
 * No idempotency key could be derived from the payload (empty key path with
 * `requireKey: true`, a failing JMESPath function, a missing scope).
 *
 * @example
 * ```ts
 * if (e instanceof IdempotencyKeyError) return { statusCode: 400 };
 * ```
 */
export class IdempotencyKeyError extends IdempotencyError {
  override name = 'IdempotencyKeyError' as const;
  override readonly code = 'idempotency.key';
}

/**
 * The store failed, or a result could not be stored.
 *
 * @example
 * ```ts
 * if (e instanceof IdempotencyPersistenceError) logger.error('store down', { key: e.key });
 * ```
 */
export class IdempotencyPersistenceError extends IdempotencyError {
  override name = 'IdempotencyPersistenceError' as const;
  override readonly code = 'idempotency.persistence';
  /**
   * `false` when sending the same request again fails the same way (a result too large for the
   * store, a request the table rejects, missing permissions or configuration): oncely does not
   * retry it. Default `true`.
   */
  readonly retryable: boolean;
  /** For a result too large to store: its size in bytes as the store counts it, when known. */
  readonly sizeBytes: number | undefined;
  /** For a result too large to store: the store's limit in bytes. */
  readonly limitBytes: number | undefined;

  constructor(
    message: string,
    details: ErrorDetails & {
      retryable?: boolean;
      sizeBytes?: number | undefined;
      limitBytes?: number | undefined;
    } = {},
  ) {
    super(message, details);
    this.retryable = details.retryable ?? true;
    this.sizeBytes = details.sizeBytes;
    this.limitBytes = details.limitBytes;
  }
}

/**
 * A replay found a completed record whose result could not be stored (too large for the store,
 * or not serialisable as JSON). The handler ran once and its caller got the result; it does not
 * run again while the record lives, so replays get this error instead.
 *
 * @example
 * ```ts
 * if (e instanceof IdempotencyResultNotStoredError) logger.error('result lost', { key: e.key, size: e.sizeBytes });
 * ```
 */
export class IdempotencyResultNotStoredError extends IdempotencyError {
  override name = 'IdempotencyResultNotStoredError' as const;
  override readonly code = 'idempotency.resultNotStored';
  /** Why the result was not stored, as recorded by the first call. */
  readonly reason: string;
  /** The result's size in bytes, when it was too large. */
  readonly sizeBytes: number | undefined;
  /** The store's limit in bytes, when the result was too large. */
  readonly limitBytes: number | undefined;

  constructor(
    message: string,
    details: ErrorDetails & { reason: string; sizeBytes?: number | undefined; limitBytes?: number | undefined },
  ) {
    super(message, details);
    this.reason = details.reason;
    this.sizeBytes = details.sizeBytes;
    this.limitBytes = details.limitBytes;
  }
}

/**
 * The options given to a wrapper are invalid. Thrown when the wrapper is built.
 *
 * @example
 * ```ts
 * makeIdempotent(fn, { store, expiresAfterSeconds: -1 }); // throws IdempotencyConfigError
 * ```
 */
export class IdempotencyConfigError extends IdempotencyError {
  override name = 'IdempotencyConfigError' as const;
  override readonly code = 'idempotency.config';
}

/**
 * True for any oncely error, also when it comes from another copy of the package
 * (an ESM and a CJS copy in one bundle break `instanceof`).
 *
 * @example
 * ```ts
 * if (isIdempotencyError(e) && e.code === 'idempotency.alreadyInProgress') retryLater();
 * ```
 */
export const isIdempotencyError = (value: unknown): value is IdempotencyError =>
  value instanceof IdempotencyError ||
  (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true);
