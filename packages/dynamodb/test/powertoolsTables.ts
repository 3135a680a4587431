import { randomUUID } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent as powertoolsIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeIdempotent, type WaitWhenInProgress } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';

// One table, two libraries: Powertools TypeScript 2.35's DynamoDBPersistenceLayer (driven
// through its own makeIdempotent) and oncely's DynamoDBStore with powertools: 'typescript'.
// Keys meet when both use the same prefix (Powertools: the function name; oncely: keyPrefix),
// the same key path and MD5 (oncely's hash: 'md5'); validation hashes meet the same way.

/** Attribute names other than the defaults, on both sides. */
const customNames = {
  key: 'pk',
  expiration: 'ttl',
  inProgressExpiration: 'lock_until_ms',
  status: 'state',
  data: 'result',
  validation: 'payload_hash',
} as const;

export interface TableShape {
  name: string;
  /** Composite primary key: Powertools' `sortKeyAttr`, its `staticPkValue` left at its default. */
  sortKey?: string;
}

export const tableShapes: TableShape[] = [{ name: 'simple-key' }, { name: 'composite-key', sortKey: 'sk' }];

export interface Order {
  orderId: string;
  amount: number;
}

export type Side = 'powertools' | 'oncely';

export interface SharedOptions {
  /** oncely's whenInProgress. Default 'throw', as Powertools. */
  whenInProgress?: 'throw' | WaitWhenInProgress;
  /** Set oncely's `powertools: 'typescript'`. Default true; false shows what happens without it. */
  powertoolsFormat?: boolean;
}

/** A table of this file's own, with the key schema of `shape`, made before its tests. */
export const useSharedTable = (client: DynamoDBClient, shape: TableShape) => {
  let table: TestTable | undefined;
  beforeAll(async () => {
    table = await createTestTable(client, {
      partitionKey: customNames.key,
      ...(shape.sortKey === undefined ? {} : { sortKey: shape.sortKey }),
    });
  });
  afterAll(async () => {
    await table?.deleteTable();
  });
  const tableName = (): string => {
    if (table === undefined) throw new Error('useSharedTable: the table is made in beforeAll');
    return table.tableName;
  };

  /**
   * A Powertools handler and an oncely handler for one function name (so on the same keys),
   * keyed on `orderId` and validated on `amount`; each counts its own runs.
   */
  const handlers = <R>(produce: (side: Side, event: Order) => Promise<R> | R, options: SharedOptions = {}) => {
    const functionName = `orders-${randomUUID().slice(0, 8)}`;
    const runs = { powertools: 0, oncely: 0 };
    // Powertools reads the function name from the environment when its layer is built: its
    // key prefix and its default staticPkValue (`idempotency#<function name>`).
    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = functionName;
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: tableName(),
      awsSdkV3Client: client,
      keyAttr: customNames.key,
      expiryAttr: customNames.expiration,
      inProgressExpiryAttr: customNames.inProgressExpiration,
      statusAttr: customNames.status,
      dataAttr: customNames.data,
      validationKeyAttr: customNames.validation,
      ...(shape.sortKey === undefined ? {} : { sortKeyAttr: shape.sortKey }),
    });
    if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;

    const powertools = powertoolsIdempotent(
      async (event: Order, _context: unknown) => {
        runs.powertools++;
        return produce('powertools', event);
      },
      {
        persistenceStore,
        config: new IdempotencyConfig({ eventKeyJmesPath: 'orderId', payloadValidationJmesPath: 'amount' }),
      },
    );
    const store = new DynamoDBStore({
      tableName: tableName(),
      client,
      ...(options.powertoolsFormat === false ? {} : { powertools: 'typescript' as const }),
      attributes: customNames,
      ...(shape.sortKey === undefined
        ? {}
        : { sortKey: { attribute: shape.sortKey, partitionValue: `idempotency#${functionName}` } }),
    });
    const oncely = makeIdempotent(
      async (event: Order, _context?: unknown) => {
        runs.oncely++;
        return produce('oncely', event);
      },
      {
        store,
        key: 'orderId',
        validate: 'amount',
        hash: 'md5',
        keyPrefix: functionName,
        localCache: false,
        whenInProgress: options.whenInProgress ?? 'throw',
      },
    );
    return { powertools, oncely, runs, store, functionName };
  };

  return { handlers, tableName };
};

/** A fresh order. */
export const newOrder = (amount = 100): Order => ({ orderId: `o-${randomUUID()}`, amount });

/** Every kind of result a handler returns, as `[name, result]`. */
export const resultKinds: [string, unknown][] = [
  ['an object', { statusCode: 201, body: '{"id":"o-1"}', headers: { 'content-type': 'application/json' }, note: null }],
  ['an array', [1, 'two', { three: 3 }, null, [true]]],
  ['a string', 'captured'],
  ['the string "42"', '42'],
  ['the string "true"', 'true'],
  ['the string "null"', 'null'],
  ['an empty string', ''],
  ['a string of JSON', '{"statusCode":200}'],
  ['a number', 1767225600123.5],
  ['zero', 0],
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
  ['an empty object', {}],
  ['an empty array', []],
];
