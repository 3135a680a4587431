import { guardedCharge } from '../../../core/test/faults/charge';
import { expectRunAgainPastDeadline } from '../../../core/test/faults/completionPastDeadline';
import { describeCounts, lambdaContext, report, useProxiedRedis } from './faultFixtures';

// Timeline: the handler's side effect has happened; storing its result (the complete script)
// fails. @redis/client does not retry a failed command: oncely retries the completion within
// the lock's time.
const FAILURES = 3;
const env = useProxiedRedis();

describe('a completion write that fails several times', () => {
  it('still returns the result, stores it, and a replay does not run the handler again', async () => {
    const { proxied, direct } = env.stores();
    const { handler, runs, decisions } = guardedCharge(proxied, 'completion');
    env.proxy.inject({ operations: 'complete', fault: 'fail', times: FAILURES });

    const first = await handler({ orderId: 'o-1' }, lambdaContext(10_000));
    const replay = await handler({ orderId: 'o-1' }, lambdaContext(10_000));

    const counts = env.proxy.counts();
    report('completion failing 3 times', {
      failedCompletionWrites: counts.byOperation.complete?.fail ?? 0,
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
      requests: describeCounts(counts),
    });
    expect(first).toEqual({ charged: 'o-1', run: 1 });
    expect(replay).toEqual(first);
    expect(runs).toHaveLength(1);
    expect(counts.byOperation.complete).toEqual({ requests: FAILURES + 1, fail: FAILURES, forwarded: 1 });
    expect(await direct.get(runs[0]?.key ?? '')).toMatchObject({ status: 'COMPLETED', owner: runs[0]?.owner });
  });

  // The documented limit: a result that cannot be stored before the Lambda's deadline is lost,
  // and a retry after the lock's expiry runs the handler again.
  it('runs the handler again after the lock expires when the result could not be stored before the deadline', async () => {
    const { proxied, direct } = env.stores();
    env.proxy.inject({ operations: 'complete', fault: 'fail' });

    await expectRunAgainPastDeadline(
      {
        proxied,
        direct,
        failedCompletions: () => env.proxy.counts().byOperation.complete?.fail ?? 0,
        reconnect: () => env.proxy.clearFaults(),
      },
      report,
    );
  });
});
