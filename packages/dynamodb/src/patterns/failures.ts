import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { errorName, isAmbiguous, isThrottling, sdkErrorShape } from '../sdkError.js';
import { WriteFailedError, WritePatternError } from './errors.js';

/**
 * True for a refused condition on a single-item write. By name rather than `instanceof`: the
 * client may come from another copy of the SDK.
 *
 * @example
 * ```ts
 * if (isConditionalCheckFailed(error)) return classify(error.Item);
 * ```
 */
export const isConditionalCheckFailed = (error: unknown): error is { Item?: Record<string, AttributeValue> } =>
  errorName(error) === 'ConditionalCheckFailedException';

/**
 * True for a cancelled transaction, which carries one reason per item.
 *
 * @example
 * ```ts
 * if (isTransactionCanceled(error)) const reasons = error.CancellationReasons;
 * ```
 */
export const isTransactionCanceled = (
  error: unknown,
): error is {
  CancellationReasons?: { Code?: string; Message?: string; Item?: Record<string, AttributeValue> }[];
} => errorName(error) === 'TransactionCanceledException';

/** Which request failed, for the message. */
export interface FailureContext {
  /** `PutItem`, `UpdateItem`, `Query`, `TransactWriteItems`... */
  operation: string;
  /** The table, or a comma-separated list for a transaction. */
  tableName: string | undefined;
  /** The item or entity, as text. */
  subject: string;
  /** False for reads: a failed read changed nothing. */
  isWrite: boolean;
}

/**
 * Wraps an AWS SDK failure as a `WriteFailedError` whose message says what happened and what to
 * do, with the original as `cause`; ambiguous failures of writes are marked `maybeApplied`.
 * A `WritePatternError` passes through unchanged.
 *
 * @example
 * ```ts
 * catch (error) { throw toWriteFailedError(error, { operation: 'PutItem', tableName, subject, isWrite: true }); }
 * ```
 */
export const toWriteFailedError = (error: unknown, context: FailureContext): WritePatternError => {
  if (error instanceof WritePatternError) return error;
  const { operation, tableName, subject, isWrite } = context;
  const shape = sdkErrorShape(error);
  const name = errorName(error) || 'Error';
  const message = typeof shape.message === 'string' && shape.message !== '' ? `: ${shape.message}` : '';
  const where = tableName === undefined ? '' : ` on table "${tableName}"`;
  const what = `DynamoDB ${operation} of ${subject}${where} failed (${name}${message})`;
  const ambiguous = isAmbiguous(error);
  const fail = (advice: string, maybeApplied = false) =>
    new WriteFailedError(`${what}; ${advice}`, { tableName, cause: error, maybeApplied });

  if (ambiguous && isWrite) {
    return fail(
      'DynamoDB gave no clear answer, so the write may have been applied; retrying with the same arguments is safe',
      true,
    );
  }
  if (ambiguous) return fail('DynamoDB gave no clear answer; retry');
  if (isThrottling(error)) {
    return fail(
      'the table is throttled and the SDK retries are used up: retry later, use on-demand capacity, or raise maxAttempts',
    );
  }
  if (name === 'ResourceNotFoundException') {
    return fail("the table does not exist: check the table name and the client's region and endpoint");
  }
  if (name === 'ValidationException') {
    return fail(
      "the request does not match the table: check the key and attribute names against the table's key schema",
    );
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return fail(`check the function's credentials and grant dynamodb:${operation} on the table`);
  }
  return fail('see the cause; retry if the failure was transient');
};
