import { IdempotencyConfigError } from './errors.js';

// One registry per process, shared by every copy of this package (an ESM and a CJS copy in one
// bundle would otherwise keep two): two front doors with one default prefix are a mistake
// wherever they were built.
const registryKey = Symbol.for('oncely.defaultKeyPrefixes');
const registry = (): Set<string> => {
  const holder = globalThis as { [registryKey]?: Set<string> };
  holder[registryKey] ??= new Set();
  return holder[registryKey];
};

/**
 * Claims a default key prefix for one front door. A second front door in the same process that
 * falls back to the same default (two inline handlers, two Middy chains in one Lambda) throws
 * `IdempotencyConfigError` at construction: with equal payloads they would replay each other's
 * results. An explicit `keyPrefix` is never claimed.
 *
 * @example
 * ```ts
 * claimDefaultKeyPrefix('payments.capture'); // the first time: fine; the second: throws
 * ```
 */
export const claimDefaultKeyPrefix = (prefix: string, frontDoor: string): void => {
  const claimed = registry();
  if (claimed.has(prefix)) {
    throw new IdempotencyConfigError(
      `Another idempotent function in this process already uses the default key prefix "${prefix}" ` +
        `(${frontDoor}): calls of both with equal payloads would replay each other's results. ` +
        'Give each its own keyPrefix option.',
    );
  }
  claimed.add(prefix);
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
