import { expectChargedOnce } from '../../../core/test/faults/charge';
import { lateWriteFigures, runLateWrite } from '../../../core/test/faults/lateWrite';
import { CLIENT_TIMEOUT_MS, describeCounts, report, useProxiedRedis } from './faultFixtures';

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
      env.proxy.inject({ operations: operation, fault: 'late', delayMs: LATE_BY_MS, times: 1 });

      const late = await runLateWrite({
        proxied,
        direct,
        landed: () => env.proxy.counts().byOutcome.late === 1,
        remainingMs: REMAINING_MS,
      });

      const counts = env.proxy.counts();
      report(`client timeout (late ${operation})`, {
        clientTimeoutMs: CLIENT_TIMEOUT_MS,
        ...lateWriteFigures(late, describeCounts(counts)),
      });
      expect(late.completedAfterMs).toBeGreaterThanOrEqual(CLIENT_TIMEOUT_MS);
      expect(late.completedAfterMs).toBeLessThan(LATE_BY_MS);
      expect(counts.byOperation[operation]).toMatchObject({ late: 1 });
      expectChargedOnce(
        late.charge,
        late.orderId,
        [late.first, late.replay, late.replayAfterLockEnd],
        late.afterLanding,
      );
    },
  );
});
