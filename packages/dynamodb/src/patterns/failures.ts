import { classifySdkError, describeSdkError, sharedAdvice } from '../sdkError.js';
import { WriteFailedError, WritePatternError } from './errors.js';

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
 * Classified by `classifySdkError`, as the store's failures are. A `WritePatternError` passes
 * through unchanged.
 *
 * @example
 * ```ts
 * catch (error) { throw toWriteFailedError(error, { operation: 'PutItem', tableName, subject, isWrite: true }); }
 * ```
 */
export const toWriteFailedError = (error: unknown, context: FailureContext): WritePatternError => {
  if (error instanceof WritePatternError) return error;
  const { operation, tableName, subject, isWrite } = context;
  const where = tableName === undefined ? '' : ` on table "${tableName}"`;
  const what = `DynamoDB ${operation} of ${subject}${where} failed (${describeSdkError(error)})`;
  const fail = (advice: string, maybeApplied = false) =>
    new WriteFailedError(`${what}; ${advice}`, { tableName, cause: error, maybeApplied });

  const failure = classifySdkError(error);
  switch (failure.kind) {
    case 'configuration':
      return fail(sharedAdvice.configuration[failure.problem]);
    case 'dnsTemporary':
      return fail(sharedAdvice.dnsTemporary);
    case 'throttled':
      return fail(sharedAdvice.throttled);
    case 'tableNotFound':
      return fail("the table does not exist: check the table name and the client's region and endpoint");
    case 'itemTooLarge':
      return fail('the item is larger than DynamoDB allows (400 KB): store less in it, or store the rest elsewhere');
    case 'invalidRequest':
      return fail(
        "the request does not match the table: check the key and attribute names against the table's key schema",
      );
    case 'accessDenied':
      return fail(`check the function's credentials and grant dynamodb:${operation} on the table`);
    case 'ambiguous':
      return isWrite
        ? fail(
            'DynamoDB gave no clear answer, so the write may have been applied; retrying with the same arguments is safe',
            true,
          )
        : fail('DynamoDB gave no clear answer; retry');
    default:
      return fail('see the cause; retry if the failure was transient');
  }
};
