import { type Decision, getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { type Client, connectClient, uniquePrefix } from '../fixtures';
import { type RedisServer, startRedisServer } from '../redisServer';
import { lambdaContext, report, timeoutOptions, waitUntil } from './faultFixtures';

// A redis-server without persistence (--save '' --appendonly no, as startRedisServer runs it)
// keeps records in memory only: a restart forgets every lock and every stored result. These
// tests document what follows; docs/guarantees.md states it.
let server: RedisServer;
let client: Client;

beforeAll(async () => {
  server = await startRedisServer();
  client = await connectClient(server.url, timeoutOptions(1_000));
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

const restart = async (): Promise<void> => {
  await server.stop();
  server = await startRedisServer({ port: server.port });
  await waitUntil(() => client.isReady);
};

const charge = (store: RedisStore, waitFor?: Promise<void>) => {
  const runs: IdempotencyToken[] = [];
  const decisions: Decision[] = [];
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: object) => {
      runs.push(getIdempotencyToken(context) as IdempotencyToken);
      const run = runs.length;
      if (run === 1) await waitFor;
      return { charged: event.orderId, run };
    },
    { store, key: 'orderId', keyPrefix: 'restart', onDecision: ({ decision }) => decisions.push(decision) },
  );
  return { handler, runs, decisions };
};

describe('a Redis restart without persistence', () => {
  it('forgets a completed result: a replay after the restart runs the handler again', async () => {
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    const { handler, runs, decisions } = charge(store);

    const first = await handler({ orderId: 'o-1' }, lambdaContext());
    await restart();
    const afterRestart = await store.get(runs[0]?.key ?? '');
    const replay = await handler({ orderId: 'o-1' }, lambdaContext());

    report('server restart after completion', {
      recordAfterRestart: afterRestart?.status ?? 'missing',
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
    });
    expect(first).toEqual({ charged: 'o-1', run: 1 });
    expect(afterRestart).toBeUndefined();
    expect(replay).toEqual({ charged: 'o-1', run: 2 });
    expect(decisions).toEqual(['executed', 'executed']);
  });

  it('forgets a lock: a duplicate during the first call runs the handler again, and the first call cannot store its result', async () => {
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    let releaseFirst: () => void = () => {};
    const firstMayFinish = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const { handler, runs, decisions } = charge(store, firstMayFinish);

    const first = handler({ orderId: 'o-2' }, lambdaContext());
    await waitUntil(() => runs.length === 1);
    const key = runs[0]?.key ?? '';
    const lockBefore = await store.get(key);
    await restart();
    const lockAfter = await store.get(key);
    const duplicate = await handler({ orderId: 'o-2' }, lambdaContext());
    releaseFirst();
    const firstResult = await first;
    const record = await store.get(key);

    report('server restart during a call', {
      lockBeforeRestart: lockBefore?.status ?? 'missing',
      lockAfterRestart: lockAfter?.status ?? 'missing',
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
      storedRun: record?.data ?? 'nothing',
    });
    expect(lockBefore).toMatchObject({ status: 'INPROGRESS', owner: runs[0]?.owner });
    expect(lockAfter).toBeUndefined();
    expect(duplicate).toEqual({ charged: 'o-2', run: 2 });
    expect(firstResult).toEqual({ charged: 'o-2', run: 1 });
    expect(decisions).toEqual(['executed', 'lock-taken-over']);
    expect(record).toMatchObject({ status: 'COMPLETED', owner: runs[1]?.owner, data: JSON.stringify(duplicate) });
  });
});
