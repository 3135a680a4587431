import type { DecisionEvent } from './decision.js';
import type { HashAlgorithm } from './key.js';
import type { IdempotencyLogger } from './logger.js';
import type { IdempotencyRecord } from './record.js';
import type { Responses } from './responses.js';
import type { PayloadSelector } from './selector.js';
import type { IdempotencyStore } from './store.js';

/** Wait for a running call with the same key instead of failing at once. */
export interface WaitWhenInProgress {
  /** Give up (with `IdempotencyAlreadyInProgressError`) after this long. Default 10 000; at most 900 000. */
  waitMs?: number;
}

/**
 * How a call holds its key while it runs. Without this option a call with a Lambda context holds
 * it until the Lambda's deadline, and one without (any async function) holds a heartbeat lease of
 * 60 s, renewed while it runs.
 */
export interface LockOptions {
  /**
   * Hold the lock as a lease of this length, renewed while the call runs (never past the Lambda's
   * deadline): a crashed or frozen call frees its key within it. 100 to 900 000.
   */
  durationMs: number;
  /** Renew the lease while the call runs (default `true`); `false` makes it a plain lock of `durationMs`. */
  renew?: boolean;
}

/**
 * What the idempotency key is made of: a dotted path into the payload (`'body.orderId'`), a
 * `jmespath(...)` selector from `@oncely/core/jmespath`, a client's header (`{ header:
 * 'Idempotency-Key' }`, which needs `scope`), or a function of the payload.
 */
export type KeyOption<TPayload> =
  | string
  | PayloadSelector
  | { readonly header: string }
  | ((payload: TPayload) => unknown);

/**
 * The one options object of `makeIdempotent`, `@idempotent` and the Middy middleware.
 * Validated when the wrapper is built. `TPayload` types the argument of `key` and `scope`, `TResult`
 * that of `onReplay`; `TIndex` is the `payloadArgument` chosen (`makeIdempotent` infers all three).
 *
 * @example
 * ```ts
 * const options: IdempotencyOptions<{ body: { orderId: string } }> = {
 *   store, key: 'body.orderId', expiresAfterSeconds: 3600,
 * };
 * ```
 */
export interface IdempotencyOptions<TPayload = unknown, TResult = unknown, TIndex extends number = number> {
  /** Where records live. Required. */
  store: IdempotencyStore;
  /** What the key is made of (see `KeyOption`). Default: the whole payload. */
  key?: KeyOption<TPayload>;
  /**
   * A payload part that replays must repeat unchanged (a dotted path, `jmespath(...)`, or a
   * function); a replay that changed it fails with `IdempotencyValidationError`.
   */
  validate?: string | PayloadSelector | ((payload: TPayload) => unknown);
  /** Lifetime of a completed record, in seconds. Default 3600. */
  expiresAfterSeconds?: number;
  /** What a call does when the same key is in progress: `'throw'` (default) or `{ waitMs }` to wait for its result. */
  whenInProgress?: 'throw' | WaitWhenInProgress;
  /** How the key is held while the call runs (see `LockOptions`). */
  lock?: LockOptions;
  /** Keep completed results in this container; `false` (default) turns it off. */
  localCache?: false | { maxEntries?: number; maxBytes?: number };
  /**
   * Default `true`: a payload whose key material is empty (a path that selects nothing, a
   * missing header) fails with `IdempotencyKeyError`. `false` runs such calls without idempotency,
   * with a warning: it drops protection, so it must be asked for.
   */
  requireKey?: boolean;
  /** Digest of keys and validation values. Default `'sha256'`; `'md5'` gives Powertools-identical keys. */
  hash?: HashAlgorithm;
  /** Key prefix. Default: the Lambda function name and the wrapped function's name. */
  keyPrefix?: string;
  /**
   * Tenant or caller the key belongs to; part of the key. `undefined` at run time is an
   * `IdempotencyKeyError`. Required with `key: { header }` (a client-chosen key); `false` opts out
   * there, which lets one tenant replay another's responses by sending its key.
   */
  scope?: ((payload: TPayload, context: unknown) => string | undefined) | false;
  /** Maps a stored result before a replay returns it. */
  onReplay?: (response: TResult, record: IdempotencyRecord) => TResult;
  /** Where decisions are logged (`debug`/`info`/`warn`/`error`). Default: warnings and errors to `console`. */
  logger?: IdempotencyLogger;
  /** Index of the argument that carries the payload (the one `key` and `scope` receive). Default 0 (the Lambda event). */
  payloadArgument?: TIndex;
  /**
   * How replays and idempotency errors are answered: `httpResponses` for API Gateway / Function URL
   * handlers (problem responses, `Idempotent-Replayed: true`). Default: replays return the stored
   * result and idempotency errors are thrown.
   */
  responses?: Responses;
  /** Called once per invocation with the decision taken (see `Decision`). */
  onDecision?: (event: DecisionEvent) => void;
  /** Errors to store as the call's outcome and replay: a predicate such as `errorNamed('CardDeclined')`; others release the lock. */
  cacheErrors?: (error: unknown) => boolean;
}

/** Options after validation: defaults filled, selectors compiled; plain frozen data. */
export interface ResolvedOptions {
  readonly store: IdempotencyStore;
  /** Describes the key selection in messages: the path, `key()`, a header, or `the whole payload`. */
  readonly keySource: string;
  readonly selectKey: (payload: unknown) => unknown;
  readonly selectValidation: ((payload: unknown) => unknown) | undefined;
  readonly expiresAfterSeconds: number;
  /** How long a call waits for a running one with its key; `undefined`: it throws at once. */
  readonly waitMs: number | undefined;
  /** The local cache's limits; the engine builds the cache. */
  readonly localCache: Readonly<{ maxEntries: number; maxBytes: number }> | undefined;
  readonly requireKey: boolean;
  readonly hash: HashAlgorithm;
  readonly keyPrefix: string | undefined;
  readonly scope: ((payload: unknown, context: unknown) => string | undefined) | undefined;
  readonly onReplay: ((response: unknown, record: IdempotencyRecord) => unknown) | undefined;
  readonly logger: IdempotencyLogger;
  readonly payloadArgument: number;
  /** The lease every call holds; `undefined`: a Lambda's calls lock until its deadline, others hold `contextlessLock`. */
  readonly lock: Readonly<Required<LockOptions>> | undefined;
  readonly responses: Responses | undefined;
  readonly onDecision: ((event: DecisionEvent) => void) | undefined;
  readonly cacheErrors: ((error: unknown) => boolean) | undefined;
  readonly disabled: boolean;
}

/** The lease a call without a Lambda context holds when no `lock` is set. */
export const contextlessLock: Readonly<Required<LockOptions>> = Object.freeze({ durationMs: 60_000, renew: true });
