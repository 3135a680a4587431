import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { storeContract } from '@oncely/core/testing';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { localClient, lockFor } from './fixtures';

const client = localClient();
let table: TestTable;
let store: DynamoDBStore;

beforeAll(async () => {
  table = await createTestTable(client, { sortKey: 'sk' });
  store = new DynamoDBStore({
    tableName: table.tableName,
    client,
    sortKey: { attribute: 'sk', partitionValue: 'payments' },
  });
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

describe('DynamoDBStore in sort-key mode', () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(store));

  it('keeps the static value in the partition key and the idempotency key in the sort key', async () => {
    const lock = lockFor();

    await store.acquire(lock);

    const { Item } = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { id: { S: 'payments' }, sk: { S: lock.key } } }),
    );
    expect(Item?.status).toEqual({ S: 'INPROGRESS' });
    expect(Item?.owner).toEqual({ S: lock.owner });
  });

  it('uses "idempotency" as partition value by default', async () => {
    const defaults = new DynamoDBStore({ tableName: table.tableName, client, sortKey: { attribute: 'sk' } });
    const lock = lockFor();

    await defaults.acquire(lock);

    const { Item } = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { id: { S: 'idempotency' }, sk: { S: lock.key } } }),
    );
    expect(Item).toBeDefined();
  });
});
