import * as nodeCrypto from 'node:crypto';
import { writeCanonicalJson } from './canonicalJson.js';
import type { KeyOrder } from './keyShapes.js';
import { hasSymbolKey, isPlainObject } from './unrepresentable.js';

/** Hash used for keys and validation values. `md5` gives keys identical to Powertools'. */
export type HashAlgorithm = 'sha256' | 'md5';

/**
 * True when a selected key value carries nothing to key on: `undefined`, `null`, `''`, a plain
 * `{}`, `[]`, or an array of nothing but `null`/`undefined` (what a JMESPath multiselect over
 * missing fields returns). A Map, a Set or a class instance is never missing: it goes on to
 * the key, which refuses it, so it never runs unguarded.
 *
 * @example
 * ```ts
 * isMissingKey([null, null]); // true
 * isMissingKey(0);            // false
 * isMissingKey(new Map());    // false: the key then fails, naming the Map
 * ```
 */
export const isMissingKey = (value: unknown): boolean => {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.every((item) => item === undefined || item === null);
  if (isPlainObject(value)) return Object.keys(value).length === 0 && !hasSymbolKey(value);
  return false;
};

const keyOrderOf = (hash: HashAlgorithm): KeyOrder => (hash === 'md5' ? 'caseInsensitive' : 'codeUnit');

// One-shot `crypto.hash` (Node 20.12+) skips the Hash object: 1.2 instead of 1.8 µs for a 1 KB payload.
const oneShotHash = (nodeCrypto as Partial<typeof nodeCrypto>).hash;

const startDigest = (hash: HashAlgorithm, scope: string | undefined): nodeCrypto.Hash => {
  const digest = nodeCrypto.createHash(hash);
  // The scope goes in front with a separator no JSON text starts with, so
  // (scope "a", value "b") and (scope "a\u0000b", …) can never meet.
  if (scope !== undefined) digest.update(`${JSON.stringify(scope)}\u0000`);
  return digest;
};

const NULL_TEXT = new TextEncoder().encode('null');

/**
 * Base64 digest of the canonical JSON of `value` (its UTF-8 bytes). With `md5`, object keys are
 * ordered as Powertools orders them, so the digest equals Powertools' for the same value.
 *
 * @example
 * ```ts
 * hashValue({ b: 2, a: 1 }, 'sha256') === hashValue({ a: 1, b: 2 }, 'sha256'); // true
 * ```
 */
export const hashValue = (value: unknown, hash: HashAlgorithm, scope?: string): string => {
  let digest: nodeCrypto.Hash | undefined;
  // A payload larger than the writer's buffer reaches the hash in pieces, never as one text.
  const flush = (bytes: Uint8Array): void => {
    digest ??= startDigest(hash, scope);
    digest.update(bytes);
  };
  const rest = writeCanonicalJson(value, keyOrderOf(hash), flush) ?? NULL_TEXT;
  if (digest === undefined && scope === undefined && oneShotHash !== undefined) {
    return oneShotHash(hash, rest, 'base64');
  }
  return (digest ?? startDigest(hash, scope)).update(rest).digest('base64');
};

/**
 * The idempotency key of a selected value: `prefix#digest`.
 *
 * @example
 * ```ts
 * idempotencyKey('payments.capture', { orderId: 7 }, 'sha256'); // 'payments.capture#…'
 * ```
 */
export const idempotencyKey = (prefix: string, value: unknown, hash: HashAlgorithm, scope?: string): string =>
  `${prefix}#${hashValue(value, hash, scope)}`;
