import { IdempotencyPersistenceError } from '@oncely/core';
import { resultTooLarge, toPersistenceError } from '../src/persistenceError.js';

const sdkError = (name: string, httpStatusCode: number, message = 'failed') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

// The shapes the SDK throws, as provoked with a real client in persistenceError.int.test.ts.
const regionMissing = () => new Error('Region is missing');
const noCredentials = () =>
  Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
    tryNextLink: false,
  });
const networkError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, $metadata: { attempts: 1, totalRetryDelay: 0 } });
const invalidUrl = () => Object.assign(new TypeError('Invalid URL'), { code: 'ERR_INVALID_URL', input: 'not a url' });

const context = { operation: 'acquire', key: 'orders#1', tableName: 'idempotency' } as const;

describe('toPersistenceError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400, /throttled/, true],
    ['ThrottlingException', 400, /throttled/, true],
    ['RequestLimitExceeded', 400, /throttled/, true],
    [
      'ResourceNotFoundException',
      400,
      /table "idempotency" not found; create it with createIdempotencyTable or check tableName/,
      false,
    ],
    ['ValidationException', 400, /key schema/, false],
    ['AccessDeniedException', 400, /dynamodb:GetItem, PutItem, UpdateItem and DeleteItem/, false],
    ['UnrecognizedClientException', 400, /check the function's credentials/, false],
    ['InternalServerError', 500, /may have been applied/, true],
    ['ServiceUnavailable', 503, /may have been applied/, true],
    ['TimeoutError', 0, /may have been applied/, true],
  ])('explains %s (HTTP %i)', (name, status, message, retryable) => {
    const cause = sdkError(name, status);

    const error = toPersistenceError(cause, context);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('orders#1');
    expect(error.key).toBe('orders#1');
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(retryable);
  });

  it('explains a connection reset as possibly applied', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    const error = toPersistenceError(reset, context);

    expect(error.message).toMatch(/may have been applied/);
    expect(error.retryable).toBe(true);
  });

  it('maps an item-size refusal to the too-large error, not retryable, with the limit', () => {
    const tooLarge = sdkError('ValidationException', 400, 'Item size has exceeded the maximum allowed size');

    const error = toPersistenceError(tooLarge, context);

    expect(error.message).toMatch(/key "orders#1" is too large to store/);
    expect(error).toMatchObject({ retryable: false, sizeBytes: undefined, limitBytes: 400 * 1024 });
    expect(error.cause).toBe(tooLarge);
  });

  it('does not call a failed read a possibly applied write', () => {
    const error = toPersistenceError(sdkError('InternalServerError', 500), { ...context, operation: 'get' });

    expect(error.message).not.toMatch(/may have been applied/);
    expect(error.message).toMatch(/retry/);
    expect(error.retryable).toBe(true);
  });
});

describe('a misconfigured client', () => {
  it.each([
    ['no region', regionMissing, /no valid region: set AWS_REGION .* or pass region/],
    [
      'a region that is not one',
      () => new Error('Region not accepted: region="us east 1" is not a valid hostname component.'),
      /no valid region/,
    ],
    ['no credentials', noCredentials, /found no AWS credentials: on Lambda, give the function an execution role/],
    [
      'a closed port',
      () => networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'),
      /no DynamoDB answers at the client's endpoint: check the endpoint option/,
    ],
    [
      'a host that does not resolve',
      () => networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND nonexistent.invalid'),
      /no DynamoDB answers at the client's endpoint/,
    ],
    ['an endpoint that is not a URL', invalidUrl, /no DynamoDB answers at the client's endpoint/],
    [
      'a server that is not DynamoDB (HTTP 404)',
      () => sdkError('SyntaxError', 404, 'Unexpected token'),
      /no DynamoDB answers at the client's endpoint/,
    ],
  ])('says what to configure for %s, and that retrying does not help', (_, cause, advice) => {
    const error = toPersistenceError(cause(), context);

    expect(error.message).toMatch(advice);
    expect(error.message).toMatch(/retrying does not help/);
    expect(error.message).not.toMatch(/transient/);
    expect(error.retryable).toBe(false);
  });

  it('reads the code from the message of a socket error the SDK rewrapped (an error from another realm)', () => {
    const refused = new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9');
    const reset = new Error('AWS SDK error wrapper for Error: read ECONNRESET');

    expect(toPersistenceError(refused, context)).toMatchObject({ retryable: false });
    expect(toPersistenceError(refused, context).message).toMatch(/no DynamoDB answers at the client's endpoint/);
    expect(toPersistenceError(reset, context).message).toMatch(/may have been applied/);
  });

  it('calls a temporary DNS failure retryable, naming the endpoint and DNS if it persists', () => {
    const error = toPersistenceError(
      networkError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN dynamodb.eu-west-1.amazonaws.com'),
      context,
    );

    expect(error.message).toMatch(
      /did not resolve for now, so nothing was sent: retry the call; if it persists, check/,
    );
    expect(error.retryable).toBe(true);
  });
});

describe('resultTooLarge', () => {
  it('carries the size and the limit, and is not retryable', () => {
    const error = resultTooLarge('orders#1', 512_000);

    expect(error.message).toMatch(/about 500 KB after compression\): a DynamoDB item holds at most 400 KB/);
    expect(error).toMatchObject({ key: 'orders#1', retryable: false, sizeBytes: 512_000, limitBytes: 409_600 });
  });
});
