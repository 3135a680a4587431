/** Orders object keys; `codeUnit` is the default, `caseInsensitive` matches Powertools' ordering. */
export type KeyOrder = 'codeUnit' | 'caseInsensitive';

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Powertools sorts keys by `toLowerCase()` alone, which leaves `{a, A}` in input order;
// the code-unit tie-break keeps our keys deterministic while matching Powertools elsewhere.
const caseInsensitive = (a: string, b: string): number => {
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  return lowerA < lowerB ? -1 : lowerA > lowerB ? 1 : byCodeUnit(a, b);
};

// Deeper than any real payload; a cycle reaches it quickly and fails with a clear message.
const MAX_DEPTH = 512;

/**
 * JSON text of `value` with object keys sorted recursively, so equal values give equal text
 * whatever order their keys were written in. Integer-like keys (`"1"`, `"20"`) come first in
 * numeric order, as in every JavaScript object (and in Powertools' keys). Follows `JSON.stringify` semantics otherwise
 * (`toJSON`, dropped `undefined`/functions, `null` for non-finite numbers); throws a
 * `TypeError` on BigInt and on circular structures. Returns `undefined` for `undefined`.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }); // '{"a":[true,{"c":"x","d":null}],"b":1}'
 * ```
 */
export const canonicalJson = (value: unknown, order: KeyOrder = 'codeUnit'): string | undefined => {
  const codeUnit = order === 'codeUnit';
  const compare = codeUnit ? byCodeUnit : caseInsensitive;

  // Returns `input` itself when every object below it already has sorted keys (the common
  // case for machine-made JSON), or a copy with sorted keys; the native JSON.stringify then
  // writes the text, several times faster than building it by hand.
  const sorted = (input: unknown, depth: number): unknown => {
    if (typeof input !== 'object' || input === null) return input;
    if (depth > MAX_DEPTH) throw new TypeError('Converting circular structure to JSON (or nesting deeper than 512)');
    if (typeof (input as { toJSON?: unknown }).toJSON === 'function') return input;
    if (Array.isArray(input)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < input.length; index++) {
        const item = input[index];
        const next = sorted(item, depth + 1);
        if (next !== item) {
          copy ??= input.slice();
          copy[index] = next;
        }
      }
      return copy ?? input;
    }
    const record = input as Record<string, unknown>;
    const keys = Object.keys(record);
    let inOrder = true;
    for (let index = 1; index < keys.length; index++) {
      const before = keys[index - 1] as string;
      const after = keys[index] as string;
      if (codeUnit ? before > after : compare(before, after) > 0) {
        inOrder = false;
        break;
      }
    }
    let copy: Record<string, unknown> | undefined;
    if (!inOrder) {
      // The default sort compares UTF-16 code units, without a comparator call per pair.
      if (codeUnit) keys.sort();
      else keys.sort(compare);
      copy = Object.create(null) as Record<string, unknown>;
    }
    for (const key of keys) {
      const item = record[key];
      const next = sorted(item, depth + 1);
      if (copy !== undefined) copy[key] = next;
      else if (next !== item) {
        copy = Object.create(null) as Record<string, unknown>;
        for (const earlier of keys) {
          if (earlier === key) break;
          copy[earlier] = record[earlier];
        }
        copy[key] = next;
      }
    }
    return copy ?? input;
  };

  return JSON.stringify(sorted(value, 0));
};
