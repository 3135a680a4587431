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

// A string JSON writes as is between quotes: no quote, backslash, control character or
// surrogate (JSON escapes a lone one). Others go through JSON.stringify, the reference.
const quote = (text: string): string => {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(text);
    }
  }
  return `"${text}"`;
};

// The order JSON.stringify lists the keys of a copy filled in `sorted` order: integer-like keys
// first in numeric order, as in every JavaScript object (and in Powertools' keys).
const enumerationOrder = (sorted: readonly string[]): string[] => {
  const copy: Record<string, unknown> = {};
  for (const key of sorted) define(copy, key, 0);
  return Object.keys(copy);
};

// An object's keys as Object.keys lists them, in canonical order, and its members' openings
// (`{"a":`, `,"b":`) in that order.
interface Shape {
  readonly keys: readonly string[];
  readonly ordered: readonly string[];
  readonly openings: readonly string[];
}

// Shapes already worked out, per key order, shared by every call: sorting a shape's keys and
// quoting them took a third of the canonical JSON of a 1 KB order. Pure data, never per call.
const MAX_KNOWN_SHAPES = 32;
const knownByCodeUnit: Shape[] = [];
const knownCaseInsensitive: Shape[] = [];

/** Text in canonical order, handed over in chunks of about `chunkChars` (never inside a token). */
type Flush = (chunk: string) => void;

// Writes canonical JSON by hand into `text`, handing full chunks to `flush` (a hash takes them
// piece by piece, so 128 KB of payload is never one string). Object keys are quoted once per
// shape: arrays of records share one, so most objects cost a key comparison per property.
class CanonicalWriter {
  text = '';
  // The keys of the last object seen and their members' openings (`{"a":`, `,"b":`) in
  // canonical order, with the keys in that order.
  #lastKeys: readonly string[] = [];
  #openings: readonly string[] = [];
  #ordered: readonly string[] = [];
  readonly #codeUnit: boolean;
  readonly #compare: Compare;
  readonly #flush: Flush | undefined;
  readonly #chunkChars: number;

  constructor(order: KeyOrder, flush: Flush | undefined, chunkChars: number) {
    this.#codeUnit = order === 'codeUnit';
    this.#compare = this.#codeUnit ? byCodeUnit : caseInsensitive;
    this.#flush = flush;
    this.#chunkChars = chunkChars;
  }

  #spill(): void {
    if (this.#flush !== undefined && this.text.length >= this.#chunkChars) {
      this.#flush(this.text);
      this.text = '';
    }
  }

  #shape(keys: string[]): void {
    if (sameKeys(keys, this.#lastKeys)) return;
    const known = this.#codeUnit ? knownByCodeUnit : knownCaseInsensitive;
    let shape = known.find((candidate) => sameKeys(keys, candidate.keys));
    if (shape === undefined) {
      shape = this.#newShape(keys);
      // A payload's shapes repeat from call to call; a bounded list keeps the first ones seen.
      if (known.length < MAX_KNOWN_SHAPES) known.push(shape);
    }
    this.#lastKeys = keys;
    this.#ordered = shape.ordered;
    this.#openings = shape.openings;
  }

  #newShape(keys: string[]): Shape {
    let ordered: readonly string[] = keys;
    for (let index = 1; index < keys.length; index++) {
      const before = keys[index - 1] as string;
      const after = keys[index] as string;
      if (this.#codeUnit ? before > after : this.#compare(before, after) > 0) {
        // The default sort compares UTF-16 code units, without a comparator call per pair.
        ordered = enumerationOrder(this.#codeUnit ? keys.slice().sort() : keys.slice().sort(this.#compare));
        break;
      }
    }
    const openings = ordered.map((key, index) => `${index === 0 ? '{' : ','}${quote(key)}:`);
    return { keys: keys.slice(), ordered, openings };
  }

  write(input: unknown, depth: number): void {
    switch (typeof input) {
      case 'string':
        this.text += quote(input);
        return;
      case 'number':
        if (!Number.isFinite(input)) throw new Unrepresentable(String(input));
        this.text += `${input}`;
        return;
      case 'boolean':
        this.text += input ? 'true' : 'false';
        return;
      case 'object':
        break;
      default:
        checkScalar(input);
        return;
    }
    if (input === null) {
      this.text += 'null';
      return;
    }
    if (depth > MAX_DEPTH) throw new Unrepresentable('too deep');
    if (Array.isArray(input)) {
      this.#array(input, depth);
      return;
    }
    if (!isPlainPrototype(Object.getPrototypeOf(input))) {
      this.text += quote(fromNonPlain(input));
      return;
    }
    this.#object(input as Record<string, unknown>, depth);
  }

  #array(input: readonly unknown[], depth: number): void {
    let index = 0;
    try {
      this.text += '[';
      for (; index < input.length; index++) {
        const item = input[index];
        if (item === undefined) throw new Unrepresentable(index in input ? 'undefined' : 'a hole');
        if (index > 0) this.text += ',';
        this.write(item, depth + 1);
        this.#spill();
      }
      this.text += ']';
    } catch (error) {
      throw withStep(error, index);
    }
  }

  #object(input: Record<string, unknown>, depth: number): void {
    if (hasSymbolKey(input)) throw new Unrepresentable('an object with a symbol key');
    const keys = Object.keys(input);
    this.#shape(keys);
    // Nested objects change the shape: keep this one's.
    const ordered = this.#ordered;
    const openings = this.#openings;

    let key = '';
    let written = 0;
    try {
      for (let index = 0; index < ordered.length; index++) {
        key = ordered[index] as string;
        const item = input[key];
        if (item === undefined) continue;
        // The shape's openings hold for every member written; an undefined member before shifts them.
        this.text +=
          (written === 0) === (index === 0)
            ? (openings[index] as string)
            : `${written === 0 ? '{' : ','}${quote(key)}:`;
        written++;
        this.write(item, depth + 1);
        this.#spill();
      }
    } catch (error) {
      throw withStep(error, key);
    }
    this.text += written === 0 ? '{}' : '}';
  }
}

const describe = (error: Unrepresentable, value: unknown): TypeError => {
  const steps = error.steps.reverse();
  const what =
    error.problem === 'too deep'
      ? describeTooDeep(value, steps)
      : error.problem === 'an object with a symbol key'
        ? `${pathOf(steps)} has a symbol key`
        : `${pathOf(steps)} is ${error.problem}`;
  return new TypeError(`${what}; ${ADVICE}`);
};

/**
 * Canonical JSON of `value` (see `canonicalJson`) written in order: full chunks of about
 * `chunkChars` go to `flush` as they fill, and the rest is returned (`undefined` for `undefined`).
 * Without `flush`, the whole text is returned.
 *
 * @example
 * ```ts
 * const hash = createHash('sha256');
 * hash.update(writeCanonicalJson(payload, 'codeUnit', (chunk) => hash.update(chunk), 16_384) ?? 'null');
 * ```
 */
export const writeCanonicalJson = (
  value: unknown,
  order: KeyOrder,
  flush?: Flush,
  chunkChars = Number.POSITIVE_INFINITY,
): string | undefined => {
  if (value === undefined) return undefined;
  const writer = new CanonicalWriter(order, flush, chunkChars);
  try {
    writer.write(value, 0);
  } catch (error) {
    if (error instanceof Unrepresentable) throw describe(error, value);
    throw error;
  }
  return writer.text;
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
export const canonicalJson = (value: unknown, order: KeyOrder = 'codeUnit'): string | undefined =>
  writeCanonicalJson(value, order);
