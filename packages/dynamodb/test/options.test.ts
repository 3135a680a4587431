import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfigError } from '@oncely/core';
import { DynamoDBStore, type DynamoDBStoreOptions } from '@oncely/dynamodb';
import { resolveStoreOptions } from '../src/options.js';

describe('DynamoDBStore options', () => {
  it.each<[string, unknown, RegExp]>([
    ['a missing tableName', {}, /tableName must be a non-empty string/],
    ['an unknown option', { tableName: 't', ttl: 5 }, /unknown option ttl/],
    ['an unknown attribute', { tableName: 't', attributes: { expiry: 'e' } }, /unknown option attributes\.expiry/],
    ['an empty attribute name', { tableName: 't', attributes: { status: '' } }, /attributes\.status/],
    ['two attributes with one name', { tableName: 't', attributes: { data: 'status' } }, /must differ/],
    ['a sort key named like an attribute', { tableName: 't', sortKey: { attribute: 'id' } }, /sortKey\.attribute "id"/],
    ['a negative compressAboveBytes', { tableName: 't', compressAboveBytes: -1 }, /compressAboveBytes/],
    ['both client and clientConfig', { tableName: 't', client: new DynamoDBClient({}), clientConfig: {} }, /not both/],
    [
      'an unknown Powertools runtime',
      { tableName: 't', powertools: 'java' },
      /powertools must be 'typescript' or 'python'/,
    ],
    [
      'compression with a Powertools format',
      { tableName: 't', powertools: 'typescript', compressAboveBytes: 4096 },
      /compressAboveBytes 4096 .*powertools: 'typescript'.* cannot read compressed results/,
    ],
    [
      'a sort key without partitionValue with a Powertools format',
      { tableName: 't', powertools: 'python', sortKey: { attribute: 'sk' } },
      /sortKey\.partitionValue is required with powertools: Powertools' default is "idempotency#<function name>"/,
    ],
  ])('rejects %s at construction', (_case, options, message) => {
    const construct = () => new DynamoDBStore(options as DynamoDBStoreOptions);

    expect(construct).toThrow(IdempotencyConfigError);
    expect(construct).toThrow(message);
  });

  it('creates its client from clientConfig when no client is given', () => {
    const store = new DynamoDBStore({ tableName: 't', clientConfig: { region: 'eu-west-1' } });

    expect(store.client).toBeInstanceOf(DynamoDBClient);
    expect(store.tableName).toBe('t');
  });

  it('uses the given client', () => {
    const client = new DynamoDBClient({ region: 'eu-west-1' });

    expect(new DynamoDBStore({ tableName: 't', client }).client).toBe(client);
  });

  it.each(['typescript', 'python'] as const)("never compresses with powertools: '%s'", (powertools) => {
    expect(resolveStoreOptions({ tableName: 't', powertools }).compressAboveBytes).toBe(Number.POSITIVE_INFINITY);
    expect(resolveStoreOptions({ tableName: 't', powertools, compressAboveBytes: Infinity }).powertools).toBe(
      powertools,
    );
  });

  it("names Powertools' default partition value for this function when partitionValue is missing", () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders';
    try {
      const construct = () =>
        new DynamoDBStore({ tableName: 't', powertools: 'typescript', sortKey: { attribute: 'sk' } });

      expect(construct).toThrow(/partitionValue: 'idempotency#orders'/);
    } finally {
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
  });

  it('keeps the sort key partition value given with a Powertools format', () => {
    const layout = resolveStoreOptions({
      tableName: 't',
      powertools: 'typescript',
      sortKey: { attribute: 'sk', partitionValue: 'idempotency#orders' },
    });

    expect(layout.sortKey).toEqual({ attribute: 'sk', partitionValue: 'idempotency#orders' });
  });
});
