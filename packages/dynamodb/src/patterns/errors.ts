import type { AttributeValue } from '@aws-sdk/client-dynamodb';

// Pure, so a bundle that uses none of the write patterns drops their errors.
const brand = /* @__PURE__ */ Symbol.for('oncely.WritePatternError');

interface ErrorDetails {
  /** The table the write was meant for, when there is one. */
  tableName?: string | undefined;
  cause?: unknown;
}

/**
 * Base class of the errors the exactly-once write patterns throw. Not an `IdempotencyError`:
 * these patterns have no idempotency key and no lock, and a caller catching the engine's errors
 * around `makeIdempotent` must not mistake a refused business transition for one of them.
 *
 * @example
 * ```ts
 * try { await log.append(invoiceId, decide); } catch (e) {
 *   if (isWritePatternError(e)) logger.warn(e.message, { code: e.code });
 * }
 * ```
 */
export class WritePatternError extends Error {
  override name: string = 'WritePatternError';
  readonly code: string = 'writePattern.error';
  readonly tableName: string | undefined;
  // Set in the constructor: a class field with a computed key keeps the class in every bundle.
  declare readonly [brand]: true;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.tableName = details.tableName;
    (this as { [brand]: true })[brand] = true;
  }
}

/**
 * True for any write-pattern error, also when it comes from another copy of the package
 * (an ESM and a CJS copy in one bundle break `instanceof`).
 *
 * @example
 * ```ts
 * if (isWritePatternError(e) && e.code === 'writePattern.writeFailed') await retryLater();
 * ```
 */
export const isWritePatternError = (value: unknown): value is WritePatternError =>
  value instanceof WritePatternError ||
  (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true);

/**
 * DynamoDB failed the request. When `maybeApplied` is true (a 5xx, a timeout, a reset
 * connection, a transaction still in progress) the write may have been applied: every pattern
 * is safe to call again with the same arguments, which is what to do.
 *
 * @example
 * ```ts
 * if (e instanceof WriteFailedError && e.maybeApplied) await updateOnce(sameRequest);
 * ```
 */
export class WriteFailedError extends WritePatternError {
  override name = 'WriteFailedError' as const;
  override readonly code = 'writePattern.writeFailed';
  /** The request may have been applied although it failed; retrying with the same arguments is safe. */
  readonly maybeApplied: boolean;

  constructor(message: string, details: ErrorDetails & { maybeApplied: boolean }) {
    super(message, details);
    this.maybeApplied = details.maybeApplied;
  }
}

/**
 * A pattern was called with options it cannot work with (an unknown option, a version that is
 * not an integer, an empty change id, a placeholder that collides with the pattern's own...).
 * Thrown before anything is sent: by the `EventLog` constructor, and at the start of each call
 * of `putIfNewer`, `updateOnce`, `transactWriteOnce` and `EventLog.append`. The message names
 * the option, the value and what is allowed; `option` names the option, when there is one.
 *
 * @example
 * ```ts
 * await putIfNewer({ ...target, key, version: 1.5, item }); // throws WritePatternUsageError, option 'version'
 * ```
 */
export class WritePatternUsageError extends WritePatternError {
  override name = 'WritePatternUsageError' as const;
  override readonly code = 'writePattern.usage';
  /** The refused option (`version`, `strategy.maxTokens`...), when the error is about one. */
  readonly option: string | undefined;

  constructor(message: string, details: ErrorDetails & { option?: string | undefined } = {}) {
    super(message, details);
    this.option = details.option;
  }
}

/**
 * An item in the table does not have the shape the pattern wrote (a version that is not a
 * number, an event without its number or body): the table holds items of another writer, or
 * the attribute options do not match it.
 *
 * @example
 * ```ts
 * if (e instanceof UnexpectedItemError) logger.error('foreign item in the event table', { item: e.item });
 * ```
 */
export class UnexpectedItemError extends WritePatternError {
  override name = 'UnexpectedItemError' as const;
  override readonly code = 'writePattern.unexpectedItem';
  readonly item: Record<string, AttributeValue> | undefined;

  constructor(message: string, details: ErrorDetails & { item?: Record<string, AttributeValue> | undefined }) {
    super(message, details);
    this.item = details.item;
  }
}

/**
 * The caller's own condition (`update.condition` of `updateOnce`) was false: nothing was
 * applied and the change was not recorded, so the same change id can be applied later.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ConditionFailedError) return { statusCode: 409, body: 'insufficient funds' }; }
 * ```
 */
export class ConditionFailedError extends WritePatternError {
  override name = 'ConditionFailedError' as const;
  override readonly code = 'writePattern.conditionFailed';
  /** The item as it was when the condition was evaluated, when DynamoDB returned it. */
  readonly item: Record<string, AttributeValue> | undefined;

  constructor(message: string, details: ErrorDetails & { item?: Record<string, AttributeValue> | undefined }) {
    super(message, details);
    this.item = details.item;
  }
}

/**
 * The bounded token set of an item is full: recording one more applied change id would grow
 * the item without limit. Nothing was applied.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof TokenSetFullError) logger.error(e.message, { maxTokens: e.maxTokens }); }
 * ```
 */
export class TokenSetFullError extends WritePatternError {
  override name = 'TokenSetFullError' as const;
  override readonly code = 'writePattern.tokenSetFull';
  readonly maxTokens: number;

  constructor(message: string, details: ErrorDetails & { maxTokens: number }) {
    super(message, details);
    this.maxTokens = details.maxTokens;
  }
}

/**
 * Thrown by an `EventLog` `decide` function to refuse a transition (settle after cancel).
 * `append` passes it through unchanged, also when it came from a re-decision after a conflict.
 *
 * @example
 * ```ts
 * const decide = (current) => {
 *   if (current?.event.status === 'cancelled') throw new TransitionRejectedError('invoice is cancelled');
 *   return { status: 'settled' };
 * };
 * ```
 */
export class TransitionRejectedError extends WritePatternError {
  override name = 'TransitionRejectedError' as const;
  override readonly code = 'writePattern.transitionRejected';
}

/**
 * `EventLog.append` lost the race for the next event number on every attempt: other writers
 * kept appending. Nothing was written by this call.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof EventConflictError) return { statusCode: 409, body: 'busy, retry' }; }
 * ```
 */
export class EventConflictError extends WritePatternError {
  override name = 'EventConflictError' as const;
  override readonly code = 'writePattern.eventConflict';
  readonly entityId: string;
  readonly attempts: number;

  constructor(message: string, details: ErrorDetails & { entityId: string; attempts: number }) {
    super(message, details);
    this.entityId = details.entityId;
    this.attempts = details.attempts;
  }
}

/** Why one item of a cancelled transaction was refused, as DynamoDB reports it. */
export interface CancellationReason {
  /** Position of the item in `items`. */
  index: number;
  /** `ConditionalCheckFailed`, `TransactionConflict`, `ValidationError`, `ItemCollectionSizeLimitExceeded`... */
  code: string;
  message: string | undefined;
  /** The item as it was, for a failed condition (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). */
  item: Record<string, AttributeValue> | undefined;
}

/**
 * DynamoDB cancelled a transaction: a condition was false, or an item was busy in another
 * transaction. Nothing was written; `reasons` names the refused items.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof TransactionCanceledError && e.reasons.some((r) => r.code === 'ConditionalCheckFailed')) ... }
 * ```
 */
export class TransactionCanceledError extends WritePatternError {
  override name = 'TransactionCanceledError' as const;
  override readonly code = 'writePattern.transactionCanceled';
  /** One entry per refused item (items with code `None` are left out). */
  readonly reasons: CancellationReason[];

  constructor(message: string, details: ErrorDetails & { reasons: CancellationReason[] }) {
    super(message, details);
    this.reasons = details.reasons;
  }
}

/**
 * A client request token was reused within DynamoDB's 10-minute window for a transaction with
 * different items: the token does not capture the whole intent. Nothing was written.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof ClientRequestTokenMismatchError) logger.error(e.message); }
 * ```
 */
export class ClientRequestTokenMismatchError extends WritePatternError {
  override name = 'ClientRequestTokenMismatchError' as const;
  override readonly code = 'writePattern.clientRequestTokenMismatch';
}
