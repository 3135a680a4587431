import { ambiguousFigures, expectChargedOnce, guardedCharge } from '../../../core/test/faults/charge';
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
    const charge = guardedCharge(proxied, 'ambiguous');
    const orderId = `order-${Math.random().toString(36).slice(2)}`;
    env.proxy.inject({ operations: 'acquire', fault, times: 1 });

    const first = await charge.handler({ orderId }, lambdaContext());
    const replay = await charge.handler({ orderId }, lambdaContext());

    const counts = env.proxy.counts();
    const record = charge.runs[0] && (await direct.get(charge.runs[0].key));
    report(`ambiguous lock write (${fault})`, ambiguousFigures(charge, describeCounts(counts)));
    expectChargedOnce(charge, orderId, [first, replay], record);
    expect(charge.decisions).toEqual(['executed', 'replayed']);
    expect(counts.byOperation.acquire).toMatchObject({ [fault]: 1, forwarded: 2 });
  });
});
