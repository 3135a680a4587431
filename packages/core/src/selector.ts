import { IdempotencyConfigError } from './errors.js';

const SELECTOR = Symbol.for('oncely.selector');

/**
 * A compiled way to pick part of a payload, for the `key` and `validate` options: built by
 * `jmespath()` from `@oncely/core/jmespath` (a dotted path string or a function need no helper).
 */
export interface PayloadSelector {
  /** Names the selection in messages, e.g. `jmespath("powertools_json(body).id")`. */
  readonly source: string;
  readonly select: (payload: unknown) => unknown;
  readonly [SELECTOR]: true;
}

/**
 * A selector for `key` or `validate`; `source` names it in messages. Used by `jmespath()`.
 *
 * @example
 * ```ts
 * const selector = payloadSelector('first line', (event) => event.lines[0]);
 * ```
 */
export const payloadSelector = (source: string, select: (payload: unknown) => unknown): PayloadSelector =>
  Object.freeze({ source, select, [SELECTOR]: true as const });

// Works across copies of this package (ESM next to CJS): the symbol is registered.
export const isPayloadSelector = (value: unknown): value is PayloadSelector =>
  typeof value === 'object' && value !== null && (value as PayloadSelector)[SELECTOR] === true;

// Segments of a dotted path: anything but JMESPath's syntax and white space, so that a JMESPath
// expression given as a plain string is caught at construction instead of selecting nothing.
const segment = /^[^\s.()[\]{}|*@&!=<>,:?'"`\\]+$/;

/**
 * True for what the `key` and `validate` options take as a dotted path (no JMESPath syntax).
 *
 * @example
 * ```ts
 * isDottedPath('lines.0.sku'); // true
 * isDottedPath('powertools_json(body).id'); // false
 * ```
 */
export const isDottedPath = (path: string): boolean =>
  path !== '' && path.split('.').every((name) => segment.test(name));

/**
 * Compiles a dotted path (`'body.orderId'`, `'detail.lines.0.sku'`) into a selector: own
 * properties only, `undefined` where the path leads nowhere. No JMESPath involved.
 *
 * @example
 * ```ts
 * dottedPath('key', 'body.orderId').select({ body: { orderId: 'o-1' } }); // 'o-1'
 * ```
 */
export const dottedPath = (option: string, path: string): PayloadSelector => {
  if (path.split('.').includes('')) {
    throw new IdempotencyConfigError(
      `Option "${option}" is ${JSON.stringify(path)}, which has an empty segment; write the path as "body.orderId".`,
    );
  }
  if (!isDottedPath(path)) {
    const expression = JSON.stringify(path);
    throw new IdempotencyConfigError(
      `Option "${option}" is ${expression}, which is not a dotted path such as "body.orderId". ` +
        `For a JMESPath expression use ${option}: jmespath(${expression}) with ` +
        "import { jmespath } from '@oncely/core/jmespath'.",
    );
  }
  const names = path.split('.');
  const select =
    names.length === 1
      ? (payload: unknown) => child(payload, path)
      : (payload: unknown) => {
          let value = payload;
          for (const name of names) value = child(value, name);
          return value;
        };
  return payloadSelector(JSON.stringify(path), select);
};

const child = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
