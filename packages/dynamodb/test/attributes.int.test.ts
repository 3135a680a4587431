import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { storeContract } from '@oncely/core/testing';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { localClient, lockFor } from './fixtures';

const attributes = {
  key: 'pk',
  expiration: 'ttl',
  inProgressExpiration: 'lock_until_ms',
  status: 'state',
  data: 'result',
  validation: 'payload_hash',
  owner: 'holder',
};

const client = localClient();
let table: TestTable;
let store: DynamoDBStore;

beforeAll(async () => {
  table = await createTestTable(client, { partitionKey: 'pk' });
  store = new DynamoDBStore({ tableName: table.tableName, client, attributes });
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

describe('DynamoDBStore with renamed attributes', () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(store));

  it('writes every attribute under its configured name', async () => {
    const lock = lockFor({ validation: 'v-hash' });
    await store.acquire(lock);

    const { Item } = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: lock.key } } }),
    );

    expect(Item).toEqual({
      pk: { S: lock.key },
      ttl: { N: String(lock.expiresAtSec) },
      lock_until_ms: { N: String(lock.lockedUntilMs) },
      state: { S: 'INPROGRESS' },
      payload_hash: { S: 'v-hash' },
      holder: { S: lock.owner },
    });
  });

  it('writes the result under the configured data name on completion', async () => {
    const lock = lockFor();
    await store.acquire(lock);

    await store.complete({ key: lock.key, owner: lock.owner, data: '{"ok":true}', expiresAtSec: lock.expiresAtSec });

    const { Item } = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: lock.key } } }),
    );
    expect(Item?.result).toEqual({ S: '{"ok":true}' });
    expect(Item?.state).toEqual({ S: 'COMPLETED' });
    expect(Item?.lock_until_ms).toBeUndefined();
  });
});
