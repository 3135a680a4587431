import type { IdempotencyAlreadyInProgressError, IdempotencyError } from './errors.js';

/** An API Gateway / Function URL response. */
export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  [field: string]: unknown;
}

const MAX_RETRY_AFTER_SEC = 60;

// `detail` speaks to the API's client: it never carries the internal key (prefix, function name,
// digest) or the server-side advice of the error's message; those go to the logs.
const problem = (status: number, type: string, title: string, detail: string, headers = {}): HttpResponse => ({
  statusCode: status,
  headers: { 'Content-Type': 'application/problem+json', ...headers },
  body: JSON.stringify({ type: `urn:oncely:problem:${type}`, title, status, detail }),
});

/**
 * The RFC 9457 problem response for an idempotency error a client can act on: 409 with
 * `Retry-After` while the same key is in progress, 422 when a replay changed the validated
 * payload, 400 when the key is missing or malformed, 500 when the first call's result could not
 * be stored. Other errors give `undefined`. The body never shows the internal key.
 *
 * @example
 * ```ts
 * try { return await handler(event, context); }
 * catch (e) { const response = isIdempotencyError(e) && problemResponse(e, Date.now()); if (response) return response; throw e; }
 * ```
 */
export const problemResponse = (error: IdempotencyError, nowMs: number): HttpResponse | undefined => {
  // By code, not `instanceof`: the error may come from another copy of this package (ESM and CJS).
  if (error.code === 'idempotency.alreadyInProgress') {
    const { lockedUntilMs } = error as IdempotencyAlreadyInProgressError;
    const waitMs = lockedUntilMs === undefined ? 1000 : lockedUntilMs - nowMs;
    const retryAfterSec = Math.min(MAX_RETRY_AFTER_SEC, Math.max(1, Math.ceil(waitMs / 1000)));
    return problem(
      409,
      'in-progress',
      'Request in progress',
      'A request with this idempotency key is still being processed; retry after the Retry-After delay.',
      { 'Retry-After': String(retryAfterSec) },
    );
  }
  if (error.code === 'idempotency.validation') {
    return problem(
      422,
      'payload-mismatch',
      'Idempotency key reused with a different payload',
      'This idempotency key was first used with a different request; send a new key for a changed request.',
    );
  }
  if (error.code === 'idempotency.key') {
    // What is wrong with a client's own header is theirs to know; anything else stays in the logs.
    const header = error.cause instanceof MalformedKeyHeaderError ? ` ${error.cause.message}.` : '';
    return problem(
      400,
      'bad-key',
      'Missing or invalid idempotency key',
      `The request carries no usable idempotency key; send one as the API documents.${header}`,
    );
  }
  if (error.code === 'idempotency.resultNotStored') {
    return problem(
      500,
      'result-not-stored',
      'Response of the first request not stored',
      'The first request with this idempotency key was processed, but its response could not be kept, so it ' +
        'cannot be repeated; the request is not processed again. Send a new idempotency key to run it again.',
    );
  }
  return undefined;
};

const isHttpResponse = (value: unknown): value is HttpResponse =>
  typeof value === 'object' && value !== null && typeof (value as HttpResponse).statusCode === 'number';

/**
 * A replayed response with `Idempotent-Replayed: true` added; anything that is not an HTTP
 * response passes unchanged.
 *
 * @example
 * ```ts
 * markReplayed({ statusCode: 201, body: '{}' }).headers; // { 'Idempotent-Replayed': 'true' }
 * ```
 */
export const markReplayed = <T>(response: T): T =>
  isHttpResponse(response)
    ? ({ ...response, headers: { ...response.headers, 'Idempotent-Replayed': 'true' } } as T)
    : response;

/** A client's idempotency key header that cannot be a key; its message is safe to show the client. */
class MalformedKeyHeaderError extends Error {
  override name = 'MalformedKeyHeaderError';
}

// RFC 9110 field values of visible ASCII; the IETF Idempotency-Key draft sends the key as a
// structured-field string, so surrounding quotes are accepted and dropped.
const MAX_KEY_LENGTH = 255;
const visibleAscii = /^[\x21-\x7e]+$/;

/**
 * Reads an idempotency key from the event's headers, case-insensitively (API Gateway REST and
 * HTTP APIs, Function URLs). Returns `undefined` when absent; throws when malformed.
 *
 * @example
 * ```ts
 * readKeyHeader({ headers: { 'idempotency-key': '"8e03978e"' } }, 'Idempotency-Key'); // '8e03978e'
 * ```
 */
export const readKeyHeader = (event: unknown, name: string): string | undefined => {
  const headers = (event as { headers?: Record<string, string | undefined> | null } | undefined)?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const wanted = name.toLowerCase();
  let value: string | undefined;
  for (const header in headers) {
    if (header.toLowerCase() === wanted) {
      value = headers[header];
      break;
    }
  }
  if (value === undefined || value === '') return undefined;
  const key = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !visibleAscii.test(key)) {
    throw new MalformedKeyHeaderError(
      `The ${name} header must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters (got ${Math.min(value.length, 9999)} characters)`,
    );
  }
  return key;
};
