import { RedisStore } from '@oncely/redis';
import { runSoak } from '../../../core/test/faults/soak';
import { mulberry32 } from '../../../dynamodb-local/src/faultProxyRules';
import { type RedisFaultProxy, startRedisFaultProxy } from '../faultProxy';
import { type Client, connectClient, uniquePrefix } from '../fixtures';
import { type RedisServer, startRedisServer } from '../redisServer';
import { describeCounts, loadScripts, proxiedClient, report } from './faultFixtures';

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

// Every record the soak left on the server, whoever wrote it, that is still a lock.
const notCompletedKeys = async (keyPrefix: string): Promise<string[]> => {
  const stuck: string[] = [];
  for await (const batch of direct.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 })) {
    for (const redisKey of batch) {
      if ((await direct.hGet(redisKey, 'status')) !== 'COMPLETED') stuck.push(redisKey);
    }
  }
  return stuck;
};

describe('a soak under ambiguous, failed and cut-off writes', () => {
  it('runs each payload once and leaves every payload COMPLETED with its result', async () => {
    proxy.inject({ operations: WRITES, fault: 'ambiguous', probability: AMBIGUOUS });
    // Each drawn only for the writes the rules before let through.
    proxy.inject({ operations: WRITES, fault: 'fail', probability: FAILED / (1 - AMBIGUOUS) });
    proxy.inject({ operations: WRITES, fault: 'reset', probability: RESET / (1 - AMBIGUOUS - FAILED) });
    const keyPrefix = uniquePrefix();

    await runSoak(
      {
        payloads: PAYLOADS,
        duplicates: DUPLICATES,
        concurrency: CONCURRENCY,
        redeliveries: REDELIVERIES,
        redeliveryDelayMs: REDELIVERY_DELAY_MS,
        lambdaTimeoutMs: LAMBDA_TIMEOUT_MS,
        random: mulberry32(SEED),
      },
      {
        store: new RedisStore({ client, keyPrefix }),
        direct: new RedisStore({ client: direct, keyPrefix }),
        stuckKeys: () => notCompletedKeys(keyPrefix),
      },
      {
        figures: () => {
          const counts = proxy.counts();
          return {
            requests: counts.total,
            ambiguous: counts.byOutcome.ambiguous ?? 0,
            failed: counts.byOutcome.fail ?? 0,
            reset: counts.byOutcome.reset ?? 0,
          };
        },
        byOperation: () => describeCounts(proxy.counts()),
      },
      report,
    );

    const counts = proxy.counts();
    expect(counts.byOutcome.ambiguous).toBeGreaterThan(0);
    expect(counts.byOutcome.fail).toBeGreaterThan(0);
  });
});
