import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type FaultProxy, mulberry32, type TestTable } from '@oncely/dynamodb-local';
import { runSoak } from '../../../core/test/faults/soak';
import { localClient } from '../fixtures';
import { describeCounts, proxiedStore, report, scanTable, startProxy } from './faultFixtures';

// 300 payloads, each delivered 3 times (a client retry, an SQS redelivery), in a seeded shuffle,
// 16 at a time, through a proxy that makes 8% of the writes ambiguous (applied, answered 500)
// and throttles 4%. A delivery that fails is redelivered up to 5 times, with backoff.
const PAYLOADS = 300;
const DUPLICATES = 3;
const CONCURRENCY = 16;
const REDELIVERIES = 5;
const SEED = 20_251_122;
const AMBIGUOUS = 0.08;
const THROTTLED = 0.04;
const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem'];
// A lock left behind (a lock write applied, then its release failed) frees itself at the
// Lambda's deadline; the redeliveries (200 ms doubling: 6.2 s in all) outlast it.
const LAMBDA_TIMEOUT_MS = 5_000;
const REDELIVERY_DELAY_MS = 200;

const setupClient = localClient();
let table: TestTable;
let proxy: FaultProxy;

beforeAll(async () => {
  table = await createTestTable(setupClient);
  proxy = await startProxy(SEED);
});

afterAll(async () => {
  await proxy.close();
  await table.deleteTable();
  setupClient.destroy();
});

describe('a soak under ambiguous and throttled writes', () => {
  it('runs each payload once and leaves every payload COMPLETED with its result', async () => {
    proxy.inject({ operations: WRITES, fault: 'ambiguous', probability: AMBIGUOUS });
    // Drawn only for the writes the ambiguous rule let through, so 4% of all writes overall.
    proxy.inject({ operations: WRITES, fault: 'throttle', probability: THROTTLED / (1 - AMBIGUOUS) });
    // One SDK attempt: every fault reaches oncely, so its own retries (of the lock write with the
    // same owner, of the completion) are what the soak exercises.
    const store = proxiedStore(proxy, table.tableName, 1);

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
        store,
        direct: new DynamoDBStore({ tableName: table.tableName, client: setupClient }),
        // Every item the soak left in its table, whoever wrote it, that is still a lock.
        stuckKeys: async () =>
          (await scanTable(table.tableName))
            .filter((item) => item.status?.S !== 'COMPLETED')
            .map((item) => item.id?.S ?? JSON.stringify(item)),
        afterDeliveries: () => store.client.destroy(),
      },
      {
        figures: () => {
          const counts = proxy.counts();
          return {
            requests: counts.total,
            ambiguous: counts.byOutcome.ambiguous ?? 0,
            throttled: counts.byOutcome.throttle ?? 0,
          };
        },
        byOperation: () => describeCounts(proxy.counts()),
      },
      report,
    );

    const counts = proxy.counts();
    expect(counts.byOutcome.ambiguous).toBeGreaterThan(0);
    expect(counts.byOutcome.throttle).toBeGreaterThan(0);
  });
});
