import { IdempotencyPersistenceError } from '@oncely/core';
import { toPersistenceError } from '../src/persistenceError.js';

const sdkError = (name: string, httpStatusCode: number, message = 'failed') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });

const context = { operation: 'acquire', key: 'orders#1', tableName: 'idempotency' } as const;

describe('toPersistenceError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400, /throttled/],
    ['ThrottlingException', 400, /throttled/],
    ['RequestLimitExceeded', 400, /throttled/],
    [
      'ResourceNotFoundException',
      400,
      /table "idempotency" not found; create it with createIdempotencyTable or check tableName/,
    ],
    ['ValidationException', 400, /key schema/],
    ['AccessDeniedException', 400, /dynamodb:GetItem, PutItem, UpdateItem and DeleteItem/],
    ['InternalServerError', 500, /may have been applied/],
    ['ServiceUnavailable', 503, /may have been applied/],
    ['TimeoutError', 0, /may have been applied/],
  ])('explains %s (HTTP %i)', (name, status, message) => {
    const cause = sdkError(name, status);

    const error = toPersistenceError(cause, context);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('orders#1');
    expect(error.key).toBe('orders#1');
    expect(error.cause).toBe(cause);
  });

  it('explains a connection reset as possibly applied', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    expect(toPersistenceError(reset, context).message).toMatch(/may have been applied/);
  });

  it('maps an item-size refusal to the too-large error', () => {
    const tooLarge = sdkError('ValidationException', 400, 'Item size has exceeded the maximum allowed size');

    expect(toPersistenceError(tooLarge, context).message).toMatch(/key "orders#1" is too large to store/);
  });

  it('does not call a failed read a possibly applied write', () => {
    const error = toPersistenceError(sdkError('InternalServerError', 500), { ...context, operation: 'get' });

    expect(error.message).not.toMatch(/may have been applied/);
    expect(error.message).toMatch(/retry/);
  });
});
