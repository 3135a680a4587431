import { getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { localClient } from '../fixtures';
import {
  describeCounts,
  lambdaContext,
  report,
  shortRetries,
  sleep,
  useProxiedTable,
  waitUntil,
} from './faultFixtures';

// Timeline of a lock write that arrives after its call has finished:
//   t=0        call 1 sends the lock PutItem (owner A); the proxy holds it, unanswered.
//   t=300 ms   the SDK's request timeout gives up on it (TimeoutError: maybe applied) and sends
//              it again, same owner; that copy is applied: INPROGRESS, owner A.
//   t≈350 ms   the handler runs once; the completion makes the record COMPLETED with its result.
//   t=1500 ms  the proxy forwards the first copy. A record naming owner A is ours only while it
//              is INPROGRESS: the late copy must be refused. If it is admitted (`#owner = :owner`
//              alone), the record is INPROGRESS again, its result gone: replays get "in progress"
//              until the lock's end (the Lambda deadline, 3 s), and then the handler runs again.
const REQUEST_TIMEOUT_MS = 300;
const LATE_BY_MS = 1500;
const REMAINING_MS = 3000;
const env = useProxiedTable();

describe('a lock write that reaches DynamoDB after its call completed', () => {
  it('leaves the completed record alone: replays get the stored result and the handler runs once', async () => {
    const client = localClient({
      endpoint: env.proxy.endpoint,
      retryStrategy: shortRetries(3),
      // Without throwOnRequestTimeout, recent SDKs only warn at requestTimeout and keep waiting.
      requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    });
    const store = new DynamoDBStore({ tableName: env.table.tableName, client });
    const runs: IdempotencyToken[] = [];
    const handler = makeIdempotent(
      async (event: { orderId: string }, context: object) => {
        runs.push(getIdempotencyToken(context) as IdempotencyToken);
        return { charged: event.orderId };
      },
      { store, keyPath: 'orderId', keyPrefix: 'late' },
    );
    const orderId = `order-${Math.random().toString(36).slice(2)}`;
    env.proxy.inject({ operations: 'PutItem', fault: 'late', delayMs: LATE_BY_MS, times: 1 });
    const startedMs = Date.now();

    const first = await handler({ orderId }, lambdaContext(REMAINING_MS));
    const completedBeforeLandingMs = Date.now() - startedMs;
    await waitUntil(() => env.proxy.counts().byOutcome.late === 1);
    const key = runs[0]?.key ?? '';
    const afterLanding = await env.direct.get(key);
    const replay = await handler({ orderId }, lambdaContext()).catch((error: unknown) => error);
    await sleep(Math.max(0, startedMs + REMAINING_MS + 200 - Date.now()));
    const replayAfterLockEnd = await handler({ orderId }, lambdaContext()).catch((error: unknown) => error);

    const counts = env.proxy.counts();
    report('late lock write', {
      completedAfterMs: completedBeforeLandingMs,
      recordAfterLanding: afterLanding?.status ?? 'missing',
      replay: replay instanceof Error ? replay.name : 'result',
      handlerRuns: runs.length,
      requests: describeCounts(counts),
    });
    client.destroy();
    expect(first).toEqual({ charged: orderId });
    expect(completedBeforeLandingMs).toBeLessThan(LATE_BY_MS);
    expect(counts.byOperation.PutItem).toMatchObject({ late: 1 });
    expect(afterLanding).toMatchObject({
      status: 'COMPLETED',
      owner: runs[0]?.owner,
      data: JSON.stringify({ charged: orderId }),
    });
    expect(replay).toEqual({ charged: orderId });
    expect(replayAfterLockEnd).toEqual({ charged: orderId });
    expect(runs).toHaveLength(1);
  });
});
