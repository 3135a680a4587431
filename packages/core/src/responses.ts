import type { Start } from './engine.js';
import { type IdempotencyError, isIdempotencyError } from './errors.js';
import { markReplayed, problemResponse } from './http.js';

/**
 * How a front door answers replays and the idempotency errors of its callers, for the
 * `responses` option. `httpResponses` is the one for API Gateway and Function URL handlers.
 */
export interface Responses {
  /** Maps a replayed result (after `onReplay`) before the caller gets it. */
  readonly replay: (result: unknown) => unknown;
  /** The answer to an idempotency error before the handler ran, or `undefined` to throw it. */
  readonly error: (error: IdempotencyError, nowMs: number) => unknown;
}

/**
 * For API Gateway and Function URL handlers: idempotency errors a client can act on become
 * RFC 9457 problem responses (409 with `Retry-After` while in progress, 422 for a changed
 * payload, 400 for a missing or malformed key, 500 when the first result could not be kept),
 * and replays carry `Idempotent-Replayed: true`.
 *
 * @example
 * ```ts
 * makeIdempotent(handler, { store, key: { header: 'Idempotency-Key' }, scope, responses: httpResponses });
 * ```
 */
// Marked pure so that a bundle which never names `httpResponses` leaves the problem texts out.
export const httpResponses: Responses = /* @__PURE__ */ Object.freeze({ replay: markReplayed, error: problemResponse });

/**
 * `start` answered through `responses`: how the front doors compose them with the engine.
 *
 * @example
 * ```ts
 * const start = await answerWith(options.responses, engine.start(event, context));
 * ```
 */
export const answerWith = async (responses: Responses | undefined, start: Promise<Start>): Promise<Start> => {
  if (responses === undefined) return start;
  let started: Start;
  try {
    started = await start;
  } catch (error) {
    const answer = isIdempotencyError(error) ? responses.error(error, Date.now()) : undefined;
    if (answer === undefined) throw error;
    return { action: 'replay', result: answer };
  }
  return started.action === 'replay' ? { action: 'replay', result: responses.replay(started.result) } : started;
};
