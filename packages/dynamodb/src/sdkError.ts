import type { AttributeValue } from '@aws-sdk/client-dynamodb';

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

/**
 * True for a refused condition on a single-item write: an expected outcome (the key is taken,
 * the lock is not ours, the version is older), with the stored item when the request asked for
 * it. By name rather than `instanceof`: the client may come from another copy of the SDK.
 *
 * @example
 * ```ts
 * if (isConditionalCheckFailed(error)) return decode(error.Item);
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

/**
 * What an AWS SDK failure means, decided once for the store and the write patterns:
 * - `conditionalCheckFailed`, `transactionCanceled`: DynamoDB refused a condition; nothing written.
 * - `configuration`: the client's region, credentials or endpoint is wrong; nothing was sent, and
 *   retrying does not help.
 * - `dnsTemporary`: the endpoint did not resolve for now; nothing was sent, a retry may work.
 * - `throttled`: refused for capacity; not applied.
 * - `tableNotFound`, `itemTooLarge`, `invalidRequest`, `accessDenied`: DynamoDB refused the request
 *   as it is; the same request fails the same way.
 * - `ambiguous`: a 5xx, a timeout, a dropped connection; a write may or may not have been applied.
 * - `other`: none of these.
 */
export type SdkFailure =
  | { kind: 'conditionalCheckFailed' }
  | { kind: 'transactionCanceled' }
  | { kind: 'configuration'; problem: ConfigurationProblem }
  | { kind: 'dnsTemporary' }
  | { kind: 'throttled' }
  | { kind: 'tableNotFound' }
  | { kind: 'itemTooLarge' }
  | { kind: 'invalidRequest' }
  | { kind: 'accessDenied' }
  | { kind: 'ambiguous' }
  | { kind: 'other' };

/**
 * Classifies an AWS SDK failure, in one order for every caller: the refusals DynamoDB names
 * first, then what kept the request from being sent (configuration, DNS), throttling, the
 * request refused as it is, and only then an ambiguous answer (a status >= 500 or a dropped
 * connection), so a named refusal is never mistaken for a write that may have been applied.
 *
 * @example
 * ```ts
 * classifySdkError(new Error('Region is missing')); // { kind: 'configuration', problem: 'region' }
 * ```
 */
export const classifySdkError = (error: unknown): SdkFailure => {
  const name = errorName(error);
  const message = sdkErrorShape(error).message;
  if (isConditionalCheckFailed(error)) return { kind: 'conditionalCheckFailed' };
  if (isTransactionCanceled(error)) return { kind: 'transactionCanceled' };
  const problem = configurationProblem(error);
  if (problem !== undefined) return { kind: 'configuration', problem };
  if (isDnsTemporaryFailure(error)) return { kind: 'dnsTemporary' };
  if (isThrottling(error)) return { kind: 'throttled' };
  if (name === 'ResourceNotFoundException') return { kind: 'tableNotFound' };
  if (name === 'ValidationException' && /item size|maximum allowed size/i.test(String(message ?? ''))) {
    return { kind: 'itemTooLarge' };
  }
  if (name === 'ValidationException') return { kind: 'invalidRequest' };
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException') return { kind: 'accessDenied' };
  if (isAmbiguous(error)) return { kind: 'ambiguous' };
  return { kind: 'other' };
};

/**
 * The failure as `Name: message` (or `Name` alone), for the start of an error message.
 *
 * @example
 * ```ts
 * describeSdkError({ name: 'ThrottlingException', message: 'Rate exceeded' }); // 'ThrottlingException: Rate exceeded'
 * ```
 */
export const describeSdkError = (error: unknown): string => {
  const name = errorName(error) || 'Error';
  const { message } = sdkErrorShape(error);
  return typeof message === 'string' && message !== '' ? `${name}: ${message}` : name;
};

/**
 * What to do about the failures whose advice does not depend on who sent the request (the
 * store or a write pattern): what to configure, a DNS failure, throttling.
 *
 * @example
 * ```ts
 * if (failure.kind === 'configuration') return fail(sharedAdvice.configuration[failure.problem], false);
 * ```
 */
export const sharedAdvice = {
  configuration: {
    region:
      'the DynamoDB client has no valid region: set AWS_REGION (Lambda sets it for you) or pass region ' +
      "to the DynamoDBClient (or in DynamoDBStore's clientConfig); retrying does not help",
    credentials:
      'the DynamoDB client found no AWS credentials: on Lambda, give the function an execution role; ' +
      'elsewhere set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass credentials ' +
      'to the client; retrying does not help',
    endpoint:
      "no DynamoDB answers at the client's endpoint: check the endpoint option of the client (leave it " +
      "out to use the region's DynamoDB; for DynamoDB Local, check that it runs on that port) and the " +
      "function's network (in a VPC: a DynamoDB gateway endpoint or a NAT); retrying does not help",
  } satisfies Record<ConfigurationProblem, string>,
  dnsTemporary:
    "the endpoint's host name did not resolve for now, so nothing was sent: retry the call; if it " +
    "persists, check the client's endpoint and the function's DNS (in a VPC: DNS resolution enabled)",
  throttled:
    'the table is throttled and the SDK retries are used up: retry later, switch the table to ' +
    'on-demand billing or raise its capacity, or give the client a larger maxAttempts',
} as const;
