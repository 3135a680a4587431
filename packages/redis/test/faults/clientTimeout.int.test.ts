import { getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import {
  CLIENT_TIMEOUT_MS,
  describeCounts,
  lambdaContext,
  report,
  sleep,
  useProxiedRedis,
  waitUntil,
} from './faultFixtures';

// Timeline of a command that reaches Redis after its caller gave up:
//   t=0        call 1 sends the script (owner A); the proxy holds it, unanswered.
//   t=300 ms   the client's socket timeout destroys the connection and fails the command (maybe
//              applied); the client reconnects, oncely retries with the same owner, that copy
//              runs; the handler runs once and the record becomes COMPLETED with its result.
//   t=1500 ms  the proxy forwards the first copy. For the lock write: a record naming owner A is
//              ours only while it is INPROGRESS, so the late copy is refused. For the completion:
//              the same owner writes the same result again.
const LATE_BY_MS = 1500;
const REMAINING_MS = 3000;
const env = useProxiedRedis();

describe('a command that times out on the client and reaches Redis late', () => {
  it.each(['acquire', 'complete'])(
    'leaves the completed record alone when it is the %s script: replays get the stored result and the handler runs once',
    async (operation) => {
      const { proxied, direct } = env.stores();
      const runs: IdempotencyToken[] = [];
      const handler = makeIdempotent(
        async (event: { orderId: string }, context: object) => {
          runs.push(getIdempotencyToken(context) as IdempotencyToken);
          return { charged: event.orderId };
        },
        { store: proxied, keyPath: 'orderId', keyPrefix: 'late' },
      );
      const orderId = `order-${Math.random().toString(36).slice(2)}`;
      env.proxy.inject({ operations: operation, fault: 'late', delayMs: LATE_BY_MS, times: 1 });
      const startedMs = Date.now();

      const first = await handler({ orderId }, lambdaContext(REMAINING_MS));
      const completedAfterMs = Date.now() - startedMs;
      await waitUntil(() => env.proxy.counts().byOutcome.late === 1);
      const key = runs[0]?.key ?? '';
      const afterLanding = await direct.get(key);
      const replay = await handler({ orderId }, lambdaContext()).catch((error: unknown) => error);
      await sleep(Math.max(0, startedMs + REMAINING_MS + 200 - Date.now()));
      const replayAfterLockEnd = await handler({ orderId }, lambdaContext()).catch((error: unknown) => error);

      const counts = env.proxy.counts();
      report(`client timeout (late ${operation})`, {
        clientTimeoutMs: CLIENT_TIMEOUT_MS,
        completedAfterMs,
        recordAfterLanding: afterLanding?.status ?? 'missing',
        replay: replay instanceof Error ? replay.name : 'result',
        handlerRuns: runs.length,
        requests: describeCounts(counts),
      });
      expect(first).toEqual({ charged: orderId });
      expect(completedAfterMs).toBeGreaterThanOrEqual(CLIENT_TIMEOUT_MS);
      expect(completedAfterMs).toBeLessThan(LATE_BY_MS);
      expect(counts.byOperation[operation]).toMatchObject({ late: 1 });
      expect(afterLanding).toMatchObject({
        status: 'COMPLETED',
        owner: runs[0]?.owner,
        data: JSON.stringify({ charged: orderId }),
      });
      expect(replay).toEqual({ charged: orderId });
      expect(replayAfterLockEnd).toEqual({ charged: orderId });
      expect(runs).toHaveLength(1);
    },
  );
});
