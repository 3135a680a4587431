import { type Decision, getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import type { FaultKind } from '@oncely/dynamodb-local';
import { describeCounts, lambdaContext, proxiedStore, report, useProxiedTable } from './faultFixtures';

// Timeline: the lock write (PutItem) reaches DynamoDB and is applied, but the caller sees a 500
// or a dropped connection. The retry of that write (by the SDK, or by oncely with the same
// owner) finds our own INPROGRESS record; it must take it as acquired, not as a conflict.
const env = useProxiedTable();

const charge = async (fault: FaultKind, sdkMaxAttempts: number) => {
  const store = proxiedStore(env.proxy, env.table.tableName, sdkMaxAttempts);
  const runs: IdempotencyToken[] = [];
  const decisions: Decision[] = [];
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: object) => {
      runs.push(getIdempotencyToken(context) as IdempotencyToken);
      return { charged: event.orderId };
    },
    { store, keyPath: 'orderId', keyPrefix: 'ambiguous', onDecision: ({ decision }) => decisions.push(decision) },
  );
  const orderId = `order-${Math.random().toString(36).slice(2)}`;
  env.proxy.inject({ operations: 'PutItem', fault, times: 1 });

  const first = await handler({ orderId }, lambdaContext());
  const replay = await handler({ orderId }, lambdaContext());
  store.client.destroy();
  return { orderId, runs, decisions, first, replay };
};

describe('an ambiguous lock write', () => {
  it.each<[string, FaultKind, number]>([
    ['answered with a 500 after DynamoDB applied it, retried by the SDK', 'ambiguous', 3],
    ['answered with a 500 after DynamoDB applied it, retried by oncely with the same owner', 'ambiguous', 1],
    ['cut off (the connection dropped) after DynamoDB applied it, retried by the SDK', 'reset', 3],
  ])('runs the handler once and returns its result when the lock write is %s', async (_, fault, sdkMaxAttempts) => {
    const { orderId, runs, decisions, first, replay } = await charge(fault, sdkMaxAttempts);
    const counts = env.proxy.counts();
    const record = runs[0] && (await env.direct.get(runs[0].key));

    report(`ambiguous lock write (${fault}, SDK maxAttempts ${sdkMaxAttempts})`, {
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
      requests: describeCounts(counts),
    });
    expect(runs).toHaveLength(1);
    expect(first).toEqual({ charged: orderId });
    expect(replay).toEqual({ charged: orderId });
    expect(decisions).toEqual(['executed', 'replayed']);
    expect(counts.byOperation.PutItem).toMatchObject({ [fault]: 1 });
    expect(record).toMatchObject({
      status: 'COMPLETED',
      owner: runs[0]?.owner,
      data: JSON.stringify({ charged: orderId }),
    });
  });
});
