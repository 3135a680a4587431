import { DynamoDBStore } from '@oncely/dynamodb';
import { expectChargedOnce } from '../../../core/test/faults/charge';
import { lateWriteFigures, runLateWrite } from '../../../core/test/faults/lateWrite';
import { localClient } from '../fixtures';
import { describeCounts, report, shortRetries, useProxiedTable } from './faultFixtures';

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
    env.proxy.inject({ operations: 'PutItem', fault: 'late', delayMs: LATE_BY_MS, times: 1 });

    const late = await runLateWrite({
      proxied: new DynamoDBStore({ tableName: env.table.tableName, client }),
      direct: env.direct,
      landed: () => env.proxy.counts().byOutcome.late === 1,
      remainingMs: REMAINING_MS,
    });

    const counts = env.proxy.counts();
    report('late lock write', lateWriteFigures(late, describeCounts(counts)));
    client.destroy();
    expect(late.completedAfterMs).toBeLessThan(LATE_BY_MS);
    expect(counts.byOperation.PutItem).toMatchObject({ late: 1 });
    expectChargedOnce(late.charge, late.orderId, [late.first, late.replay, late.replayAfterLockEnd], late.afterLanding);
  });
});
