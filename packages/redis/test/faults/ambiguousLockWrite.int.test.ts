import { type Decision, getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import type { FaultKind } from '../../../dynamodb-local/src/faultProxyRules';
import { describeCounts, lambdaContext, report, useProxiedRedis } from './faultFixtures';

// Timeline: the lock write (the acquire script) runs on Redis, but the caller sees an error
// reply or a dropped connection. @redis/client does not retry a command; oncely retries the
// lock write with the same owner, finds its own INPROGRESS record and must take it as acquired,
// not as a conflict.
const env = useProxiedRedis();

describe('an ambiguous lock write', () => {
  it.each<[string, FaultKind]>([
    ['answered with an error reply after Redis applied it', 'ambiguous'],
    ['cut off (the connection dropped) after Redis applied it', 'reset'],
  ])('runs the handler once and returns its result when the lock write is %s', async (_, fault) => {
    const { proxied, direct } = env.stores();
    const runs: IdempotencyToken[] = [];
    const decisions: Decision[] = [];
    const handler = makeIdempotent(
      async (event: { orderId: string }, context: object) => {
        runs.push(getIdempotencyToken(context) as IdempotencyToken);
        return { charged: event.orderId };
      },
      {
        store: proxied,
        keyPath: 'orderId',
        keyPrefix: 'ambiguous',
        onDecision: ({ decision }) => decisions.push(decision),
      },
    );
    const orderId = `order-${Math.random().toString(36).slice(2)}`;
    env.proxy.inject({ operations: 'acquire', fault, times: 1 });

    const first = await handler({ orderId }, lambdaContext());
    const replay = await handler({ orderId }, lambdaContext());

    const counts = env.proxy.counts();
    const record = runs[0] && (await direct.get(runs[0].key));
    report(`ambiguous lock write (${fault})`, {
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
      requests: describeCounts(counts),
    });
    expect(runs).toHaveLength(1);
    expect(first).toEqual({ charged: orderId });
    expect(replay).toEqual({ charged: orderId });
    expect(decisions).toEqual(['executed', 'replayed']);
    expect(counts.byOperation.acquire).toMatchObject({ [fault]: 1, forwarded: 2 });
    expect(record).toMatchObject({ status: 'COMPLETED', owner: runs[0]?.owner, data: JSON.stringify(first) });
  });
});
