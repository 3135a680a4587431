import { type Decision, getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { describeCounts, lambdaContext, report, useProxiedRedis, waitUntil } from './faultFixtures';

// Timeline of a zombie: call A holds a 600 ms lease but is cut off from Redis (every renewal,
// the extend script, fails), so its lease lapses while it still runs. Call B, on a client that
// reaches Redis, takes the key over, runs and completes. A reconnects and finishes last: its
// completion is fenced on its owner token.
const LEASE_MS = 600;
const env = useProxiedRedis();

describe('a zombie call that finishes after its lock was taken over', () => {
  it("keeps the record of the call that took over, and a replay returns that call's result", async () => {
    const { proxied, direct } = env.stores();
    const runs: { by: string; token: IdempotencyToken }[] = [];
    const decisionsOfA: Decision[] = [];
    let releaseA: () => void = () => {};
    const aMayFinish = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const charge =
      (by: string, waitFor?: Promise<void>) =>
      async (_event: { orderId: string }, context: object): Promise<{ by: string }> => {
        runs.push({ by, token: getIdempotencyToken(context) as IdempotencyToken });
        await waitFor;
        return { by };
      };
    const options = { keyPath: 'orderId', keyPrefix: 'zombie' };
    const callA = makeIdempotent(charge('A', aMayFinish), {
      ...options,
      store: proxied,
      lease: { durationMs: LEASE_MS },
      onDecision: ({ decision }) => decisionsOfA.push(decision),
    });
    const callB = makeIdempotent(charge('B'), { ...options, store: direct });
    env.proxy.inject({ operations: 'extend', fault: 'fail' });
    const startedMs = Date.now();

    const a = callA({ orderId: 'o-1' }, lambdaContext());
    await waitUntil(() => runs.length === 1);
    const key = runs[0]?.token.key ?? '';
    await waitUntil(async () => ((await direct.get(key))?.lockedUntilMs ?? 0) < Date.now());
    const takenOverAfterMs = Date.now() - startedMs;
    const b = await callB({ orderId: 'o-1' }, lambdaContext());
    env.proxy.clearFaults();
    releaseA();
    const aResult = await a;
    const record = await direct.get(key);
    const replay = await callB({ orderId: 'o-1' }, lambdaContext());

    const counts = env.proxy.counts();
    report('zombie', {
      leaseMs: LEASE_MS,
      takenOverAfterMs,
      handlerRuns: runs.map((run) => run.by).join('+'),
      decisionOfA: decisionsOfA.join('+'),
      storedBy: record?.data === undefined ? 'nobody' : (JSON.parse(record.data) as { by: string }).by,
      requestsOfA: describeCounts(counts),
    });
    expect(runs.map((run) => run.by)).toEqual(['A', 'B']);
    expect(aResult).toEqual({ by: 'A' });
    expect(b).toEqual({ by: 'B' });
    expect(record).toMatchObject({ status: 'COMPLETED', owner: runs[1]?.token.owner, data: JSON.stringify(b) });
    expect(replay).toEqual(b);
    expect(decisionsOfA).toEqual(['lock-taken-over']);
    expect(counts.byOperation.extend?.fail).toBeGreaterThan(0);
  });
});
