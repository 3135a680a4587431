/** The fields of an AWS SDK v3 error that failures are classified by. */
export interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * The error as an SDK error shape; a thrown non-object becomes its message.
 *
 * @example
 * ```ts
 * sdkErrorShape('boom'); // { message: 'boom' }
 * ```
 */
export const sdkErrorShape = (error: unknown): SdkErrorShape =>
  typeof error === 'object' && error !== null ? error : { message: String(error) };

/**
 * The error's `name`, or `''`. Errors are told apart by name, not `instanceof`: the client
 * may come from another copy of the SDK.
 *
 * @example
 * ```ts
 * errorName(new ConditionalCheckFailedException({ message: '', $metadata: {} })); // 'ConditionalCheckFailedException'
 * ```
 */
export const errorName = (error: unknown): string => {
  const name = sdkErrorShape(error).name;
  return typeof name === 'string' ? name : '';
};

const throttlingNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * True when DynamoDB refused the request for capacity: it was not applied.
 *
 * @example
 * ```ts
 * isThrottling({ name: 'ThrottlingException' }); // true
 * ```
 */
export const isThrottling = (error: unknown): boolean => throttlingNames.has(errorName(error));

// After these the request may or may not have been applied. TransactionInProgressException: a
// request with the same client token is still running, so it may yet commit.
const ambiguousNames = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
]);
const ambiguousCodes = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/**
 * True when the request may or may not have been applied: a 5xx, a timeout, a dropped
 * connection. A write that failed so must be retried with the same arguments, never assumed lost.
 *
 * @example
 * ```ts
 * isAmbiguous({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }); // true
 * ```
 */
export const isAmbiguous = (error: unknown): boolean => {
  const shape = sdkErrorShape(error);
  const name = errorName(error);
  const status = shape.$metadata?.httpStatusCode;
  const code = typeof shape.code === 'string' ? shape.code : '';
  return (
    (status !== undefined && status >= 500) ||
    ambiguousNames.has(name) ||
    ambiguousCodes.has(code) ||
    ambiguousCodes.has(name)
  );
};
