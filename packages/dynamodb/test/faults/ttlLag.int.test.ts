import { getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { useTestTable } from '../fixtures';
import { lambdaContext, report, waitUntil } from './faultFixtures';

// DynamoDB deletes items past their TTL lazily (AWS documents "within a few days"); the test
// table has no TTL at all, so an expired record stays. oncely must judge expiry itself.
const local = useTestTable();

describe('a completed record past its TTL that DynamoDB has not deleted yet', () => {
  it('is neither replayed nor in the way: the call runs again', async () => {
    const runs: IdempotencyToken[] = [];
    const handler = makeIdempotent(
      async (event: { orderId: string }, context: object) => {
        runs.push(getIdempotencyToken(context) as IdempotencyToken);
        return { charged: event.orderId, run: runs.length };
      },
      { store: local.store, key: 'orderId', keyPrefix: 'ttl', expiresAfterSeconds: 1 },
    );

    const first = await handler({ orderId: 'o-1' }, lambdaContext());
    const key = runs[0]?.key ?? '';
    await waitUntil(async () => ((await local.store.get(key))?.expiresAtSec ?? 0) * 1000 <= Date.now(), 3_000);
    const stale = await local.store.get(key);
    const later = await handler({ orderId: 'o-1' }, lambdaContext());

    report('TTL deletion lag', { staleRecordStillThere: stale !== undefined, handlerRuns: runs.length });
    expect(first).toEqual({ charged: 'o-1', run: 1 });
    expect(stale).toMatchObject({ status: 'COMPLETED', owner: runs[0]?.owner });
    expect(later).toEqual({ charged: 'o-1', run: 2 });
    expect(await local.store.get(key)).toMatchObject({ status: 'COMPLETED', owner: runs[1]?.owner });
  });
});
