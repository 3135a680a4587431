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

/**
 * The Node.js error code of a failure (`ECONNREFUSED`), from its `code`, or else from its message:
 * when the error comes from another realm (a test runner's sandbox), the SDK's retry layer fails
 * its `instanceof Error` check and rethrows it as a bare `Error("AWS SDK error wrapper for Error:
 * connect ECONNREFUSED 127.0.0.1:9")`, whose message is all that is left. Node puts the code in
 * the message of every system error.
 *
 * @example
 * ```ts
 * hasErrorCode(new Error('AWS SDK error wrapper for Error: read ECONNRESET'), new Set(['ECONNRESET'])); // true
 * ```
 */
export const hasErrorCode = (error: unknown, codes: ReadonlySet<string>): boolean => {
  const { code, message } = sdkErrorShape(error);
  if (typeof code === 'string' && codes.has(code)) return true;
  const words = typeof message === 'string' ? (message.match(/\b[A-Z][A-Z_]{3,}\b/g) ?? []) : [];
  return words.some((word) => codes.has(word));
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
  return (
    (status !== undefined && status >= 500) ||
    ambiguousNames.has(name) ||
    hasErrorCode(error, ambiguousCodes) ||
    ambiguousCodes.has(name)
  );
};

/** A client setting that a failure shows to be wrong or missing. */
export type ConfigurationProblem = 'region' | 'credentials' | 'endpoint';

// Thrown by the SDK before sending, as provoked in test/persistenceError.int.test.ts:
// `Error: Region is missing` (no region anywhere), `Error: Region not accepted: ...`.
const regionMessage = /^Region (is missing|not accepted)/;
// `CredentialsProviderError: Could not load credentials from any providers`; SSO's token provider
// fails with TokenProviderError.
const credentialNames = new Set(['CredentialsProviderError', 'TokenProviderError']);
// Nothing listens at the endpoint, its host does not resolve, or it is not a URL (`TypeError:
// Invalid URL`, thrown when the request is built).
const endpointCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ERR_INVALID_URL']);

/**
 * The client setting a failure points to, if it is one that retrying cannot fix: no region, no
 * credentials, or an endpoint where no DynamoDB answers (refused, unresolvable, not a URL, or a
 * server that answers HTTP 404, which DynamoDB never does).
 *
 * @example
 * ```ts
 * configurationProblem(new Error('Region is missing')); // 'region'
 * ```
 */
export const configurationProblem = (error: unknown): ConfigurationProblem | undefined => {
  const shape = sdkErrorShape(error);
  const name = errorName(error);
  const message = typeof shape.message === 'string' ? shape.message : '';
  if (credentialNames.has(name)) return 'credentials';
  if (regionMessage.test(message)) return 'region';
  if (hasErrorCode(error, endpointCodes) || shape.$metadata?.httpStatusCode === 404) return 'endpoint';
  return undefined;
};

const dnsTemporaryCodes = new Set(['EAI_AGAIN']);

/**
 * True when a DNS lookup of the endpoint failed for now (`EAI_AGAIN`): the request was not sent,
 * and a later try may resolve (Lambda's resolver under load), or never will (a VPC without DNS).
 *
 * @example
 * ```ts
 * isDnsTemporaryFailure({ code: 'EAI_AGAIN' }); // true
 * ```
 */
export const isDnsTemporaryFailure = (error: unknown): boolean => hasErrorCode(error, dnsTemporaryCodes);
