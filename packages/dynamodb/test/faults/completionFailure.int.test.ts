import { guardedCharge } from '../../../core/test/faults/charge';
import { expectRunAgainPastDeadline } from '../../../core/test/faults/completionPastDeadline';
import { describeCounts, lambdaContext, proxiedStore, report, useProxiedTable } from './faultFixtures';

// Timeline: the handler's side effect has happened; storing its result (UpdateItem) fails
// more times than the SDK retries. oncely retries the completion within the lock's time.
const SDK_MAX_ATTEMPTS = 2;
const env = useProxiedTable();

describe('a completion write that fails more times than the SDK retries', () => {
  it('still returns the result, stores it, and a replay does not run the handler again', async () => {
    const store = proxiedStore(env.proxy, env.table.tableName, SDK_MAX_ATTEMPTS);
    const { handler, runs, decisions } = guardedCharge(store, 'completion');
    env.proxy.inject({ operations: 'UpdateItem', fault: 'fail', times: SDK_MAX_ATTEMPTS + 1 });

    const first = await handler({ orderId: 'o-1' }, lambdaContext(10_000));
    const replay = await handler({ orderId: 'o-1' }, lambdaContext(10_000));

    const counts = env.proxy.counts();
    report('completion failing past the SDK retries', {
      sdkMaxAttempts: SDK_MAX_ATTEMPTS,
      failedCompletionWrites: counts.byOperation.UpdateItem?.fail ?? 0,
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
      requests: describeCounts(counts),
    });
    expect(first).toEqual({ charged: 'o-1', run: 1 });
    expect(replay).toEqual(first);
    expect(runs).toHaveLength(1);
    expect(counts.byOperation.UpdateItem).toEqual({ requests: SDK_MAX_ATTEMPTS + 2, fail: 3, forwarded: 1 });
    expect(await env.direct.get(runs[0]?.key ?? '')).toMatchObject({ status: 'COMPLETED', owner: runs[0]?.owner });
    store.client.destroy();
  });

  // The documented limit: a result that cannot be stored before the Lambda's deadline is lost,
  // and a retry after the lock's expiry runs the handler again.
  it('runs the handler again after the lock expires when the result could not be stored before the deadline', async () => {
    const store = proxiedStore(env.proxy, env.table.tableName, SDK_MAX_ATTEMPTS);
    env.proxy.inject({ operations: 'UpdateItem', fault: 'fail' });

    await expectRunAgainPastDeadline(
      {
        proxied: store,
        direct: env.direct,
        failedCompletions: () => env.proxy.counts().byOperation.UpdateItem?.fail ?? 0,
        reconnect: () => env.proxy.clearFaults(),
      },
      report,
    );
    store.client.destroy();
  });
});
