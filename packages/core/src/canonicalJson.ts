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

const isSkipped = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/**
 * JSON text of `value` with object keys sorted recursively, so equal values give equal text
 * whatever order their keys were written in. Follows `JSON.stringify` semantics otherwise
 * (`toJSON`, dropped `undefined`/functions, `null` for non-finite numbers); throws a
 * `TypeError` on BigInt and on circular structures. Returns `undefined` for `undefined`.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }); // '{"a":[true,{"c":"x","d":null}],"b":1}'
 * ```
 */
export const canonicalJson = (value: unknown, order: KeyOrder = 'codeUnit'): string | undefined => {
  const compare = order === 'codeUnit' ? byCodeUnit : caseInsensitive;
  const seen = new Set<object>();

  const write = (input: unknown, slot: string): string | undefined => {
    let current = input;
    if (
      current !== null &&
      typeof current === 'object' &&
      typeof (current as { toJSON?: unknown }).toJSON === 'function'
    ) {
      current = (current as { toJSON(key: string): unknown }).toJSON(slot);
    }
    switch (typeof current) {
      case 'string':
        return JSON.stringify(current);
      case 'number':
        return Number.isFinite(current) ? String(current) : 'null';
      case 'boolean':
        return current ? 'true' : 'false';
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'object':
        break;
      default:
        return undefined;
    }
    if (current === null) return 'null';
    if (current instanceof Number || current instanceof String || current instanceof Boolean) {
      return JSON.stringify(current);
    }
    if (seen.has(current)) throw new TypeError('Converting circular structure to JSON');
    seen.add(current);
    let text: string;
    if (Array.isArray(current)) {
      const parts = current.map((item, index) => write(item, String(index)) ?? 'null');
      text = `[${parts.join(',')}]`;
    } else {
      const record = current as Record<string, unknown>;
      const parts: string[] = [];
      for (const name of Object.keys(record).sort(compare)) {
        const item = record[name];
        if (isSkipped(item)) continue;
        const itemText = write(item, name);
        if (itemText !== undefined) parts.push(`${JSON.stringify(name)}:${itemText}`);
      }
      text = `{${parts.join(',')}}`;
    }
    seen.delete(current);
    return text;
  };

  return write(value, '');
};
