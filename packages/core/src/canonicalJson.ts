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
  /** As UTF-8. */
  readonly openings: readonly Uint8Array[];
}

const toUtf8 = new TextEncoder();

// Shapes already worked out, per key order, shared by every call: sorting a shape's keys and
// quoting them took a third of the canonical JSON of a 1 KB order. Pure data, never per call.
const MAX_KNOWN_SHAPES = 32;
const knownByCodeUnit: Shape[] = [];
const knownCaseInsensitive: Shape[] = [];

/** Takes each full buffer of canonical JSON as UTF-8 bytes (never inside a character); valid only during the call. */
type Flush = (bytes: Uint8Array) => void;

// Room for one more text of `chars` UTF-16 code units: at most 3 UTF-8 bytes each (a surrogate
// pair is 2 units for 4 bytes), and the text's quotes.
const utf8Room = (chars: number): number => chars * 3 + 2;

// A buffer of this size is kept between calls (they never overlap: the writer is synchronous, and
// a call made while one runs, from a getter in a payload, gets a buffer of its own). A payload
// longer than that reaches a hash in pieces of this size.
const BUFFER_BYTES = 64 * 1024;
let spareBuffer: Uint8Array | undefined;

// Writes canonical JSON by hand as UTF-8 into a byte buffer, handing full buffers to `flush` (a
// hash takes the bytes as they are, so the text is never built as a string and then encoded: the
// hash of a 128 KB order took 650-750 µs through strings, 440 through bytes). Object keys are
// quoted once per shape: arrays of records share one, so most objects cost a key comparison per property.
class CanonicalWriter {
  bytes: Uint8Array;
  length = 0;
  // The keys of the last object seen and their members' openings (`{"a":`, `,"b":`) in
  // canonical order, with the keys in that order.
  #lastKeys: readonly string[] = [];
  #openings: readonly Uint8Array[] = [];
  #ordered: readonly string[] = [];
  readonly #codeUnit: boolean;
  readonly #compare: Compare;
  readonly #flush: Flush | undefined;

  constructor(order: KeyOrder, flush: Flush | undefined, bytes: Uint8Array) {
    this.#codeUnit = order === 'codeUnit';
    this.#compare = this.#codeUnit ? byCodeUnit : caseInsensitive;
    this.#flush = flush;
    this.bytes = bytes;
  }

  // Makes room for `bytes` more: hands the full buffer to `flush`, or grows it.
  #reserve(bytes: number): void {
    if (this.length + bytes <= this.bytes.length) return;
    if (this.#flush !== undefined && this.length > 0) {
      this.#flush(this.bytes.subarray(0, this.length));
      this.length = 0;
      if (bytes <= this.bytes.length) return;
    }
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + bytes));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  #copy(source: Uint8Array): void {
    this.#reserve(source.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let index = 0; index < source.length; index++) bytes[at++] = source[index] as number;
    this.length = at;
  }

  // A number as JSON.stringify writes it; the digits of a safe integer without a string.
  #number(value: number): void {
    if (!Number.isSafeInteger(value)) {
      this.#text(`${value}`);
      return;
    }
    this.#reserve(17); // 2 ** 53 has 16 digits, and a sign
    const bytes = this.bytes;
    let rest = value;
    if (rest < 0) {
      bytes[this.length++] = 0x2d; // -
      rest = -rest;
    }
    let digits = 1;
    for (let bound = 10; bound <= rest; bound *= 10) digits++;
    const end = this.length + digits;
    for (let at = end - 1; at >= this.length; at--) {
      bytes[at] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length = end;
  }

  #byte(code: number): void {
    if (this.length === this.bytes.length) this.#reserve(1);
    this.bytes[this.length++] = code;
  }

  // Text that is already JSON (a number, a quoted key, a string JSON.stringify escaped), as UTF-8.
  // It holds no lone surrogate: JSON.stringify escapes them, and `quote` sends every string with
  // a surrogate through it.
  #text(text: string): void {
    this.#reserve(utf8Room(text.length));
    const bytes = this.bytes;
    let at = this.length;
    for (let index = 0; index < text.length; index++) {
      let code = text.charCodeAt(index);
      if (code < 0x80) {
        bytes[at++] = code;
      } else if (code < 0x800) {
        bytes[at++] = 0xc0 | (code >> 6);
        bytes[at++] = 0x80 | (code & 0x3f);
      } else if (code >= 0xd800 && code <= 0xdbff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(++index) - 0xdc00);
        bytes[at++] = 0xf0 | (code >> 18);
        bytes[at++] = 0x80 | ((code >> 12) & 0x3f);
        bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[at++] = 0x80 | (code & 0x3f);
      } else {
        bytes[at++] = 0xe0 | (code >> 12);
        bytes[at++] = 0x80 | ((code >> 6) & 0x3f);
        bytes[at++] = 0x80 | (code & 0x3f);
      }
    }
    this.length = at;
  }

  // A string value between quotes. Plain ASCII (most payload strings) is copied as it is scanned;
  // anything else is written as JSON.stringify quotes it, like `quote`.
  #string(text: string): void {
    this.#reserve(utf8Room(text.length));
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = 0x22;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code < 0x20 || code === 0x22 || code === 0x5c || code >= 0x80) {
        this.#text(quote(text));
        return;
      }
      bytes[at++] = code;
    }
    bytes[at++] = 0x22;
    this.length = at;
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
    const openings = ordered.map((key, index) => toUtf8.encode(`${index === 0 ? '{' : ','}${quote(key)}:`));
    return { keys: keys.slice(), ordered, openings };
  }

  write(input: unknown, depth: number): void {
    switch (typeof input) {
      case 'string':
        this.#string(input);
        return;
      case 'number':
        if (!Number.isFinite(input)) throw new Unrepresentable(String(input));
        this.#number(input);
        return;
      case 'boolean':
        this.#text(input ? 'true' : 'false');
        return;
      case 'object':
        break;
      default:
        checkScalar(input);
        return;
    }
    if (input === null) {
      this.#text('null');
      return;
    }
    if (depth > MAX_DEPTH) throw new Unrepresentable('too deep');
    if (Array.isArray(input)) {
      this.#array(input, depth);
      return;
    }
    if (!isPlainPrototype(Object.getPrototypeOf(input))) {
      this.#string(fromNonPlain(input));
      return;
    }
    this.#object(input as Record<string, unknown>, depth);
  }

  #array(input: readonly unknown[], depth: number): void {
    let index = 0;
    try {
      this.#byte(0x5b); // [
      for (; index < input.length; index++) {
        const item = input[index];
        if (item === undefined) throw new Unrepresentable(index in input ? 'undefined' : 'a hole');
        if (index > 0) this.#byte(0x2c); // ,
        this.write(item, depth + 1);
      }
      this.#byte(0x5d); // ]
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
        if ((written === 0) === (index === 0)) this.#copy(openings[index] as Uint8Array);
        else this.#text(`${written === 0 ? '{' : ','}${quote(key)}:`);
        written++;
        this.write(item, depth + 1);
      }
    } catch (error) {
      throw withStep(error, key);
    }
    if (written === 0) this.#byte(0x7b); // {
    this.#byte(0x7d); // }
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
  const writer = new CanonicalWriter(order, flush, spareBuffer ?? new Uint8Array(BUFFER_BYTES));
  spareBuffer = undefined;
  try {
    writer.write(value, 0);
  } catch (error) {
    if (error instanceof Unrepresentable) throw describe(error, value);
    throw error;
  } finally {
    if (writer.bytes.length <= BUFFER_BYTES) spareBuffer = writer.bytes;
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
