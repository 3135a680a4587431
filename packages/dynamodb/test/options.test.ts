import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfigError } from '@oncely/core';
import { DynamoDBStore, type DynamoDBStoreOptions } from '@oncely/dynamodb';

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
});
