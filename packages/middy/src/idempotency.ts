import type { IdempotencyOptions } from '@oncely/core';
import { answerWith, defaultKeyPrefix, type HeldLock, IdempotencyEngine, resolveOptions } from '@oncely/core/engine';

// @middy/core ships ESM only. Its types are imported with `resolution-mode: 'import'` so that the
// CommonJS declarations resolve them too (without it, TS1541 with Middy 6 and TS2307 with Middy 7
// under `module: node16`, unless the user sets skipLibCheck).
type MiddlewareObj<TEvent, TResult> = import('@middy/core', { with: { 'resolution-mode': 'import' }}).MiddlewareObj<
  TEvent,
  TResult
>;
type Request = import('@middy/core', { with: { 'resolution-mode': 'import' }}).Request;

// The key under which Powertools' `cleanupMiddlewares` looks for an idempotency cleanup:
// a middleware that already calls it after an early return frees oncely's lock too.
const POWERTOOLS_CLEANUP_KEY = 'powertools-for-aws.idempotency';
const CLEANUP_KEY = 'oncely.cleanup';

// On an early response Middy (6 and 7) skips the handler and every `after`, also the `after` of
// middlewares registered before this one, so Powertools Tracer, Metrics and Logger would not close
// the segment, flush the metrics or reset the keys. They register that work under these keys of
// `request.internal`; Powertools' `cleanupMiddlewares` (@aws-lambda-powertools/commons) calls it, in
// this order, before an early return, as Powertools' idempotency middleware does. The same
// convention is followed here rather than imported: the commons entry point would be a runtime
// dependency and sets AWS_SDK_UA_APP_ID when loaded.
const POWERTOOLS_CLEANUP_KEYS = [
  'powertools-for-aws.tracer',
  'powertools-for-aws.metrics',
  'powertools-for-aws.logger',
  POWERTOOLS_CLEANUP_KEY,
] as const;

const cleanupPowertools = async (request: Request): Promise<void> => {
  for (const key of POWERTOOLS_CLEANUP_KEYS) {
    // Read afresh each time: Powertools middlewares replace `request.internal` with a copy.
    const internal = request.internal as Record<string, unknown>;
    const cleanup = Object.hasOwn(internal, key) ? internal[key] : undefined;
    if (typeof cleanup === 'function') await (cleanup as Cleanup)(request);
  }
};

type Cleanup = (request: Request) => Promise<void>;

/**
 * Middy middleware: the handler runs at most once per idempotency key. `before` derives the
 * key and takes the lock, answering a replay with the stored response as an early response
 * (Middy then skips the handler, every later middleware, and the `after` of every middleware);
 * `after` stores the response; `onError` releases the lock so a retry can run. Before an early
 * response it runs the cleanups Powertools utilities registered on the request (Tracer, Metrics,
 * Logger), as Powertools' own idempotency middleware does. Same options as `makeIdempotent`.
 *
 * @example
 * ```ts
 * export const handler = middy(capture)
 *   .use(httpJsonBodyParser())
 *   .use(idempotency({ store, key: 'body.paymentId', validate: 'body.amount' }));
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the middleware fits any event and response
export const idempotency = <TEvent = any, TResult = any>(
  options: IdempotencyOptions<TEvent, TResult>,
): MiddlewareObj<TEvent, TResult> => {
  const resolved = resolveOptions(options);
  const engine = new IdempotencyEngine(resolved, {
    defaultKeyPrefix: defaultKeyPrefix(''),
    frontDoor: 'the Middy idempotency() middleware',
  });
  // One symbol per middleware instance: two oncely middlewares in one chain keep apart.
  const lockSlot = Symbol('oncely.lock');

  // Takes the lock out of the request, so `after` and `onError` act on it at most once.
  const takeLock = (request: Request): HeldLock | undefined => {
    const internal = request.internal as Record<string | symbol, unknown>;
    const lock = internal[lockSlot] as HeldLock | undefined;
    delete internal[lockSlot];
    if (internal[CLEANUP_KEY] === cleanup) delete internal[CLEANUP_KEY];
    if (internal[POWERTOOLS_CLEANUP_KEY] === cleanup) delete internal[POWERTOOLS_CLEANUP_KEY];
    return lock;
  };

  const cleanup: Cleanup = async (request) => {
    const lock = takeLock(request);
    if (lock) await engine.abandon(lock);
  };

  // Named functions, so Middy's profiler (and stack traces) show them.
  const idempotencyBefore = async (request: Request): Promise<TResult | undefined> => {
    // A Lambda context, or a durable execution context (the engine reads the Lambda context inside it).
    const start = await answerWith(resolved.responses, engine.start(request.event, request.context));
    if (start.action === 'replay') {
      await cleanupPowertools(request);
      // `earlyResponse` (Middy >= 6) also short-circuits a stored `undefined`.
      (request as { earlyResponse?: unknown }).earlyResponse = start.result;
      return start.result as TResult;
    }
    if (start.action === 'run') {
      const internal = request.internal as Record<string | symbol, unknown>;
      internal[lockSlot] = start.lock;
      internal[CLEANUP_KEY] = cleanup;
      internal[POWERTOOLS_CLEANUP_KEY] = cleanup;
    }
    return undefined;
  };
  const idempotencyAfter = async (request: Request): Promise<void> => {
    const lock = takeLock(request);
    if (lock) await engine.finish(lock, request.response);
  };
  const idempotencyOnError = async (request: Request): Promise<void> => {
    const lock = takeLock(request);
    if (lock) await engine.abandon(lock, request.error);
  };
  return { before: idempotencyBefore, after: idempotencyAfter, onError: idempotencyOnError } as MiddlewareObj<
    TEvent,
    TResult
  >;
};

/**
 * Releases the lock oncely took for this request. Call it from a middleware that returns
 * early after oncely's `before` ran (Middy then skips `after` and `onError`, so the lock would
 * stay until it expires). Powertools' `cleanupMiddlewares` does the same.
 *
 * @example
 * ```ts
 * const guard = { before: async (request) => {
 *   if (!request.event.body) { await cleanupIdempotency(request); return { statusCode: 400 }; }
 * } };
 * ```
 */
export const cleanupIdempotency = async (request: Request): Promise<void> => {
  const cleanup = (request.internal as Record<string, unknown>)[CLEANUP_KEY];
  if (typeof cleanup === 'function') await (cleanup as Cleanup)(request);
};
