import type { RequestInput } from './requests.js';

/** The business logic behind a request: slow, with side effects, run once per request. */
export type Work = (input: RequestInput, requestId: string) => Promise<unknown>;

/**
 * A final refusal (out of stock, invalid order): recorded as the request's outcome, and stored
 * with `cacheErrors` so a redelivery answers it again without running the work. Any other error
 * is transient: the record fails and is delivered again.
 *
 * @example
 * ```ts
 * throw new RequestRejectedError(`only 3 of ${input.sku} left`);
 * ```
 */
export class RequestRejectedError extends Error {
  override name = 'RequestRejectedError';
}

/** True for a rejection, thrown now or replayed (a `ReplayedError` keeps the stored error's name). */
export const isRejection = (error: unknown): error is Error =>
  error instanceof RequestRejectedError || (error instanceof Error && error.name === 'RequestRejectedError');
