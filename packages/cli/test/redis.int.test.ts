import { randomUUID } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent as powertoolsIdempotent } from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import { makeIdempotent } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { lambdaContext } from '../../core/test/fixtures.js';
import { uniquePrefix, useRedis } from '../../redis/test/fixtures';
import { runCli } from './runCli';

// The bin as a child process on a redis-server of this file's own, in both record formats of
// RedisStore: a hash per record (its default), and the JSON string of Powertools TypeScript's
// CachePersistenceLayer (`--powertools typescript`).

const redis = useRedis();

const formats = [
  {
    name: 'hashes',
    flags: [] as string[],
    options: {},
    rawStatus: (item: unknown) => (item as Record<string, string>).status,
  },
  {
    name: "Powertools TypeScript's JSON strings",
    flags: ['--powertools', 'typescript'],
    options: { powertools: 'typescript' as const },
    rawStatus: (item: unknown) => JSON.parse(item as string).status,
  },
];

describe.each(formats)('on Redis, records as $name', ({ flags, options, rawStatus }) => {
  // A key prefix of this format's own, so the two formats never meet in a scan.
  const redisKeyPrefix = uniquePrefix();
  let store: RedisStore;
  const connection = () => ['--redis', redis.server.url, '--redis-key-prefix', redisKeyPrefix, ...flags];

  beforeAll(() => {
    store = new RedisStore({ client: redis.client, keyPrefix: redisKeyPrefix, ...options });
  });

  const prefix = () => `cli-${randomUUID().slice(0, 8)}`;

  /** A lock held by `owner` on a fresh key: a call that crashed, or is still running. */
  const lockKey = async (keyPrefix: string, lockedUntilMs: number, owner = randomUUID()) => {
    const key = `${keyPrefix}#${randomUUID()}`;
    const nowMs = Date.now();
    await store.acquire({ key, owner, nowMs, lockedUntilMs, expiresAtSec: Math.floor(nowMs / 1000) + 3600 });
    return { key, owner };
  };

  const completedKey = async () => {
    const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);
    await store.complete({ key, owner, data: '1', expiresAtSec: Math.floor(Date.now() / 1000) + 3600 });
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
  });

  describe('oncely inspect', () => {
    it('shows a completed record, its result, the stored item and that a replay replays it, as JSON', async () => {
      const keyPrefix = prefix();
      const handler = makeIdempotent(async (_event: { orderId: string }) => ({ paid: true, lines: ['a', 'b'] }), {
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
      expect(shown.result).toEqual({ paid: true, lines: ['a', 'b'] });
      expect(rawStatus(shown.item)).toBe('COMPLETED');
    });

    it('exits 1 for a key without a record, and says the call runs', async () => {
      const run = await runCli(['inspect', 'nobody#here', ...connection()]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('runs now');
      expect(run.stdout).toContain(`key prefix "${redisKeyPrefix}"`);
    });

    it('shows a held lock with its owner and a wait-or-refuse replay, and the stored item', async () => {
      const { key, owner } = await lockKey(prefix(), Date.now() + 60_000);

      const run = await runCli(['inspect', key, ...connection(), '--raw']);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`owner        ${owner}`);
      expect(run.stdout).toContain('replay now   wait-or-refuse');
      expect(run.stdout).toMatch(/^item$/m);
      expect(run.stdout).toContain(owner);
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
      const { key } = await completedKey();

      const run = await runCli(['release', key, ...connection(), '--yes']);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('use oncely forget');
      expect(await store.get(key)).toBeDefined();
    });
  });

  describe('oncely forget', () => {
    it('deletes a completed record, so the next call runs again', async () => {
      const { key } = await completedKey();

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
      expect(Object.values(stats.sizes).reduce((sum: number, count) => sum + (count as number), 0)).toBe(2);
    });
  });
});

describe("a record written by Powertools' CachePersistenceLayer", () => {
  it('is listed, inspected and forgotten with --powertools typescript', async () => {
    const functionName = `orders-${randomUUID()}`;
    const powertools = powertoolsIdempotent(async (_event: { orderId: string }, _context: unknown) => 'captured', {
      persistenceStore: new CachePersistenceLayer({ client: redis.client }),
      keyPrefix: functionName,
      config: new IdempotencyConfig({ eventKeyJmesPath: 'orderId' }),
    });
    await powertools({ orderId: 'o-1' }, lambdaContext());
    // Powertools' keyPrefix, and the store's default key prefix in its format: ''.
    const cache = ['--redis', redis.server.url, '--powertools', 'typescript'];

    const list = JSON.parse((await runCli(['list', ...cache, '--prefix', functionName, '--json'])).stdout);
    const key = list[0]?.key;
    const inspect = await runCli(['inspect', key, ...cache, '--json', '--raw']);
    const forget = await runCli(['forget', key, ...cache, '--yes']);
    const after = await runCli(['inspect', key, ...cache]);

    expect(list).toHaveLength(1);
    expect(key).toMatch(new RegExp(`^${functionName}#`));
    expect(JSON.parse(inspect.stdout)).toMatchObject({ status: 'COMPLETED', owner: null, result: 'captured' });
    expect(JSON.parse(JSON.parse(inspect.stdout).item)).toMatchObject({ status: 'COMPLETED', data: 'captured' });
    expect(forget.code).toBe(0);
    expect(after.code).toBe(1);
    expect(await redis.client.exists(key)).toBe(0);
  });
});
