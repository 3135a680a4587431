import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { IdempotencyAlreadyInProgressError, makeIdempotent } from '@oncely/core';
import { useTestTable } from '../fixtures';
import { insideHandler, startCrashingLambda } from './crashingLambda';
import { lambdaContext, report, sleep } from './faultFixtures';

// Heartbeat leases on DynamoDB Local. A Lambda (a child process) with ten minutes left takes a
// 2 s lease and is killed inside its handler: its key is free again about 2 s later, not in ten
// minutes. A handler that runs for many leases keeps its lock the whole time.
const LEASE_MS = 2_000;
const FAR_DEADLINE_MS = 600_000;
const local = useTestTable();
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('a heartbeat lease on DynamoDB', () => {
  it('frees the key of a killed call within about one lease, though its Lambda had ten minutes left', async () => {
    let runs = 0;
    const retry = makeIdempotent(
      async (event: { orderId: string }, _context?: unknown) => {
        runs += 1;
        return { charged: event.orderId };
      },
      { store: local.store, key: 'orderId', keyPrefix: 'crash', lock: { durationMs: LEASE_MS } },
    );
    child = startCrashingLambda(local.table.tableName, 'lease-1', FAR_DEADLINE_MS, LEASE_MS);
    const crashed = await insideHandler(child);
    // Let it renew at least once before the kill, so the test covers a renewed lease.
    await sleep(LEASE_MS);
    const renewedUntilMs = (await local.store.get(crashed.key))?.lockedUntilMs ?? 0;
    child.kill('SIGKILL');
    await once(child, 'exit');
    const killedMs = Date.now();

    const early = await retry({ orderId: 'lease-1' }, lambdaContext(FAR_DEADLINE_MS)).catch((e: unknown) => e);
    let result: unknown;
    while (result === undefined) {
      result = await retry({ orderId: 'lease-1' }, lambdaContext(FAR_DEADLINE_MS)).catch((error: unknown) => {
        if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
        return undefined;
      });
      if (result === undefined) await sleep(50);
      if (Date.now() - killedMs > 10_000) throw new Error('the key was not freed within 10 s');
    }
    const freedAfterMs = Date.now() - killedMs;

    report('killed call with a 2 s lease', { freedAfterMs, leaseMs: LEASE_MS, lambdaRemainingMs: FAR_DEADLINE_MS });
    expect(renewedUntilMs).toBeLessThanOrEqual(Date.now() + LEASE_MS);
    expect(early).toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(result).toEqual({ charged: 'lease-1' });
    expect(runs).toBe(1);
    // One lease after the last renewal, plus polling and scheduling slack on a busy machine.
    expect(freedAfterMs).toBeLessThanOrEqual(LEASE_MS + 1_000);
  });

  it('keeps the lock of a handler that runs for five leases, refusing every duplicate meanwhile', async () => {
    const handlerMs = 5 * LEASE_MS;
    let runs = 0;
    const handler = makeIdempotent(
      async (event: { orderId: string }, _context?: unknown) => {
        runs += 1;
        await sleep(handlerMs);
        return { charged: event.orderId };
      },
      { store: local.store, key: 'orderId', keyPrefix: 'long', lock: { durationMs: LEASE_MS } },
    );

    const first = handler({ orderId: 'lease-2' }, lambdaContext(FAR_DEADLINE_MS));
    const duplicates: unknown[] = [];
    const startedMs = Date.now();
    while (Date.now() - startedMs < handlerMs - 500) {
      await sleep(250);
      duplicates.push(await handler({ orderId: 'lease-2' }, lambdaContext(FAR_DEADLINE_MS)).catch((e: unknown) => e));
    }
    const result = await first;
    const replay = await handler({ orderId: 'lease-2' }, lambdaContext(FAR_DEADLINE_MS));

    report('long handler with a 2 s lease', { handlerMs, duplicates: duplicates.length, runs });
    expect(duplicates.length).toBeGreaterThan(20);
    expect(duplicates.every((outcome) => outcome instanceof IdempotencyAlreadyInProgressError)).toBe(true);
    expect(result).toEqual({ charged: 'lease-2' });
    expect(replay).toEqual({ charged: 'lease-2' });
    expect(runs).toBe(1);
  });
});
