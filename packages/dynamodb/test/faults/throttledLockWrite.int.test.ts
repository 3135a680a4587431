import { getIdempotencyToken, IdempotencyPersistenceError, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import type { DynamoDBStore } from '@oncely/dynamodb';
import { describeCounts, lambdaContext, proxiedStore, report, useProxiedTable } from './faultFixtures';

// Throttled requests never reach DynamoDB. oncely tries the lock write 3 times (each with the
// SDK's own attempts); the handler never runs without the lock.
const SDK_MAX_ATTEMPTS = 2;
const ONCELY_ACQUIRE_ATTEMPTS = 3;
const env = useProxiedTable();

const guardedCharge = (store: DynamoDBStore) => {
  const runs: IdempotencyToken[] = [];
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: object) => {
      runs.push(getIdempotencyToken(context) as IdempotencyToken);
      return { charged: event.orderId };
    },
    { store, key: 'orderId', keyPrefix: 'throttled' },
  );
  return { handler, runs };
};

describe('a throttled lock write', () => {
  it('fails with IdempotencyPersistenceError without running the handler when every try is throttled', async () => {
    const store = proxiedStore(env.proxy, env.table.tableName, SDK_MAX_ATTEMPTS);
    const { handler, runs } = guardedCharge(store);
    env.proxy.inject({ operations: 'PutItem', fault: 'throttle' });

    const error = await handler({ orderId: 'o-1' }, lambdaContext()).catch((e: unknown) => e);

    const counts = env.proxy.counts();
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
    expect(await env.direct.get((error as IdempotencyPersistenceError).key ?? '')).toBeUndefined();
    store.client.destroy();
  });

  it('runs the handler once it gets the lock when the throttling stops within the retries', async () => {
    const store = proxiedStore(env.proxy, env.table.tableName, SDK_MAX_ATTEMPTS);
    const { handler, runs } = guardedCharge(store);
    env.proxy.inject({ operations: 'PutItem', fault: 'throttle', times: SDK_MAX_ATTEMPTS + 1 });

    const result = await handler({ orderId: 'o-2' }, lambdaContext());

    const counts = env.proxy.counts();
    report('throttled lock write, then admitted', { handlerRuns: runs.length, requests: describeCounts(counts) });
    expect(result).toEqual({ charged: 'o-2' });
    expect(runs).toHaveLength(1);
    expect(counts.byOperation.PutItem).toEqual({ requests: SDK_MAX_ATTEMPTS + 2, throttle: 3, forwarded: 1 });
    expect(await env.direct.get(runs[0]?.key ?? '')).toMatchObject({ status: 'COMPLETED' });
    store.client.destroy();
  });
});
