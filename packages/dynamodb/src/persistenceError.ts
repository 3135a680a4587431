import { IdempotencyPersistenceError, type StoreOperation } from '@oncely/core';
import { MAX_ITEM_BYTES } from './itemSize.js';
import { classifySdkError, describeSdkError, sharedAdvice } from './sdkError.js';

interface FailureContext {
  operation: StoreOperation;
  key: string;
  tableName: string;
}

const writes = new Set<StoreOperation>(['acquire', 'complete', 'release', 'extend']);

const kb = (bytes: number): string => `${Math.ceil(bytes / 1024)} KB`;

/**
 * The error for a result that does not fit into one DynamoDB item even compressed. Not
 * retryable: the same result never fits. Carries the item's size (when known) and the limit.
 *
 * @example
 * ```ts
 * throw resultTooLarge('payments#9f2c', 512_000);
 * ```
 */
export const resultTooLarge = (key: string, itemBytes?: number, cause?: unknown): IdempotencyPersistenceError => {
  const size = itemBytes === undefined ? '' : ` (about ${kb(itemBytes)} after compression)`;
  return new IdempotencyPersistenceError(
    `The result of the call with key "${key}" is too large to store${size}: a DynamoDB item holds at most ` +
      `${kb(MAX_ITEM_BYTES)}; return a smaller result, or store it elsewhere (such as S3) and return a reference`,
    { key, cause, retryable: false, sizeBytes: itemBytes, limitBytes: MAX_ITEM_BYTES },
  );
};

/**
 * Wraps an AWS SDK failure as an `IdempotencyPersistenceError` whose message says what
 * happened and what to do, with the key and the original error as `cause`. Failures that the
 * same request meets again (configuration, a missing table, permissions, a rejected request,
 * a result too large) are `retryable: false`; throttling and ambiguous failures stay retryable.
 *
 * @example
 * ```ts
 * catch (error) { throw toPersistenceError(error, { operation: 'acquire', key, tableName }); }
 * ```
 */
export const toPersistenceError = (error: unknown, context: FailureContext): IdempotencyPersistenceError => {
  const { operation, key, tableName } = context;
  const what = `DynamoDB ${operation} of key "${key}" on table "${tableName}" failed (${describeSdkError(error)})`;
  const fail = (advice: string, retryable = true) =>
    new IdempotencyPersistenceError(`${what}; ${advice}`, { key, cause: error, retryable });

  const failure = classifySdkError(error);
  switch (failure.kind) {
    case 'configuration':
      return fail(sharedAdvice.configuration[failure.problem], false);
    case 'dnsTemporary':
      return fail(sharedAdvice.dnsTemporary);
    case 'throttled':
      return fail(sharedAdvice.throttled);
    case 'tableNotFound':
      return fail(
        `table "${tableName}" not found; create it with createIdempotencyTable or check tableName ` +
          "and the client's region and endpoint",
        false,
      );
    case 'itemTooLarge':
      return resultTooLarge(key, undefined, error);
    case 'invalidRequest':
      return fail(
        "the request does not match the table: check that tableName, attributes and sortKey match the table's key schema",
        false,
      );
    case 'accessDenied':
      return fail(
        "check the function's credentials and grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table",
        false,
      );
    case 'ambiguous':
      return writes.has(operation)
        ? fail(
            'DynamoDB gave no clear answer, so the write may have been applied; retrying with the same owner is safe',
          )
        : fail('DynamoDB gave no clear answer; retry the call');
    default:
      return fail('see the cause; retry the call if the failure was transient');
  }
};
