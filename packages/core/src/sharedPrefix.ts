import type { IdempotencyLogger } from './logger.js';
import type { IdempotencyStore } from './store.js';

// The default key prefixes in use, per store. Weak: a store that goes takes its entry along.
const defaultPrefixes = new WeakMap<IdempotencyStore, Set<string>>();

/**
 * Warns, at construction, when a second wrapper on the same store falls back to the same
 * default key prefix (two anonymous handlers in one Lambda, say): calls with equal payloads
 * would then share one result.
 *
 * @example
 * ```ts
 * warnOnSharedDefaultPrefix(store, 'payments', logger); // silent the first time
 * ```
 */
export const warnOnSharedDefaultPrefix = (store: IdempotencyStore, prefix: string, logger: IdempotencyLogger): void => {
  let prefixes = defaultPrefixes.get(store);
  if (prefixes === undefined) {
    prefixes = new Set();
    defaultPrefixes.set(store, prefixes);
  }
  if (prefixes.has(prefix)) {
    logger.warn(
      `Another idempotent function on this store already uses the default key prefix "${prefix}": ` +
        'calls of both with equal payloads would share one result. Give each its own keyPrefix option',
      { keyPrefix: prefix },
    );
  }
  prefixes.add(prefix);
};
