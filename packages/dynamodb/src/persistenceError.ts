import { IdempotencyPersistenceError } from '@oncely/core';
import { MAX_ITEM_BYTES } from './itemSize.js';
import {
  type ConfigurationProblem,
  configurationProblem,
  errorName,
  isAmbiguous,
  isDnsTemporaryFailure,
  isThrottling,
  type SdkErrorShape,
  sdkErrorShape,
} from './sdkError.js';

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

// What to configure, per problem; the same request fails the same way until then.
const configurationAdvice: Record<ConfigurationProblem, string> = {
  region:
    'the DynamoDB client has no valid region: set AWS_REGION (Lambda sets it for you) or pass region ' +
    'in clientConfig or to the DynamoDBClient you give the store; retrying does not help',
  credentials:
    'the DynamoDB client found no AWS credentials: on Lambda, give the function an execution role; ' +
    'elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass credentials ' +
    'to the client; retrying does not help',
  endpoint:
    "no DynamoDB answers at the client's endpoint: check the endpoint option of the client (leave it " +
    "out to use the region's DynamoDB; for DynamoDB Local, check that it runs on that port) and the " +
    "function's network (in a VPC: a DynamoDB gateway endpoint or a NAT); retrying does not help",
};

const describe = (error: SdkErrorShape): string => {
  const name = typeof error.name === 'string' ? error.name : 'Error';
  return typeof error.message === 'string' && error.message !== '' ? `${name}: ${error.message}` : name;
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
  const shape = sdkErrorShape(error);
  const name = errorName(error);
  const message = typeof shape.message === 'string' ? shape.message : '';
  const what = `DynamoDB ${operation} of key "${key}" on table "${tableName}" failed (${describe(shape)})`;
  const fail = (advice: string, retryable = true) =>
    new IdempotencyPersistenceError(`${what}; ${advice}`, { key, cause: error, retryable });

  const problem = configurationProblem(error);
  if (problem !== undefined) return fail(configurationAdvice[problem], false);
  if (isDnsTemporaryFailure(error)) {
    return fail(
      "the endpoint's host name did not resolve for now, so nothing was sent: retry the call; if it " +
        "persists, check the client's endpoint and the function's DNS (in a VPC: DNS resolution enabled)",
    );
  }
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
      false,
    );
  }
  if (name === 'ValidationException' && /item size|maximum allowed size/i.test(message)) {
    return resultTooLarge(key, undefined, error);
  }
  if (name === 'ValidationException') {
    return fail(
      "the request does not match the table: check that tableName, attributes and sortKey match the table's key schema",
      false,
    );
  }
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') {
    return fail(
      "check the function's credentials and grant dynamodb:GetItem, PutItem, UpdateItem and DeleteItem on the table",
      false,
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
