import { IdempotencyPersistenceError } from '@oncely/core';
import { MAX_ITEM_BYTES } from './itemSize.js';
import { errorName, isAmbiguous, isThrottling, type SdkErrorShape, sdkErrorShape } from './sdkError.js';

/** The store operation a failure happened in, for messages. */
export type StoreOperation = 'acquire' | 'complete' | 'release' | 'extend' | 'get';

interface FailureContext {
  operation: StoreOperation;
  key: string;
  tableName: string;
}

const writes = new Set<StoreOperation>(['acquire', 'complete', 'release', 'extend']);

const kb = (bytes: number): string => `${Math.ceil(bytes / 1024)} KB`;

/**
 * The error for a result that does not fit into one DynamoDB item even compressed.
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
    { key, cause },
  );
};

const describe = (error: SdkErrorShape): string => {
  const name = typeof error.name === 'string' ? error.name : 'Error';
  return typeof error.message === 'string' && error.message !== '' ? `${name}: ${error.message}` : name;
};

/**
 * Wraps an AWS SDK failure as an `IdempotencyPersistenceError` whose message says what
 * happened and what to do, with the key and the original error as `cause`.
 *
 * @example
 * ```ts
 * catch (error) { throw toPersistenceError(error, { operation: 'acquire', key, tableName }); }
 * ```
 */
export const toPersistenceError = (error: unknown, context: FailureContext): IdempotencyPersistenceError => {
  const { operation, key, tableName } = context;
  const shape = sdkErrorShape(error);
  const name = errorName(error);
  const message = typeof shape.message === 'string' ? shape.message : '';
  const what = `DynamoDB ${operation} of key "${key}" on table "${tableName}" failed (${describe(shape)})`;
  const fail = (advice: string) => new IdempotencyPersistenceError(`${what}; ${advice}`, { key, cause: error });

  if (isThrottling(error)) {
    return fail(
      'the table is throttled and the SDK retries are used up: retry later, switch the table to ' +
        'on-demand billing or raise its capacity, or give the client a larger maxAttempts',
    );
  }
  if (name === 'ResourceNotFoundException') {
    return fail(
      `table "${tableName}" not found; create it with createIdempotencyTable or check tableName ` +
        "and the client's region and endpoint",
    );
  }
  if (name === 'ValidationException' && /item size|maximum allowed size/i.test(message)) {
    return resultTooLarge(key, undefined, error);
  }
  if (name === 'ValidationException') {
    return fail(
      "the request does not match the table: check that tableName, attributes and sortKey match the table's key schema",
    );
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return fail(
      "check the function's credentials and grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table",
    );
  }
  const ambiguous = isAmbiguous(error);
  if (ambiguous && writes.has(operation)) {
    return fail(
      'DynamoDB gave no clear answer, so the write may have been applied; retrying with the same owner is safe',
    );
  }
  if (ambiguous) return fail('DynamoDB gave no clear answer; retry the call');
  return fail('see the cause; retry the call if the failure was transient');
};
