import { IdempotencyConfigError } from './errors.js';

// One registry per process, shared by every copy of this package (an ESM and a CJS copy in one
// bundle would otherwise keep two): two front doors with one default prefix are a mistake
// wherever they were built.
const registryKey = Symbol.for('oncely.defaultKeyPrefixes');
// Each claimed prefix with the function it guards (`undefined` for a Middy chain, which does not
// know its handler).
const registry = (): Map<string, object | undefined> => {
  const holder = globalThis as { [registryKey]?: Map<string, object | undefined> };
  holder[registryKey] ??= new Map();
  return holder[registryKey];
};

/**
 * Claims a default key prefix for one front door. A second front door in the same process that
 * falls back to the same default (two inline handlers, two Middy chains in one Lambda) throws
 * `IdempotencyConfigError` at construction: with equal payloads they would replay each other's
 * results. The same function wrapped again (a wrapper built per batch record) guards the same
 * calls, so it may claim its prefix again. An explicit `keyPrefix` is never claimed.
 *
 * @example
 * ```ts
 * claimDefaultKeyPrefix('payments.capture', 'makeIdempotent', capture); // fine, also again for capture
 * claimDefaultKeyPrefix('payments.capture', 'makeIdempotent', refund);  // throws
 * ```
 */
export const claimDefaultKeyPrefix = (prefix: string, frontDoor: string, guarded?: object): void => {
  const claimed = registry();
  if (claimed.has(prefix) && (guarded === undefined || claimed.get(prefix) !== guarded)) {
    throw new IdempotencyConfigError(
      `Another idempotent function in this process already uses the default key prefix "${prefix}" ` +
        `(${frontDoor}): calls of both with equal payloads would replay each other's results. ` +
        'Give each its own keyPrefix option.',
    );
  }
  claimed.set(prefix, guarded);
};

/**
 * Forgets every claimed default prefix. For test suites that build many wrappers in one process;
 * never needed in a Lambda.
 *
 * @example
 * ```ts
 * beforeEach(() => forgetDefaultKeyPrefixes());
 * ```
 */
export const forgetDefaultKeyPrefixes = (): void => {
  registry().clear();
};
