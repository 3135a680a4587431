import { IdempotencyConfig, makeIdempotent as powertoolsMakeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { type IdempotencyStore, makeIdempotent } from '@oncely/core';
import type { BenchContext } from './lambdaContext.js';

/** A Lambda handler as the benchmarks call it. */
export type BenchHandler<E, R> = (event: E, context: BenchContext) => Promise<R>;

/** How a wrapped handler treats replays and duplicates. */
export interface WrapOptions {
  /** oncely `localCache: {}`, Powertools `useLocalCache: true`. */
  localCache?: boolean;
  /** oncely `whenInProgress: { waitMs }` (its default 10 s); Powertools has no such mode. */
  wait?: boolean;
}

// Wrappers built so far: each gets a prefix of its own.
let wrapped = 0;

/**
 * The handler made idempotent by oncely's wrapper, keyed by the whole event (the default of both libraries).
 *
 * @example
 * ```ts
 * const guarded = withOncely(handler, new InMemoryStore(), { localCache: true });
 * ```
 */
export const withOncely = <E, R>(
  handler: BenchHandler<E, R>,
  store: IdempotencyStore,
  options: WrapOptions = {},
): BenchHandler<E, R> =>
  makeIdempotent(handler, {
    store,
    // The bench wraps one handler many times in one process: each wrapper names its own prefix
    // (a second default prefix in one process is a configuration error).
    keyPrefix: `bench.${++wrapped}`,
    localCache: options.localCache ? {} : false,
    whenInProgress: options.wait ? {} : 'throw',
  }) as BenchHandler<E, R>;

/**
 * The handler made idempotent by Powertools' `makeIdempotent`, keyed by the whole event.
 * Give each wrapped handler its own persistence layer: Powertools configures a layer once.
 *
 * @example
 * ```ts
 * const guarded = withPowertools(handler, new PowertoolsMemoryLayer(), { localCache: true });
 * ```
 */
export const withPowertools = <E, R>(
  handler: BenchHandler<E, R>,
  persistenceStore: BasePersistenceLayer,
  options: WrapOptions = {},
): BenchHandler<E, R> =>
  powertoolsMakeIdempotent(handler, {
    persistenceStore,
    config: new IdempotencyConfig({ useLocalCache: options.localCache ?? false }),
  }) as unknown as BenchHandler<E, R>;
