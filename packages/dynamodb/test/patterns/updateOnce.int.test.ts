import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type ApplyOnceStrategy,
  ConditionFailedError,
  TokenSetFullError,
  updateOnce,
  WriteFailedError,
} from '@oncely/dynamodb/patterns';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { injectFault, localClient, serverError } from '../fixtures';
import { recordingLogger } from './patternFixtures';

const client = localClient();
let table: TestTable;
let n = 0;
const freshKey = () => ({ id: { S: `counter-${++n}-${Date.now()}` } });

beforeAll(async () => {
  table = await createTestTable(client);
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

const increment = { expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': { N: '1' } } };

const countOf = async (key: { id: { S: string } }, on = client) => {
  const { Item } = await on.send(new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }));
  return Item?.count?.N === undefined ? 0 : Number(Item.count.N);
};

const countOfIn = async (tableName: string, key: Record<string, { S: string }>) => {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return Item?.count?.N === undefined ? 0 : Number(Item.count.N);
};

const strategies: [string, ApplyOnceStrategy][] = [
  ['token-set', { kind: 'token-set', maxTokens: 64 }],
  ['token-item', { kind: 'token-item', ttlSeconds: 3600 }],
];

describe.each(strategies)('updateOnce with the %s strategy', (_, strategy) => {
  const bump = (key: { id: { S: string } }, changeId: string, on = client) =>
    updateOnce({ client: on, tableName: table.tableName, key, update: increment, changeId, strategy });

  it('applies a change id once and reports the repeat as already-applied', async () => {
    const key = freshKey();

    const first = await bump(key, 'c1');
    const again = await bump(key, 'c1');
    const other = await bump(key, 'c2');

    expect([first.status, again.status, other.status]).toEqual(['applied', 'already-applied', 'applied']);
    expect(await countOf(key)).toBe(2);
  });

  it('moves the counter exactly 50 times for 200 concurrent calls with 50 distinct change ids', async () => {
    const key = freshKey();
    const calls = Array.from({ length: 200 }, (_, i) => `change-${i % 50}`);

    const outcomes = await Promise.all(calls.map((changeId) => bump(key, changeId)));

    expect(await countOf(key)).toBe(50);
    expect(outcomes.filter((o) => o.status === 'applied')).toHaveLength(50);
    expect(outcomes.filter((o) => o.status === 'already-applied')).toHaveLength(150);
  });

  it('reports a caller retry after an ambiguous 5xx (applied, then 500) as already-applied, the counter moved once', async () => {
    const faulty = localClient({ maxAttempts: 1 });
    const command = strategy.kind === 'token-set' ? 'UpdateItemCommand' : 'TransactWriteItemsCommand';
    injectFault(faulty, { command, when: 'after', error: serverError });
    const key = freshKey();

    const first = bump(key, 'c1', faulty);
    await expect(first).rejects.toBeInstanceOf(WriteFailedError);
    await expect(first).rejects.toMatchObject({ maybeApplied: true });
    const retry = await bump(key, 'c1', faulty);

    expect(retry).toEqual({ status: 'already-applied' });
    expect(await countOf(key)).toBe(1);
    faulty.destroy();
  });

  it('keeps the counter exact when the SDK itself retries after every write was applied then failed', async () => {
    const faulty = localClient({ maxAttempts: 3 });
    const command = strategy.kind === 'token-set' ? 'UpdateItemCommand' : 'TransactWriteItemsCommand';
    const key = freshKey();

    const outcomes = [];
    for (const changeId of ['a', 'b', 'c', 'd', 'e']) {
      injectFault(faulty, { command, when: 'after', error: serverError });
      outcomes.push(await bump(key, changeId, faulty));
    }

    expect(await countOf(key)).toBe(5);
    // token-set: the retry finds its own token. token-item: the retry carries the SDK's client request
    // token, so DynamoDB answers it as the committed transaction it was.
    const expected = strategy.kind === 'token-set' ? 'already-applied' : 'applied';
    expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill(expected));
    faulty.destroy();
  });

  it('throws ConditionFailedError for a false caller condition and leaves the change id free', async () => {
    const key = freshKey();
    const capped = {
      ...increment,
      condition: 'attribute_not_exists(#count) OR #count < :cap',
      values: { ...increment.values, ':cap': { N: '1' } },
    };
    await updateOnce({ client, tableName: table.tableName, key, update: capped, changeId: 'first', strategy });

    const refused = updateOnce({
      client,
      tableName: table.tableName,
      key,
      update: capped,
      changeId: 'second',
      strategy,
    });

    await expect(refused).rejects.toBeInstanceOf(ConditionFailedError);
    await expect(refused).rejects.toMatchObject({ item: expect.objectContaining({ count: { N: '1' } }) });
    expect(await bump(key, 'second')).toEqual({ status: 'applied' });
    expect(await countOf(key)).toBe(2);
  });

  it('logs an already-applied change at debug with the key and change id', async () => {
    const key = freshKey();
    const logger = recordingLogger();
    await bump(key, 'c1');

    await updateOnce({ client, tableName: table.tableName, key, update: increment, changeId: 'c1', strategy, logger });

    expect(logger.lines).toEqual([
      {
        level: 'debug',
        message: 'updateOnce: change already applied, nothing done',
        extra: [{ key: `id=${key.id.S}`, tableName: table.tableName, changeId: 'c1' }],
      },
    ]);
  });
});

describe('the token-set strategy', () => {
  const strategy: ApplyOnceStrategy = { kind: 'token-set', attribute: 'applied', maxTokens: 3 };
  const bump = (key: { id: { S: string } }, changeId: string) =>
    updateOnce({ client, tableName: table.tableName, key, update: increment, changeId, strategy });

  it('refuses a change once the set is full, with a clear error, applying nothing', async () => {
    const key = freshKey();
    for (const changeId of ['a', 'b', 'c']) await bump(key, changeId);

    const full = bump(key, 'd');

    await expect(full).rejects.toBeInstanceOf(TokenSetFullError);
    await expect(full).rejects.toThrow(/already records 3 applied changes \(maxTokens 3\).*token-item strategy/);
    expect(await countOf(key)).toBe(3);
  });

  it('still answers a retry of a recorded change as already-applied when the set is full', async () => {
    const key = freshKey();
    for (const changeId of ['a', 'b', 'c']) await bump(key, changeId);

    expect(await bump(key, 'b')).toEqual({ status: 'already-applied' });
  });

  it('keeps the change ids in the named string-set attribute', async () => {
    const key = freshKey();
    await bump(key, 'a');

    const { Item } = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
    );

    expect(Item?.applied).toEqual({ SS: ['a'] });
  });
});

describe('the token-item strategy', () => {
  it('writes one token item per change, expiring after ttlSeconds', async () => {
    const key = freshKey();
    const beforeSec = Math.floor(Date.now() / 1000);

    await updateOnce({
      client,
      tableName: table.tableName,
      key,
      update: increment,
      changeId: 'c1',
      strategy: { kind: 'token-item', ttlSeconds: 600 },
    });

    const tokenKey = { id: { S: `change#${JSON.stringify([table.tableName, { id: key.id }, 'c1'])}` } };
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table.tableName, Key: tokenKey, ConsistentRead: true }),
    );
    const expiresAtSec = Number(Item?.expiration?.N);
    expect(expiresAtSec).toBeGreaterThanOrEqual(beforeSec + 600);
    expect(expiresAtSec).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
    expect(Item?.changeId).toEqual({ S: 'c1' });
  });

  it('scopes change ids to the item: the same id applies to two items', async () => {
    const strategy: ApplyOnceStrategy = { kind: 'token-item', ttlSeconds: 600 };
    const [a, b] = [freshKey(), freshKey()];

    await updateOnce({ client, tableName: table.tableName, key: a, update: increment, changeId: 'same', strategy });
    const second = await updateOnce({
      client,
      tableName: table.tableName,
      key: b,
      update: increment,
      changeId: 'same',
      strategy,
    });

    expect(second).toEqual({ status: 'applied' });
  });
});

describe('token items that must not collide', () => {
  const strategy: ApplyOnceStrategy = { kind: 'token-item', ttlSeconds: 600 };
  let other: TestTable;
  let composite: TestTable;

  beforeAll(async () => {
    [other, composite] = await Promise.all([createTestTable(client), createTestTable(client, { sortKey: 'seq' })]);
  });

  afterAll(async () => {
    await Promise.all([other.deleteTable(), composite.deleteTable()]);
  });

  it('applies one change id to the same key in two tables that share a token table', async () => {
    const key = freshKey();
    const shared: ApplyOnceStrategy = { ...strategy, tableName: table.tableName };

    const outcomes = [
      await updateOnce({ client, tableName: table.tableName, key, update: increment, changeId: 'c', strategy: shared }),
      await updateOnce({ client, tableName: other.tableName, key, update: increment, changeId: 'c', strategy: shared }),
    ];

    expect(outcomes).toEqual([{ status: 'applied' }, { status: 'applied' }]);
    expect([await countOf(key), await countOfIn(other.tableName, key)]).toEqual([1, 1]);
  });

  it('keeps a key and change id apart from another pair that joins to the same text', async () => {
    const run = `${++n}-${Date.now()}`;
    const [line, order] = [{ id: { S: `ORDER#${run}#LINE` } }, { id: { S: `ORDER#${run}` } }];

    const outcomes = [
      await updateOnce({ client, tableName: table.tableName, key: line, update: increment, changeId: '2', strategy }),
      await updateOnce({
        client,
        tableName: table.tableName,
        key: order,
        update: increment,
        changeId: 'LINE#2',
        strategy,
      }),
    ];

    expect(outcomes).toEqual([{ status: 'applied' }, { status: 'applied' }]);
    expect([await countOf(line), await countOf(order)]).toEqual([1, 1]);
  });

  it('keeps two composite keys apart whose parts join to the same text', async () => {
    const run = `${++n}-${Date.now()}`;
    const first = { id: { S: `ORDER#${run},seq=LINE` }, seq: { S: '2' } };
    const second = { id: { S: `ORDER#${run}` }, seq: { S: 'LINE,seq=2' } };

    const outcomes = [
      await updateOnce({
        client,
        tableName: composite.tableName,
        key: first,
        update: increment,
        changeId: 'c',
        strategy,
      }),
      await updateOnce({
        client,
        tableName: composite.tableName,
        key: second,
        update: increment,
        changeId: 'c',
        strategy,
      }),
    ];

    expect(outcomes).toEqual([{ status: 'applied' }, { status: 'applied' }]);
    expect([await countOfIn(composite.tableName, first), await countOfIn(composite.tableName, second)]).toEqual([1, 1]);
  });
});
