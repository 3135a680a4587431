import { type IdempotencyError, problemResponse } from '@oncely/core';
import { asPersistenceError } from '../src/storeRetries.js';

// What an error from another copy of @oncely/core looks like here (an ESM and a CJS copy in one
// bundle): same brand and code, another class, so `instanceof` fails.
const fromAnotherCopy = (code: string, extra: Record<string, unknown> = {}): IdempotencyError =>
  Object.assign(new Error('from the other copy'), {
    name: 'IdempotencyError',
    code,
    key: 'k#1',
    [Symbol.for('oncely.IdempotencyError')]: true,
    ...extra,
  }) as unknown as IdempotencyError;

describe('errors from another copy of the package', () => {
  it.each([
    ['idempotency.alreadyInProgress', 409],
    ['idempotency.validation', 422],
    ['idempotency.key', 400],
    ['idempotency.resultNotStored', 500],
  ])('answer %s with HTTP %i', (code, status) => {
    expect(problemResponse(fromAnotherCopy(code), Date.now())?.statusCode).toBe(status);
  });

  it('pass through the store retries unwrapped, keeping retryable: false', () => {
    const refused = fromAnotherCopy('idempotency.persistence', { retryable: false });

    expect(asPersistenceError(refused, 'k#1', 'taking the lock')).toBe(refused);
  });
});
