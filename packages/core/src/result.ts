/**
 * JSON text of a call's result, or `undefined` for an `undefined` result (stored as a
 * record without data). Nested values follow `JSON.stringify`: `Date` becomes its ISO string,
 * nested `undefined` and functions are dropped. Throws a `TypeError` for what JSON cannot
 * hold: BigInt, cycles, and a function or symbol as the whole result.
 *
 * @example
 * ```ts
 * encodeResult({ at: new Date(0) }); // '{"at":"1970-01-01T00:00:00.000Z"}'
 * encodeResult(undefined);           // undefined
 * ```
 */
export const encodeResult = (result: unknown): string | undefined => {
  if (result === undefined) return undefined;
  if (typeof result === 'function' || typeof result === 'symbol') {
    throw new TypeError(`a ${typeof result} is not JSON`);
  }
  return JSON.stringify(result);
};

/**
 * The result a replay returns: the stored JSON parsed, `undefined` where no data was stored.
 *
 * @example
 * ```ts
 * decodeResult('{"ok":true}'); // { ok: true }
 * ```
 */
export const decodeResult = (data: string | undefined): unknown => (data === undefined ? undefined : JSON.parse(data));
