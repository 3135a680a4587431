/** Orders object keys; `codeUnit` is the default, `caseInsensitive` matches Powertools' ordering. */
export type KeyOrder = 'codeUnit' | 'caseInsensitive';

type Compare = (a: string, b: string) => number;

const byCodeUnit: Compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// Powertools sorts keys by `toLowerCase()` alone, which leaves `{a, A}` in input order;
// the code-unit tie-break keeps our keys deterministic while matching Powertools elsewhere.
const caseInsensitive: Compare = (a, b) => {
  const lowerA = a.toLowerCase();
  const lowerB = b.toLowerCase();
  return lowerA < lowerB ? -1 : lowerA > lowerB ? 1 : byCodeUnit(a, b);
};

const sameKeys = (a: readonly string[], b: readonly string[]): boolean => {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
};

// `__proto__` is data here (JSON.parse makes it an own key), never the copy's prototype.
const define = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  else target[key] = value;
};

// Deeper than any real payload; a cycle reaches it quickly and is then traced back to its start.
const MAX_DEPTH = 512;

const ADVICE =
  'convert it to plain JSON before it is keyed (objects, arrays, strings, finite numbers, booleans, null; ' +
  'e.g. Object.fromEntries(map), [...set], a string or number for a class instance)';

// Thrown inside the walk and caught by each enclosing object on the way out, which adds its step:
// the path costs nothing until something is wrong.
class Unrepresentable {
  readonly steps: (string | number)[] = [];
  constructor(readonly problem: string) {}
}

const withStep = (error: unknown, step: string | number): unknown => {
  if (error instanceof Unrepresentable) error.steps.push(step);
  return error;
};

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const pathOf = (steps: readonly (string | number)[]): string => {
  let path = '$';
  for (const step of steps) {
    if (typeof step === 'number') path += `[${step}]`;
    else path += IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
  }
  return path;
};

// A walk deeper than MAX_DEPTH: find the first value on its path that is one of its own ancestors.
const describeTooDeep = (root: unknown, steps: readonly (string | number)[]): string => {
  const ancestors: unknown[] = [root];
  let value = root;
  for (let depth = 0; depth < steps.length; depth++) {
    value = (value as Record<string | number, unknown>)[steps[depth] as string | number];
    const first = ancestors.indexOf(value);
    if (first !== -1) {
      return `${pathOf(steps.slice(0, depth + 1))} is a cycle back to ${pathOf(steps.slice(0, first))}`;
    }
    ancestors.push(value);
  }
  return `${pathOf(steps.slice(0, 8))}… nests deeper than ${MAX_DEPTH} levels`;
};

// Another realm's Object.prototype (a vm context, a test runner) counts as plain too.
const isPlainPrototype = (proto: unknown): boolean =>
  proto === Object.prototype ||
  proto === null ||
  (Object.getPrototypeOf(proto) === null &&
    (proto as { constructor?: { name?: unknown } }).constructor?.name === 'Object');

/**
 * True for an object JSON represents faithfully: its prototype is `Object.prototype` or null.
 *
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new Map()); // false
 * ```
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  isPlainPrototype(Object.getPrototypeOf(value));

/**
 * True when an object has an own enumerable symbol key (which JSON would drop).
 *
 * @example
 * ```ts
 * hasSymbolKey({ [Symbol('k')]: 1 }); // true
 * ```
 */
export const hasSymbolKey = (value: object): boolean => {
  const symbols = Object.getOwnPropertySymbols(value);
  for (let index = 0; index < symbols.length; index++) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbols[index] as symbol)) return true;
  }
  return false;
};

// A scalar as JSON keeps it, or the reason it cannot be keyed.
const checkScalar = (input: unknown): void => {
  switch (typeof input) {
    case 'string':
    case 'boolean':
    case 'undefined': // dropped from objects (as JSON does); refused in arrays by the caller
      return;
    case 'number':
      if (Number.isFinite(input)) return;
      throw new Unrepresentable(String(input));
    case 'bigint':
      throw new Unrepresentable('a BigInt');
    case 'function':
      throw new Unrepresentable('a function');
    default:
      throw new Unrepresentable('a symbol');
  }
};

// An object that is neither plain nor an array: a valid Date keys as its ISO string, the rest is refused.
const fromNonPlain = (input: object): string => {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new Unrepresentable('an invalid Date');
    return Date.prototype.toISOString.call(input);
  }
  if (input instanceof Map) throw new Unrepresentable('a Map');
  if (input instanceof Set) throw new Unrepresentable('a Set');
  const name = (Object.getPrototypeOf(input) as { constructor?: { name?: unknown } }).constructor?.name;
  throw new Unrepresentable(
    typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object with a custom prototype',
  );
};

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
  const codeUnit = order === 'codeUnit';
  const compare = codeUnit ? byCodeUnit : caseInsensitive;

  // The keys of the last object seen and their canonical order (the same array when already
  // in order). Arrays of records share one shape, so most objects skip the sort.
  let lastKeys: readonly string[] = [];
  let lastOrdered: readonly string[] = lastKeys;
  const ordered = (keys: string[]): readonly string[] => {
    if (sameKeys(keys, lastKeys)) return lastOrdered === lastKeys ? keys : lastOrdered;
    lastKeys = keys;
    lastOrdered = keys;
    for (let index = 1; index < keys.length; index++) {
      const before = keys[index - 1] as string;
      const after = keys[index] as string;
      if (codeUnit ? before > after : compare(before, after) > 0) {
        // The default sort compares UTF-16 code units, without a comparator call per pair.
        lastOrdered = codeUnit ? keys.slice().sort() : keys.slice().sort(compare);
        break;
      }
    }
    return lastOrdered === lastKeys ? keys : lastOrdered;
  };

  // Returns `input` itself when every object below it already has sorted keys (the common
  // case for machine-made JSON), or a copy with sorted keys; the native JSON.stringify then
  // writes the text, several times faster than building it by hand. The copies are plain
  // `{}` objects filled in one order, so they share hidden classes and stay on V8's fast
  // path (null-prototype copies are dictionaries: 128 KB of order lines took 2.3 ms, now 0.7).
  // Every value is checked on the way, so JSON.stringify never meets what it would drop or
  // turn into null (and never calls a toJSON); one try per object names the path on failure.
  const sorted = (input: unknown, depth: number): unknown => {
    if (typeof input !== 'object') {
      checkScalar(input);
      return input;
    }
    if (input === null) return input;
    if (depth > MAX_DEPTH) throw new Unrepresentable('too deep');
    if (Array.isArray(input)) {
      let copy: unknown[] | undefined;
      let index = 0;
      try {
        for (; index < input.length; index++) {
          const item = input[index];
          if (item === undefined) throw new Unrepresentable(index in input ? 'undefined' : 'a hole');
          const next = sorted(item, depth + 1);
          if (next !== item) {
            copy ??= input.slice();
            copy[index] = next;
          }
        }
      } catch (error) {
        throw withStep(error, index);
      }
      return copy ?? input;
    }
    if (!isPlainPrototype(Object.getPrototypeOf(input))) return fromNonPlain(input);
    const record = input as Record<string, unknown>;
    if (hasSymbolKey(record)) throw new Unrepresentable('an object with a symbol key');
    const keys = Object.keys(record);
    const inOrder = ordered(keys);
    let key = '';
    try {
      if (inOrder !== keys) {
        // Integer-like keys land first in numeric order whatever the order they are set in.
        const copy: Record<string, unknown> = {};
        for (let index = 0; index < inOrder.length; index++) {
          key = inOrder[index] as string;
          define(copy, key, sorted(record[key], depth + 1));
        }
        return copy;
      }
      let copy: Record<string, unknown> | undefined;
      for (let index = 0; index < keys.length; index++) {
        key = keys[index] as string;
        const item = record[key];
        const next = sorted(item, depth + 1);
        if (copy !== undefined) define(copy, key, next);
        else if (next !== item) {
          copy = {};
          for (let earlier = 0; earlier < index; earlier++) {
            define(copy, keys[earlier] as string, record[keys[earlier] as string]);
          }
          define(copy, key, next);
        }
      }
      return copy ?? input;
    } catch (error) {
      throw withStep(error, key);
    }
  };

  try {
    return JSON.stringify(sorted(value, 0));
  } catch (error) {
    if (!(error instanceof Unrepresentable)) throw error;
    const steps = error.steps.reverse();
    const what =
      error.problem === 'too deep'
        ? describeTooDeep(value, steps)
        : error.problem === 'an object with a symbol key'
          ? `${pathOf(steps)} has a symbol key`
          : `${pathOf(steps)} is ${error.problem}`;
    throw new TypeError(`${what}; ${ADVICE}`);
  }
};
