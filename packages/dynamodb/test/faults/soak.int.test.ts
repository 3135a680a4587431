import { getIdempotencyToken, IdempotencyAlreadyInProgressError, makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type FaultProxy, mulberry32, type TestTable } from '@oncely/dynamodb-local';
import { localClient } from '../fixtures';
import { describeCounts, lambdaContext, proxiedStore, report, sleep, startProxy } from './faultFixtures';

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

const shuffled = <T>(items: T[], random: () => number): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

const expected = (id: number) => ({ id, total: id * 2 });

describe('a soak under ambiguous and throttled writes', () => {
  it('runs each payload once and leaves every payload COMPLETED with its result', async () => {
    const random = mulberry32(SEED);
    proxy.inject({ operations: WRITES, fault: 'ambiguous', probability: AMBIGUOUS });
    // Drawn only for the writes the ambiguous rule let through, so 4% of all writes overall.
    proxy.inject({ operations: WRITES, fault: 'throttle', probability: THROTTLED / (1 - AMBIGUOUS) });
    // One SDK attempt: every fault reaches oncely, so its own retries (of the lock write with the
    // same owner, of the completion) are what the soak exercises.
    const store = proxiedStore(proxy, table.tableName, 1);
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
    store.client.destroy();

    const counts = proxy.counts();
    const direct = new DynamoDBStore({ tableName: table.tableName, client: setupClient });
    // A payload whose handler never ran has no known key, and counts as not completed.
    const records = await Promise.all(ids.map((id) => (keys.has(id) ? direct.get(keys.get(id) as string) : undefined)));
    const ranTwice = ids.filter((id) => (executions.get(id) ?? 0) > 1);
    const notCompleted = ids.filter(
      (id) => records[id]?.status !== 'COMPLETED' || records[id]?.data !== JSON.stringify(expected(id)),
    );

    report('soak', {
      ...figures,
      notCompleted: notCompleted.length,
      executions: [...executions.values()].reduce((sum, n) => sum + n, 0),
      payloads: PAYLOADS,
      requests: counts.total,
      ambiguous: counts.byOutcome.ambiguous ?? 0,
      throttled: counts.byOutcome.throttle ?? 0,
      durationMs,
    });
    report('soak requests', { byOperation: describeCounts(counts) });
    expect(ranTwice).toEqual([]);
    expect(executions.size).toBe(PAYLOADS);
    expect(figures.lostDeliveries).toBe(0);
    expect(wrongResults).toEqual([]);
    expect(notCompleted).toEqual([]);
    expect(counts.byOutcome.ambiguous).toBeGreaterThan(0);
    expect(counts.byOutcome.throttle).toBeGreaterThan(0);
  });
});
