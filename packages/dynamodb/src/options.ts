import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfigError } from '@oncely/core';
import { type AttributeNames, defaultAttributeNames, type PowertoolsFormat, type TableLayout } from './layout.js';

/**
 * Sort-key mode (Powertools' `sortKeyAttr` and `staticPkValue`).
 *
 * @example
 * ```ts
 * new DynamoDBStore({ tableName: 'shared', sortKey: { attribute: 'sk', partitionValue: 'idempotency' } });
 * ```
 */
export interface SortKeyOptions {
  /** The sort key attribute; holds the idempotency key. */
  attribute: string;
  /** Value of the partition key on every record. Default `'idempotency'`. */
  partitionValue?: string;
}

/**
 * Options of `DynamoDBStore`, checked once in its constructor.
 *
 * @example
 * ```ts
 * const options: DynamoDBStoreOptions = { tableName: 'idempotency', compressAboveBytes: 8192 };
 * ```
 */
export interface DynamoDBStoreOptions {
  tableName: string;
  /** A client to use; otherwise one is created from `clientConfig`. */
  client?: DynamoDBClient;
  /** Configuration of the client created when `client` is not given. */
  clientConfig?: DynamoDBClientConfig;
  /** Attribute names; defaults to the Powertools layout (`id`, `expiration`, ...) plus `owner`. */
  attributes?: Partial<AttributeNames>;
  /** Use a composite primary key: a static partition value and the idempotency key as sort key. */
  sortKey?: SortKeyOptions;
  /**
   * Results larger than this (UTF-8 bytes of their JSON) are stored brotli-compressed; smaller
   * ones only when compressing saves a write unit (a 1 KB step of the item). `Infinity` never
   * compresses, so Powertools can read every record. Default 4096.
   */
  compressAboveBytes?: number;
  /**
   * Share the table with Powertools for AWS Lambda: read and write `data` exactly as that
   * runtime's Powertools does (`typescript`: native DynamoDB values; `python`: JSON text), so
   * each side replays the other's results with the same type and value. Implies
   * `compressAboveBytes: Infinity`; with `sortKey`, `partitionValue` must be given. Default: none.
   */
  powertools?: PowertoolsFormat;
}

const optionNames = [
  'tableName',
  'client',
  'clientConfig',
  'attributes',
  'sortKey',
  'compressAboveBytes',
  'powertools',
];
const powertoolsFormats: readonly PowertoolsFormat[] = ['typescript', 'python'];
const DEFAULT_COMPRESS_ABOVE_BYTES = 4096;
const DEFAULT_PARTITION_VALUE = 'idempotency';

const fail = (message: string): never => {
  throw new IdempotencyConfigError(`DynamoDBStore: ${message}`);
};

const rejectUnknown = (value: object, allowed: readonly string[], where: string): void => {
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) fail(`unknown option ${where}${name}; allowed: ${allowed.join(', ')}`);
  }
};

const parseName = (value: unknown, option: string): string =>
  typeof value === 'string' && value !== ''
    ? value
    : fail(`${option} must be a non-empty string, got ${JSON.stringify(value)}`);

const parseAttributes = (input: Partial<AttributeNames> = {}): AttributeNames => {
  const allowed = Object.keys(defaultAttributeNames);
  rejectUnknown(input, allowed, 'attributes.');
  const names = { ...defaultAttributeNames, ...input };
  for (const [name, value] of Object.entries(names)) parseName(value, `attributes.${name}`);
  const values = Object.values(names);
  if (new Set(values).size !== values.length) fail(`attribute names must differ, got ${JSON.stringify(names)}`);
  return Object.freeze(names);
};

const parsePowertools = (value: unknown): PowertoolsFormat | undefined => {
  if (value === undefined || powertoolsFormats.includes(value as PowertoolsFormat)) {
    return value as PowertoolsFormat | undefined;
  }
  return fail(
    `powertools must be 'typescript' or 'python' (the Powertools runtime sharing the table), got ${JSON.stringify(value)}`,
  );
};

const parseSortKey = (
  input: SortKeyOptions | undefined,
  names: AttributeNames,
  powertools: PowertoolsFormat | undefined,
): TableLayout['sortKey'] => {
  if (input === undefined) return undefined;
  rejectUnknown(input, ['attribute', 'partitionValue'], 'sortKey.');
  const attribute = parseName(input.attribute, 'sortKey.attribute');
  if (Object.values(names).includes(attribute)) fail(`sortKey.attribute "${attribute}" is already a record attribute`);
  if (powertools !== undefined && input.partitionValue === undefined) {
    // Powertools' staticPkValue defaults to `idempotency#${AWS_LAMBDA_FUNCTION_NAME}`, ours to
    // 'idempotency': neither default is taken silently, since a mismatch puts every key elsewhere.
    const powertoolsDefault = `idempotency#${process.env.AWS_LAMBDA_FUNCTION_NAME ?? ''}`;
    fail(
      `sortKey.partitionValue is required with powertools: Powertools' default is "idempotency#<function name>"; ` +
        `pass sortKey: { attribute: '${attribute}', partitionValue: '${powertoolsDefault}' } here, or the staticPkValue you gave Powertools`,
    );
  }
  const partitionValue = parseName(input.partitionValue ?? DEFAULT_PARTITION_VALUE, 'sortKey.partitionValue');
  return Object.freeze({ attribute, partitionValue });
};

const parseCompressAboveBytes = (value: number | undefined, powertools: PowertoolsFormat | undefined): number => {
  if (powertools !== undefined) {
    if (value === undefined || value === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    return fail(
      `compressAboveBytes ${value} cannot be used with powertools: '${powertools}': Powertools cannot read ` +
        'compressed results; leave compressAboveBytes out (it is Infinity with powertools)',
    );
  }
  if (value === undefined) return DEFAULT_COMPRESS_ABOVE_BYTES;
  const valid =
    typeof value === 'number' && value >= 0 && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY);
  return valid ? value : fail(`compressAboveBytes must be an integer >= 0 or Infinity (never compress), got ${value}`);
};

/**
 * Checks the options once, at construction, and resolves the table layout the builders use.
 * Throws `IdempotencyConfigError` naming the option.
 *
 * @example
 * ```ts
 * const layout = resolveStoreOptions({ tableName: 'idempotency', sortKey: { attribute: 'sk' } });
 * ```
 */
export const resolveStoreOptions = (options: DynamoDBStoreOptions): TableLayout => {
  if (typeof options !== 'object' || options === null) return fail('options must be an object with a tableName');
  rejectUnknown(options, optionNames, '');
  if (options.client !== undefined && options.clientConfig !== undefined) {
    fail('give either client or clientConfig, not both');
  }
  const names = parseAttributes(options.attributes);
  const powertools = parsePowertools(options.powertools);
  return Object.freeze({
    tableName: parseName(options.tableName, 'tableName'),
    names,
    sortKey: parseSortKey(options.sortKey, names, powertools),
    compressAboveBytes: parseCompressAboveBytes(options.compressAboveBytes, powertools),
    powertools,
  });
};
