// What JSON cannot represent faithfully, found while canonical JSON is written, and the message
// that names its path.

/** Deeper than any real payload; a cycle reaches it quickly and is then traced back to its start. */
export const MAX_DEPTH = 512;

const ADVICE =
  'convert it to plain JSON before it is keyed (objects, arrays, strings, finite numbers, booleans, null; ' +
  'e.g. Object.fromEntries(map), [...set], a string or number for a class instance)';

/**
 * Thrown inside the walk and caught by each enclosing object on the way out, which adds its step:
 * the path costs nothing until something is wrong.
 */
export class Unrepresentable {
  readonly steps: (string | number)[] = [];
  constructor(readonly problem: string) {}
}

/** Adds the step (key or index) of the enclosing value to an `Unrepresentable` on its way out. */
export const withStep = (error: unknown, step: string | number): unknown => {
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

/** The `TypeError` a caller sees for an `Unrepresentable` found in `value`: its path, what it is, what to do. */
export const describe = (error: Unrepresentable, value: unknown): TypeError => {
  const steps = error.steps.reverse();
  const what =
    error.problem === 'too deep'
      ? describeTooDeep(value, steps)
      : error.problem === 'an object with a symbol key'
        ? `${pathOf(steps)} has a symbol key`
        : `${pathOf(steps)} is ${error.problem}`;
  return new TypeError(`${what}; ${ADVICE}`);
};

/** True for `Object.prototype` or null; another realm's Object.prototype (a vm context, a test runner) counts too. */
export const isPlainPrototype = (proto: unknown): boolean =>
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

/** Throws an `Unrepresentable` for a scalar JSON cannot keep; `undefined` passes (the caller decides). */
export const checkScalar = (input: unknown): void => {
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

/**
 * An object that is neither plain nor an array: a valid Date keys as its ISO string, the rest
 * throws an `Unrepresentable`.
 */
export const fromNonPlain = (input: object): string => {
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
