import { expectZombieFenced, runZombie, zombieFigures } from '../../../core/test/faults/zombie';
import { describeCounts, report, useProxiedRedis } from './faultFixtures';

// Timeline of a zombie: call A holds a 600 ms lease but is cut off from Redis (every renewal,
// the extend script, fails), so its lease lapses while it still runs. Call B, on a client that
// reaches Redis, takes the key over, runs and completes. A reconnects and finishes last: its
// completion is fenced on its owner token.
const LEASE_MS = 600;
const env = useProxiedRedis();

describe('a zombie call that finishes after its lock was taken over', () => {
  it("keeps the record of the call that took over, and a replay returns that call's result", async () => {
    const { proxied, direct } = env.stores();

    const zombie = await runZombie(
      {
        proxied,
        direct,
        leaseMs: LEASE_MS,
        cutOff: () => env.proxy.inject({ operations: 'extend', fault: 'fail' }),
        reconnect: () => env.proxy.clearFaults(),
      },
      'o-1',
    );

    const counts = env.proxy.counts();
    report('zombie', zombieFigures(zombie, describeCounts(counts)));
    expectZombieFenced(zombie);
    expect(zombie.aResult).toEqual({ by: 'A' });
    expect(zombie.b).toEqual({ by: 'B' });
    expect(counts.byOperation.extend?.fail).toBeGreaterThan(0);
  });
});
