import { IdempotencyPersistenceError } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { countRequests, injectFault, localClient, lockFor, serverError, throttlingError } from './fixtures';

const setupClient = localClient();
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable(setupClient);
});

afterAll(async () => {
  await table.deleteTable();
  setupClient.destroy();
});

/** A store on its own client, so faults injected into it stay in one test. */
const storeWithClient = (maxAttempts: number) => {
  const client = localClient({ maxAttempts });
  return { client, store: new DynamoDBStore({ tableName: table.tableName, client }) };
};

describe('an ambiguous lock write', () => {
  it('is acquired when the SDK retries its own write that DynamoDB had applied', async () => {
    const { client, store } = storeWithClient(3);
    const requests = countRequests(client);
    injectFault(client, { command: 'PutItemCommand', when: 'after', error: serverError });
    const lock = lockFor();

    const result = await store.acquire(lock);

    expect(result).toEqual({ acquired: true });
    expect(requests.sent).toEqual(['PutItemCommand', 'PutItemCommand']);
    expect((await store.get(lock.key))?.owner).toBe(lock.owner);
    client.destroy();
  });

  it('fails saying the write may have been applied, and a retry by the same owner acquires', async () => {
    const { client, store } = storeWithClient(1);
    injectFault(client, { command: 'PutItemCommand', when: 'after', error: serverError });
    const lock = lockFor();

    const first = store.acquire(lock);

    await expect(first).rejects.toThrow(IdempotencyPersistenceError);
    await expect(first).rejects.toThrow(/may have been applied/);
    expect(await store.acquire(lock)).toEqual({ acquired: true });
    client.destroy();
  });

  it('still conflicts for another owner', async () => {
    const { client, store } = storeWithClient(1);
    injectFault(client, { command: 'PutItemCommand', when: 'after', error: serverError });
    const lock = lockFor();
    await expect(store.acquire(lock)).rejects.toThrow(IdempotencyPersistenceError);

    const other = await store.acquire(lockFor({ key: lock.key }));

    expect(other).toMatchObject({ acquired: false, existing: { owner: lock.owner } });
    client.destroy();
  });
});

describe('throttling', () => {
  it('is thrown as IdempotencyPersistenceError with the key and the original error as cause', async () => {
    const { client, store } = storeWithClient(1);
    const thrown: Error[] = [];
    injectFault(client, {
      command: 'PutItemCommand',
      when: 'before',
      error: () => {
        const error = throttlingError();
        thrown.push(error);
        return error;
      },
    });
    const lock = lockFor();

    const error = await store.acquire(lock).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(error).toMatchObject({ key: lock.key, message: expect.stringMatching(/throttled/) });
    expect((error as Error).cause).toBe(thrown[0]);
    client.destroy();
  });
});

describe('a missing table', () => {
  it('is reported with the table name and how to create it', async () => {
    const store = new DynamoDBStore({ tableName: 'no-such-table', client: setupClient });
    const lock = lockFor();

    const acquiring = store.acquire(lock);

    await expect(acquiring).rejects.toThrow(IdempotencyPersistenceError);
    await expect(acquiring).rejects.toThrow(/table "no-such-table" not found; create it with createIdempotencyTable/);
    await expect(acquiring).rejects.toMatchObject({ key: lock.key, cause: { name: 'ResourceNotFoundException' } });
  });

  it('is reported by get too', async () => {
    const store = new DynamoDBStore({ tableName: 'no-such-table', client: setupClient });

    await expect(store.get('k')).rejects.toThrow(/not found/);
  });
});

describe('attribute options that do not match the table', () => {
  it('are reported as a mismatch with the key schema', async () => {
    const store = new DynamoDBStore({ tableName: table.tableName, client: setupClient, attributes: { key: 'pk' } });

    await expect(store.acquire(lockFor())).rejects.toThrow(/does not match the table/);
  });
});

describe('a completion after an ambiguous success', () => {
  it('is accepted when the SDK retries it', async () => {
    const { client, store } = storeWithClient(3);
    const lock = lockFor();
    await store.acquire(lock);
    injectFault(client, { command: 'UpdateItemCommand', when: 'after', error: serverError });

    const outcome = await store.complete({
      key: lock.key,
      owner: lock.owner,
      data: '"done"',
      expiresAtSec: lock.expiresAtSec,
    });

    expect(outcome).toBe('ok');
    expect((await store.get(lock.key))?.data).toBe('"done"');
    client.destroy();
  });
});
