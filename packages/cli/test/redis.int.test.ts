import { randomUUID } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent as powertoolsIdempotent } from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import { RedisStore } from '@oncely/redis';
import { lambdaContext } from '../../core/test/fixtures.js';
import { uniquePrefix, useRedis } from '../../redis/test/fixtures';
import { describeCliCommands } from './commandSuite';
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

  beforeAll(() => {
    store = new RedisStore({ client: redis.client, keyPrefix: redisKeyPrefix, ...options });
  });

  describeCliCommands({
    connection: () => ['--redis', redis.server.url, '--redis-key-prefix', redisKeyPrefix, ...flags],
    store: () => store,
    where: () => `key prefix "${redisKeyPrefix}"`,
    rawStatus,
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
