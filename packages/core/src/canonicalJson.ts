import { CanonicalWriter, type Flush } from './canonicalWriter.js';
import type { KeyOrder } from './keyShapes.js';
import { describe, Unrepresentable } from './unrepresentable.js';

// The engine entry names the key orders here, next to canonicalJson.
export type { KeyOrder } from './keyShapes.js';

// A buffer of this size is kept between calls (they never overlap: the writer is synchronous, and
// a call made while one runs, from a getter in a payload, gets a buffer of its own). A payload
// longer than that reaches a hash in pieces of this size.
const BUFFER_BYTES = 64 * 1024;
let spare: { readonly bytes: Uint8Array; readonly view: DataView } | undefined;

/**
 * Canonical JSON of `value` (see `canonicalJson`) as UTF-8 bytes, written in order: each full
 * buffer (64 KB) goes to `flush`, and the rest is returned (`undefined` for `undefined`). Without
 * `flush`, all of it is returned. The bytes returned are valid until the next call.
 *
 * @example
 * ```ts
 * const hash = createHash('sha256');
 * hash.update(writeCanonicalJson(payload, 'codeUnit', (bytes) => hash.update(bytes)) ?? 'null');
 * ```
 */
export const writeCanonicalJson = (value: unknown, order: KeyOrder, flush?: Flush): Uint8Array | undefined => {
  if (value === undefined) return undefined;
  const kept = spare;
  const writer =
    kept === undefined
      ? new CanonicalWriter(order, flush, new Uint8Array(BUFFER_BYTES))
      : new CanonicalWriter(order, flush, kept.bytes, kept.view);
  spare = undefined;
  try {
    writer.write(value, 0);
  } catch (error) {
    if (error instanceof Unrepresentable) throw describe(error, value);
    throw error;
  } finally {
    // A buffer outgrown (replaced by a larger one) is not kept.
    if (writer.bytes.length <= BUFFER_BYTES) spare = kept ?? { bytes: writer.bytes, view: writer.view };
  }
  return writer.bytes.subarray(0, writer.length);
};

// Canonical text never starts with a byte order mark, and one inside a string stays (ignoreBOM).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * JSON text of `value` with object keys sorted recursively, so equal values give equal text
 * whatever order their keys were written in. Integer-like keys (`"1"`, `"20"`) come first in
 * numeric order, as in every JavaScript object (and in Powertools' keys).
 *
 * Injective on what it accepts, so two different values never share a key: plain objects
 * (prototype `Object.prototype` or null), arrays, strings, finite numbers, booleans and null.
 * A property whose value is `undefined` is absent, as in JSON. A valid `Date` is accepted and
 * keys exactly like its ISO string (`new Date(0)` like `"1970-01-01T00:00:00.000Z"`). Anything
 * else throws a `TypeError` naming its path (`$.body.items[2].price is NaN`, `$.tags is a Set`):
 * Map, Set, class instances (also with `toJSON`, Buffers, typed arrays), NaN and ±Infinity, an
 * invalid Date, BigInt, functions, symbols, enumerable symbol keys, `undefined` or holes in
 * arrays, cycles. Returns `undefined` for `undefined`.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }); // '{"a":[true,{"c":"x","d":null}],"b":1}'
 * canonicalJson({ tags: new Set(['a']) }); // throws TypeError: $.tags is a Set; convert it to plain JSON…
 * ```
 */
export const canonicalJson = (value: unknown, order: KeyOrder = 'codeUnit'): string | undefined => {
  const bytes = writeCanonicalJson(value, order);
  return bytes && utf8.decode(bytes);
};
