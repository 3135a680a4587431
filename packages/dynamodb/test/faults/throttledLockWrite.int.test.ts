import { getIdempotencyToken, IdempotencyPersistenceError, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type FaultProxy, type TestTable } from '@oncely/dynamodb-local';
import { localClient } from '../fixtures';
import { describeCounts, lambdaContext, proxiedStore, report, startProxy } from './faultFixtures';

// Throttled requests never reach DynamoDB. oncely tries the lock write 3 times (each with the
// SDK's own attempts); the handler never runs without the lock.
const SDK_MAX_ATTEMPTS = 2;
const ONCELY_ACQUIRE_ATTEMPTS = 3;
const setupClient = localClient();
let table: TestTable;
let proxy: FaultProxy;
let direct: DynamoDBStore;

beforeAll(async () => {
  table = await createTestTable(setupClient);
  direct = new DynamoDBStore({ tableName: table.tableName, client: setupClient });
});

beforeEach(async () => {
  proxy = await startProxy();
});

afterEach(async () => {
  await proxy.close();
});

afterAll(async () => {
  await table.deleteTable();
  setupClient.destroy();
});

const guardedCharge = (store: DynamoDBStore) => {
  const runs: IdempotencyToken[] = [];
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: object) => {
      runs.push(getIdempotencyToken(context) as IdempotencyToken);
      return { charged: event.orderId };
    },
    { store, keyPath: 'orderId', keyPrefix: 'throttled' },
  );
  return { handler, runs };
};

describe('a throttled lock write', () => {
  it('fails with IdempotencyPersistenceError without running the handler when every try is throttled', async () => {
    const store = proxiedStore(proxy, table.tableName, SDK_MAX_ATTEMPTS);
    const { handler, runs } = guardedCharge(store);
    proxy.inject({ operations: 'PutItem', fault: 'throttle' });

    const error = await handler({ orderId: 'o-1' }, lambdaContext()).catch((e: unknown) => e);

    const counts = proxy.counts();
    report('throttled lock write, every try', {
      error: (error as Error).name,
      handlerRuns: runs.length,
      requests: describeCounts(counts),
    });
    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect((error as Error).message).toMatch(/throttled/);
    expect(runs).toHaveLength(0);
    expect(counts.byOperation.PutItem).toEqual({
      requests: SDK_MAX_ATTEMPTS * ONCELY_ACQUIRE_ATTEMPTS,
      throttle: SDK_MAX_ATTEMPTS * ONCELY_ACQUIRE_ATTEMPTS,
    });
    expect(await direct.get((error as IdempotencyPersistenceError).key ?? '')).toBeUndefined();
    store.client.destroy();
  });

  it('runs the handler once it gets the lock when the throttling stops within the retries', async () => {
    const store = proxiedStore(proxy, table.tableName, SDK_MAX_ATTEMPTS);
    const { handler, runs } = guardedCharge(store);
    proxy.inject({ operations: 'PutItem', fault: 'throttle', times: SDK_MAX_ATTEMPTS + 1 });

    const result = await handler({ orderId: 'o-2' }, lambdaContext());

    const counts = proxy.counts();
    report('throttled lock write, then admitted', { handlerRuns: runs.length, requests: describeCounts(counts) });
    expect(result).toEqual({ charged: 'o-2' });
    expect(runs).toHaveLength(1);
    expect(counts.byOperation.PutItem).toEqual({ requests: SDK_MAX_ATTEMPTS + 2, throttle: 3, forwarded: 1 });
    expect(await direct.get(runs[0]?.key ?? '')).toMatchObject({ status: 'COMPLETED' });
    store.client.destroy();
  });
});
