import {
  getIdempotencyToken,
  IdempotencyAlreadyInProgressError,
  type IdempotencyToken,
  makeIdempotent,
} from '@oncely/core';
import { useTestTable } from '../fixtures';
import { lambdaContext, report, waitUntil } from './faultFixtures';

// Timeline: the handler never returns; Lambda would stop it at its deadline, 1 s after the
// call began. The lock expires at that deadline, so the Lambda's retry can run the call.
const REMAINING_MS = 1_000;
const local = useTestTable();

describe('a Lambda timeout', () => {
  it('refuses duplicates while the lock lasts, then a retry after the in-progress expiry runs and succeeds', async () => {
    const runs: IdempotencyToken[] = [];
    let hang = true;
    const handler = makeIdempotent(
      async (event: { orderId: string }, context: object) => {
        runs.push(getIdempotencyToken(context) as IdempotencyToken);
        if (hang) await new Promise(() => {});
        return { charged: event.orderId };
      },
      { store: local.store, key: 'orderId', keyPrefix: 'timeout' },
    );
    const startedMs = Date.now();

    void handler({ orderId: 'o-1' }, lambdaContext(REMAINING_MS));
    await waitUntil(() => runs.length === 1);
    const duplicate = await handler({ orderId: 'o-1' }, lambdaContext()).catch((e: unknown) => e);
    const held = await local.store.get(runs[0]?.key ?? '');
    hang = false;
    await waitUntil(async () => ((await local.store.get(runs[0]?.key ?? ''))?.lockedUntilMs ?? 0) < Date.now());
    const retryAfterMs = Date.now() - startedMs;
    const retry = await handler({ orderId: 'o-1' }, lambdaContext());
    const replay = await handler({ orderId: 'o-1' }, lambdaContext());

    report('Lambda timeout', {
      remainingMs: REMAINING_MS,
      lockHeldForMs: (held?.lockedUntilMs ?? 0) - startedMs,
      retryAfterMs,
      handlerRuns: runs.length,
    });
    expect(duplicate).toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(held?.lockedUntilMs).toBeLessThanOrEqual(startedMs + REMAINING_MS + 50);
    expect(retry).toEqual({ charged: 'o-1' });
    expect(replay).toEqual({ charged: 'o-1' });
    expect(runs).toHaveLength(2);
    expect(await local.store.get(runs[1]?.key ?? '')).toMatchObject({ status: 'COMPLETED', owner: runs[1]?.owner });
  });
});
