import { getIdempotencyToken, IdempotencyAlreadyInProgressError, makeIdempotent } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { mulberry32 } from '../../../dynamodb-local/src/faultProxyRules';
import { type RedisFaultProxy, startRedisFaultProxy } from '../faultProxy';
import { type Client, connectClient, uniquePrefix } from '../fixtures';
import { type RedisServer, startRedisServer } from '../redisServer';
import { describeCounts, lambdaContext, loadScripts, proxiedClient, report, sleep } from './faultFixtures';

// 150 payloads, each delivered 3 times (a client retry, an SQS redelivery), in a seeded shuffle,
// 16 at a time on one client, through a proxy that makes 8% of the script writes ambiguous
// (applied, answered with an error), fails 4% without applying them and drops the connection
// after 1% (every command in flight on it then fails too). A delivery that fails is redelivered
// up to 5 times, with backoff.
const PAYLOADS = 150;
const DUPLICATES = 3;
const CONCURRENCY = 16;
const REDELIVERIES = 5;
const SEED = 20_251_122;
const AMBIGUOUS = 0.08;
const FAILED = 0.04;
const RESET = 0.01;
const WRITES = ['acquire', 'complete', 'release', 'extend'];
// A lock left behind (a lock write applied, then its release failed) frees itself at the
// Lambda's deadline; the redeliveries (200 ms doubling: 6.2 s in all) outlast it.
const LAMBDA_TIMEOUT_MS = 3_000;
const REDELIVERY_DELAY_MS = 200;

let server: RedisServer;
let direct: Client;
let proxy: RedisFaultProxy;
let client: Client;

beforeAll(async () => {
  server = await startRedisServer();
  direct = await connectClient(server.url);
  await loadScripts(direct);
  proxy = await startRedisFaultProxy({ targetPort: server.port, seed: SEED });
  client = await proxiedClient(proxy, 2_000);
});

afterAll(async () => {
  client.destroy();
  await proxy.close();
  await direct.close();
  await server.stop();
});

const shuffled = <T>(items: T[], random: () => number): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

const expected = (id: number) => ({ id, total: id * 2 });

describe('a soak under ambiguous, failed and cut-off writes', () => {
  it('runs each payload once and leaves every payload COMPLETED with its result', async () => {
    const random = mulberry32(SEED);
    proxy.inject({ operations: WRITES, fault: 'ambiguous', probability: AMBIGUOUS });
    // Each drawn only for the writes the rules before let through.
    proxy.inject({ operations: WRITES, fault: 'fail', probability: FAILED / (1 - AMBIGUOUS) });
    proxy.inject({ operations: WRITES, fault: 'reset', probability: RESET / (1 - AMBIGUOUS - FAILED) });
    const keyPrefix = uniquePrefix();
    const store = new RedisStore({ client, keyPrefix });
    const executions = new Map<number, number>();
    const keys = new Map<number, string>();
    const handler = makeIdempotent(
      async (event: { id: number }, context: object) => {
        executions.set(event.id, (executions.get(event.id) ?? 0) + 1);
        keys.set(event.id, getIdempotencyToken(context)?.key ?? '');
        await sleep(Math.floor(random() * 5));
        return expected(event.id);
      },
      { store, keyPath: 'id', keyPrefix: 'soak' },
    );
    const ids = Array.from({ length: PAYLOADS }, (_, id) => id);
    const deliveries = shuffled(
      ids.flatMap((id) => Array<number>(DUPLICATES).fill(id)),
      random,
    );
    const figures = { deliveries: deliveries.length, conflicts: 0, errors: 0, redeliveries: 0, lostDeliveries: 0 };
    const wrongResults: number[] = [];
    const startedMs = Date.now();

    const deliver = async (id: number): Promise<void> => {
      for (let attempt = 0; attempt <= REDELIVERIES; attempt++) {
        if (attempt > 0) {
          figures.redeliveries++;
          await sleep(REDELIVERY_DELAY_MS * 2 ** (attempt - 1));
        }
        try {
          const result = await handler({ id }, lambdaContext(LAMBDA_TIMEOUT_MS));
          if (JSON.stringify(result) !== JSON.stringify(expected(id))) wrongResults.push(id);
          return;
        } catch (error) {
          if (error instanceof IdempotencyAlreadyInProgressError) figures.conflicts++;
          else figures.errors++;
        }
      }
      figures.lostDeliveries++;
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < deliveries.length) await deliver(deliveries[next++] as number);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const durationMs = Date.now() - startedMs;

    const counts = proxy.counts();
    const directStore = new RedisStore({ client: direct, keyPrefix });
    // A payload whose handler never ran has no known key, and counts as not completed.
    const records = await Promise.all(
      ids.map((id) => (keys.has(id) ? directStore.get(keys.get(id) as string) : undefined)),
    );
    const ranTwice = ids.filter((id) => (executions.get(id) ?? 0) > 1);
    const notCompleted = ids.filter(
      (id) => records[id]?.status !== 'COMPLETED' || records[id]?.data !== JSON.stringify(expected(id)),
    );
    // Every record the soak left on the server, whoever wrote it: none may still be a lock.
    const stuck: string[] = [];
    for await (const batch of direct.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) {
      for (const redisKey of batch) {
        if ((await direct.hGet(redisKey, 'status')) !== 'COMPLETED') stuck.push(redisKey);
      }
    }

    report('soak', {
      ...figures,
      doubleExecutions: ranTwice.length,
      stuckKeys: stuck.length,
      notCompleted: notCompleted.length,
      executions: [...executions.values()].reduce((sum, n) => sum + n, 0),
      payloads: PAYLOADS,
      requests: counts.total,
      ambiguous: counts.byOutcome.ambiguous ?? 0,
      failed: counts.byOutcome.fail ?? 0,
      reset: counts.byOutcome.reset ?? 0,
      durationMs,
    });
    report('soak requests', { byOperation: describeCounts(counts) });
    expect(ranTwice).toEqual([]);
    expect(stuck).toEqual([]);
    expect(executions.size).toBe(PAYLOADS);
    expect(figures.lostDeliveries).toBe(0);
    expect(wrongResults).toEqual([]);
    expect(notCompleted).toEqual([]);
    expect(counts.byOutcome.ambiguous).toBeGreaterThan(0);
    expect(counts.byOutcome.fail).toBeGreaterThan(0);
  });
});
