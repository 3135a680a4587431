import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type IdempotencyLogger, silentLogger } from '@oncely/core';
import { WritePatternUsageError } from './errors.js';

// The patterns' options are checked like DynamoDBStore's (src/options.ts): unknown keys refused
// with the known ones listed, each value checked, each failure naming the option, the value and
// what is allowed. The errors are WritePatternUsageError, not IdempotencyConfigError: the patterns
// are not idempotency configuration, and a caller tells their errors apart by that base class.

/**
 * A value as a message shows it: strings quoted, objects by kind only (they may hold data).
 *
 * @example
 * ```ts
 * describeValue('7'); // '"7"'
 * describeValue({ S: 'a' }); // 'an object'
 * ```
 */
export const describeValue = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
};

/**
 * Throws the `WritePatternUsageError` for one option: `<where>: <option> must be <allowed>, got <value>`.
 *
 * @example
 * ```ts
 * refuse('EventLog', 'maxAttempts', 0, 'an integer of at least 1');
 * ```
 */
export const refuse = (where: string, option: string, value: unknown, allowed: string): never => {
  throw new WritePatternUsageError(`${where}: ${option} must be ${allowed}, got ${describeValue(value)}`, { option });
};

/**
 * True for an object that is not an array (an options object, an attribute value).
 *
 * @example
 * ```ts
 * isPlainObject({ S: 'a' }); // true
 * ```
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that `value` is an object with only the `allowed` keys (`prefix` for nested options).
 *
 * @example
 * ```ts
 * checkKnownKeys('updateOnce', strategy, ['kind', 'attribute', 'maxTokens'], 'strategy.');
 * ```
 */
export function checkKnownKeys(
  where: string,
  value: unknown,
  allowed: readonly string[],
  prefix = '',
): asserts value is Record<string, unknown> {
  if (!isPlainObject(value)) refuse(where, prefix === '' ? 'options' : prefix.slice(0, -1), value, 'an object');
  for (const name of Object.keys(value as object)) {
    if (!allowed.includes(name)) {
      throw new WritePatternUsageError(`${where}: unknown option ${prefix}${name}; allowed: ${allowed.join(', ')}`, {
        option: `${prefix}${name}`,
      });
    }
  }
}

/**
 * A non-empty string option (a table or attribute name), or `fallback` when it is left out.
 *
 * @example
 * ```ts
 * const sortKey = parseName('EventLog', 'sortKey', options.sortKey, 'seq');
 * ```
 */
export const parseName = (where: string, option: string, value: unknown, fallback?: string): string => {
  if (value === undefined && fallback !== undefined) return fallback;
  return typeof value === 'string' && value !== '' ? value : refuse(where, option, value, 'a non-empty string');
};

/**
 * A positive integer option (tries, a set size), or `fallback` when it is left out.
 *
 * @example
 * ```ts
 * const maxAttempts = parseCount('EventLog', 'maxAttempts', options.maxAttempts, 5);
 * ```
 */
export const parseCount = (where: string, option: string, value: unknown, fallback?: number): number => {
  if (value === undefined && fallback !== undefined) return fallback;
  return Number.isSafeInteger(value) && (value as number) >= 1
    ? (value as number)
    : refuse(where, option, value, 'an integer of at least 1');
};

/**
 * The `client` option: a `DynamoDBClient`, or anything with its `send`.
 *
 * @example
 * ```ts
 * const client = parseClient('EventLog', options.client);
 * ```
 */
export const parseClient = (where: string, value: unknown): DynamoDBClient =>
  isPlainObject(value) && typeof value.send === 'function'
    ? (value as unknown as DynamoDBClient)
    : refuse(where, 'client', value, 'a DynamoDBClient (an object with send)');

const logMethods = ['debug', 'info', 'warn', 'error'] as const;

/**
 * The `logger` option, silent when left out.
 *
 * @example
 * ```ts
 * const logger = parseLogger('EventLog', options.logger);
 * ```
 */
export const parseLogger = (where: string, value: unknown): IdempotencyLogger => {
  if (value === undefined) return silentLogger;
  const complete = isPlainObject(value) && logMethods.every((method) => typeof value[method] === 'function');
  return complete
    ? (value as unknown as IdempotencyLogger)
    : refuse(where, 'logger', value, 'an object with debug, info, warn and error methods (the Powertools Logger fits)');
};

/**
 * Checks an attribute map (an item, a key, expression values): an object of attribute values
 * such as `{ S: 'acct-1' }`; `nonEmpty` for a key.
 *
 * @example
 * ```ts
 * checkAttributeMap('putIfNewer', 'key', options.key, { nonEmpty: true });
 * ```
 */
export const checkAttributeMap = (where: string, option: string, value: unknown, { nonEmpty = false } = {}): void => {
  if (!isPlainObject(value) || (nonEmpty && Object.keys(value).length === 0)) {
    refuse(where, option, value, `${nonEmpty ? 'a non-empty' : 'an'} object of attribute values`);
  }
  for (const [name, attribute] of Object.entries(value as Record<string, unknown>)) {
    if (!isPlainObject(attribute)) {
      refuse(where, `${option}.${name}`, attribute, "an attribute value such as { S: 'text' } or { N: '1' }");
    }
  }
};

/**
 * The `client`, `tableName` and `logger` every single-table pattern takes.
 *
 * @example
 * ```ts
 * checkWriteTarget('putIfNewer', options);
 * ```
 */
export const checkWriteTarget = (where: string, options: Record<string, unknown>): void => {
  parseClient(where, options.client);
  parseName(where, 'tableName', options.tableName);
  parseLogger(where, options.logger);
};

/**
 * True when an option is given: present with a value other than `undefined`.
 *
 * @example
 * ```ts
 * if (given(options, 'item') === given(options, 'set')) refuse(...);
 * ```
 */
export const given = (options: Record<string, unknown>, name: string): boolean => options[name] !== undefined;
