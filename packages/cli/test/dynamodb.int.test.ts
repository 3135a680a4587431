import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint, type TestTable } from '@oncely/dynamodb-local';
import { newOrder, useSharedTable } from '../../dynamodb/test/powertoolsTables';
import { runCli } from './runCli';

const client = new DynamoDBClient(localClientConfig(localEndpoint()));
let table: TestTable;
let store: DynamoDBStore;
const connection = () => ['--table', table.tableName, '--endpoint', localEndpoint()];

beforeAll(async () => {
  table = await createTestTable(client);
  store = new DynamoDBStore({ tableName: table.tableName, client });
});
afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

const prefix = () => `cli-${randomUUID().slice(0, 8)}`;

/** A lock held by `owner` on a fresh key: a call that crashed, or is still running. */
const lockKey = async (keyPrefix: string, lockedUntilMs: number, owner = randomUUID()) => {
  const key = `${keyPrefix}#${randomUUID()}`;
  const nowMs = Date.now();
  await store.acquire({ key, owner, nowMs, lockedUntilMs, expiresAtSec: Math.floor(nowMs / 1000) + 3600 });
  return { key, owner };
};

describe('oncely key', () => {
  it('prints the key the handler uses for the payload on stdin', async () => {
    const keyPrefix = prefix();
    const handler = makeIdempotent(async (event: { orderId: string }) => event.orderId, {
      store,
      keyPath: 'orderId',
      keyPrefix,
      localCache: false,
    });
    await handler({ orderId: 'o-7' });

    const run = await runCli(['key', '--prefix', keyPrefix, '--key-path', 'orderId'], '{"orderId":"o-7"}');
    const key = run.stdout.trim();

    expect(run.code).toBe(0);
    expect((await store.get(key))?.data).toBe('"o-7"');
  });

  it('exits 2 for a keyHeader without a scope, with the handler option check', async () => {
    const run = await runCli(['key', '--prefix', 'p', '--key-header', 'Idempotency-Key'], '{}');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs "scope"');
  });
});

describe('oncely inspect', () => {
  it('shows a completed record, its result and that a replay replays it, as JSON', async () => {
    const keyPrefix = prefix();
    const handler = makeIdempotent(async (_event: { orderId: string }) => ({ paid: true, lines: 'x'.repeat(6000) }), {
      store,
      keyPrefix,
      localCache: false,
    });
    await handler({ orderId: 'o-1' });
    const key = (await runCli(['key', '--prefix', keyPrefix], '{"orderId":"o-1"}')).stdout.trim();

    const run = await runCli(['inspect', key, ...connection(), '--json', '--raw']);
    const shown = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(shown).toMatchObject({ found: true, key, status: 'COMPLETED', replay: { action: 'replay' } });
    expect(shown.result).toEqual({ paid: true, lines: 'x'.repeat(6000) });
    expect(shown.item.data.B).toHaveProperty('base64');
  });

  it('exits 1 for a key without a record, and says the call runs', async () => {
    const run = await runCli(['inspect', 'nobody#here', ...connection()]);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('runs now');
  });

  it('shows a held lock in 80 columns, with its owner and a wait-or-refuse replay', async () => {
    const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);

    const run = await runCli(['inspect', key, ...connection()]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`owner        ${owner}`);
    expect(run.stdout).toContain('replay now   wait-or-refuse');
  });
});

describe('oncely list', () => {
  it('finds the stuck locks under a prefix, with a progress line on stderr', async () => {
    const keyPrefix = prefix();
    const stuck = await lockKey(keyPrefix, Date.now() - 60_000);
    await lockKey(keyPrefix, Date.now() + 60_000);

    const run = await runCli(['list', ...connection(), '--prefix', keyPrefix, '--stuck', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).map((record: { key: string }) => record.key)).toEqual([stuck.key]);
    expect(run.stderr).toMatch(/scanned \d+ items in \d+ pages/);
  });

  it('prints a table no wider than 80 columns and stops at --limit', async () => {
    const keyPrefix = prefix();
    for (let i = 0; i < 3; i++) await lockKey(keyPrefix, Date.now() + 60_000);

    const run = await runCli(['list', ...connection(), '--prefix', keyPrefix, '--limit', '2']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2 records');
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('oncely release', () => {
  it('refuses without --yes off a terminal, and leaves the lock', async () => {
    const { key } = await lockKey(prefix(), Date.now() - 1000);

    const run = await runCli(['release', key, ...connection()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --yes');
    expect(await store.get(key)).toBeDefined();
  });

  it('refuses when the owner changed since inspect', async () => {
    const { key } = await lockKey(prefix(), Date.now() - 1000);

    const run = await runCli(['release', key, ...connection(), '--owner', 'the-owner-inspect-showed', '--yes']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Refused: the record changed');
    expect(await store.get(key)).toBeDefined();
  });

  it('deletes the lock of the owner shown, so the next retry runs', async () => {
    const { key, owner } = await lockKey(prefix(), Date.now() - 1000);

    const run = await runCli(['release', key, ...connection(), '--owner', owner, '--yes', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ key, done: true, action: 'release' });
    expect(await store.get(key)).toBeUndefined();
  });

  it('refuses a completed record', async () => {
    const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);
    await store.complete({ key, owner, data: '1', expiresAtSec: Math.floor(Date.now() / 1000) + 3600 });

    const run = await runCli(['release', key, ...connection(), '--yes']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('use oncely forget');
  });
});

describe('oncely forget', () => {
  it('deletes a completed record, so the next call runs again', async () => {
    const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);
    await store.complete({ key, owner, data: '1', expiresAtSec: Math.floor(Date.now() / 1000) + 3600 });

    const run = await runCli(['forget', key, ...connection(), '--yes']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Forgot ${key}`);
    expect(await store.get(key)).toBeUndefined();
  });
});

describe('oncely stats', () => {
  it('counts records by status and prefix', async () => {
    const keyPrefix = prefix();
    await lockKey(keyPrefix, Date.now() + 60_000);
    await lockKey(keyPrefix, Date.now() - 60_000);

    const run = await runCli(['stats', ...connection(), '--prefix', keyPrefix, '--json']);
    const stats = JSON.parse(run.stdout);

    expect(run.code).toBe(0);
    expect(stats.byStatus.INPROGRESS).toBe(2);
    expect(stats.byPrefix[keyPrefix]).toBe(2);
    expect(stats.stuck).toBe(1);
  });
});

describe('records written by Powertools', () => {
  const shared = useSharedTable(client, { name: 'composite-key', sortKey: 'sk' });
  const names = [
    'key=pk',
    'expiration=ttl',
    'inProgressExpiration=lock_until_ms',
    'status=state',
    'data=result',
    'validation=payload_hash',
  ];

  it('are listed, inspected and forgotten on a composite-key table with custom names', async () => {
    const { powertools, functionName } = shared.handlers(() => 'captured');
    const order = newOrder();
    await powertools(order, { functionName, getRemainingTimeInMillis: () => 30_000 } as never);
    const table = [
      '--table',
      shared.tableName(),
      '--endpoint',
      localEndpoint(),
      '--powertools',
      'typescript',
      '--sort-key',
      'sk',
      '--partition-value',
      `idempotency#${functionName}`,
      ...names.flatMap((pair) => ['--attribute', pair]),
    ];

    const list = JSON.parse((await runCli(['list', ...table, '--json'])).stdout);
    const key = list[0].key;
    const inspect = await runCli(['inspect', key, ...table, '--json']);
    const forget = await runCli(['forget', key, ...table, '--yes']);
    const after = await runCli(['inspect', key, ...table]);

    expect(list).toHaveLength(1);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ status: 'COMPLETED', owner: null, result: 'captured' });
    expect(forget.code).toBe(0);
    expect(after.code).toBe(1);
  });
});
