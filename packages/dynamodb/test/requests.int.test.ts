import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { countRequests, localClient, lockFor } from './fixtures';

const client = localClient();
const requests = countRequests(client);
let table: TestTable;
let store: DynamoDBStore;

beforeAll(async () => {
  table = await createTestTable(client);
  store = new DynamoDBStore({ tableName: table.tableName, client });
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

beforeEach(() => requests.reset());

describe('requests per operation', () => {
  it('costs one request to acquire a free key', async () => {
    await store.acquire(lockFor());

    expect(requests.sent).toEqual(['PutItemCommand']);
  });

  it('costs one request to replay a completed key, the record included', async () => {
    const lock = lockFor();
    await store.acquire(lock);
    await store.complete({ key: lock.key, owner: lock.owner, data: '{"id":42}', expiresAtSec: lock.expiresAtSec });
    requests.reset();

    const replay = await store.acquire(lockFor({ key: lock.key }));

    expect(replay).toMatchObject({ acquired: false, existing: { status: 'COMPLETED', data: '{"id":42}' } });
    expect(requests.sent).toEqual(['PutItemCommand']);
  });

  it('costs one request each to complete and to release', async () => {
    const done = lockFor();
    const abandoned = lockFor();
    await store.acquire(done);
    await store.acquire(abandoned);
    requests.reset();

    await store.complete({ key: done.key, owner: done.owner, data: '1', expiresAtSec: done.expiresAtSec });
    await store.release(abandoned.key, abandoned.owner);

    expect(requests.sent).toEqual(['UpdateItemCommand', 'DeleteItemCommand']);
  });
});
