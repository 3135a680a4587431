import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { putIfNewer, UnexpectedItemError, WriteFailedError } from '@oncely/dynamodb/patterns';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { injectFault, localClient, serverError } from '../fixtures';
import { recordingLogger } from './patternFixtures';

const client = localClient();
let table: TestTable;
let n = 0;
const freshKey = () => ({ id: { S: `acct-${++n}-${Date.now()}` } });

beforeAll(async () => {
  table = await createTestTable(client);
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

const stored = async (key: Record<string, { S: string }>) =>
  (await client.send(new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item;

const put = (key: { id: { S: string } }, version: number | bigint, balance: number) =>
  putIfNewer({ client, tableName: table.tableName, key, version, item: { balance: { N: String(balance) } } });

describe('putIfNewer as a full put', () => {
  it('writes a new key with its version', async () => {
    const key = freshKey();

    const outcome = await put(key, 1, 100);

    expect(outcome).toEqual({ status: 'written' });
    expect(await stored(key)).toEqual({ ...key, version: { N: '1' }, balance: { N: '100' } });
  });

  it('overwrites a lower version', async () => {
    const key = freshKey();
    await put(key, 1, 100);

    const outcome = await put(key, 2, 80);

    expect(outcome).toEqual({ status: 'written' });
    expect((await stored(key))?.balance).toEqual({ N: '80' });
  });

  it('skips a redelivered record as a duplicate, and a lower version as stale, keeping the item', async () => {
    const key = freshKey();
    await put(key, 5, 50);

    const duplicate = await put(key, 5, 999);
    const stale = await put(key, 3, 30);

    expect(duplicate).toEqual({ status: 'skipped', reason: 'duplicate', storedVersion: 5 });
    expect(stale).toEqual({ status: 'skipped', reason: 'stale', storedVersion: 5 });
    expect((await stored(key))?.balance).toEqual({ N: '50' });
  });

  it('keeps the newest state of a shuffled stream with duplicates, reporting each skip with its reason', async () => {
    const key = freshKey();
    const stream = [3, 1, 3, 2, 5, 4, 5, 1];

    const outcomes = [];
    for (const version of stream) outcomes.push(await put(key, version, version * 10));

    expect(outcomes.map((o) => (o.status === 'written' ? 'written' : o.reason))).toEqual([
      'written', // 3
      'stale', // 1
      'duplicate', // 3
      'stale', // 2
      'written', // 5
      'stale', // 4
      'duplicate', // 5
      'stale', // 1
    ]);
    expect(await stored(key)).toMatchObject({ version: { N: '5' }, balance: { N: '50' } });
  });

  it('compares versions beyond 2^53 exactly, as bigint', async () => {
    const key = freshKey();
    const big = 49_590_338_271_490_256_608_559_692_538n;
    await put(key, big, 1);

    const duplicate = await put(key, big, 2);
    const newer = await put(key, big + 1n, 3);

    expect(duplicate).toEqual({ status: 'skipped', reason: 'duplicate', storedVersion: big });
    expect(newer).toEqual({ status: 'written' });
  });

  it('logs a skip at debug with the key, the reason and both versions', async () => {
    const key = freshKey();
    const logger = recordingLogger();
    await put(key, 2, 20);

    await putIfNewer({ client, tableName: table.tableName, key, version: 1, item: {}, logger });

    expect(logger.lines).toEqual([
      {
        level: 'debug',
        message: 'putIfNewer skipped a stale write',
        extra: [{ key: `id=${key.id.S}`, tableName: table.tableName, version: '1', storedVersion: '2' }],
      },
    ]);
  });
});

describe('putIfNewer as an update of listed attributes', () => {
  it('sets only the listed attributes and the version, keeping the others', async () => {
    const key = freshKey();
    await client.send(new PutItemCommand({ TableName: table.tableName, Item: { ...key, owner: { S: 'ana' } } }));

    const first = await putIfNewer({
      client,
      tableName: table.tableName,
      key,
      version: 1,
      set: { balance: { N: '7' } },
    });
    const stale = await putIfNewer({
      client,
      tableName: table.tableName,
      key,
      version: 0,
      set: { balance: { N: '0' } },
    });

    expect(first).toEqual({ status: 'written' });
    expect(stale).toMatchObject({ status: 'skipped', reason: 'stale' });
    expect(await stored(key)).toEqual({ ...key, owner: { S: 'ana' }, balance: { N: '7' }, version: { N: '1' } });
  });
});

describe('putIfNewer after an ambiguous failure', () => {
  it('reports the write its own SDK retry found applied as a duplicate, with the item written once', async () => {
    const faulty = localClient({ maxAttempts: 3 });
    injectFault(faulty, { command: 'PutItemCommand', when: 'after', error: serverError });
    const key = freshKey();

    const outcome = await putIfNewer({ client: faulty, tableName: table.tableName, key, version: 1, item: {} });

    expect(outcome).toMatchObject({ status: 'skipped', reason: 'duplicate' });
    expect((await stored(key))?.version).toEqual({ N: '1' });
    faulty.destroy();
  });

  it('throws WriteFailedError marked maybeApplied when the SDK has no retries left', async () => {
    const faulty = localClient({ maxAttempts: 1 });
    injectFault(faulty, { command: 'UpdateItemCommand', when: 'after', error: serverError });
    const key = freshKey();

    const writing = putIfNewer({ client: faulty, tableName: table.tableName, key, version: 1, set: { a: { S: 'x' } } });

    await expect(writing).rejects.toBeInstanceOf(WriteFailedError);
    await expect(writing).rejects.toMatchObject({
      maybeApplied: true,
      message: expect.stringMatching(/may have been applied/),
    });
    faulty.destroy();
  });
});

describe('putIfNewer failures', () => {
  it('throws UnexpectedItemError when the stored version is not a number', async () => {
    const key = freshKey();
    await client.send(new PutItemCommand({ TableName: table.tableName, Item: { ...key, version: { S: 'v9' } } }));

    await expect(put(key, 1, 1)).rejects.toBeInstanceOf(UnexpectedItemError);
  });

  it('throws WriteFailedError naming the table when it does not exist', async () => {
    const writing = putIfNewer({ client, tableName: 'no-such-table', key: freshKey(), version: 1, item: {} });

    await expect(writing).rejects.toThrow(/table "no-such-table" failed \(ResourceNotFoundException.*does not exist/);
    await expect(writing).rejects.toMatchObject({ maybeApplied: false });
  });
});
