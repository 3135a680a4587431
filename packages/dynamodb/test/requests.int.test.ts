import { makeIdempotent } from '@oncely/core';
import { lambdaContext } from '../../core/test/fixtures.js';
import { countRequests, lockFor, useTestTable } from './fixtures';

const local = useTestTable();
const requests = countRequests(local.client);

beforeEach(() => requests.reset());

describe('requests per operation', () => {
  it('costs one request to acquire a free key', async () => {
    await local.store.acquire(lockFor());

    expect(requests.sent).toEqual(['PutItemCommand']);
  });

  it('costs one request to replay a completed key, the record included', async () => {
    const lock = lockFor();
    await local.store.acquire(lock);
    await local.store.complete({
      key: lock.key,
      owner: lock.owner,
      data: '{"id":42}',
      expiresAtSec: lock.expiresAtSec,
    });
    requests.reset();

    const replay = await local.store.acquire(lockFor({ key: lock.key }));

    expect(replay).toMatchObject({ acquired: false, existing: { status: 'COMPLETED', data: '{"id":42}' } });
    expect(requests.sent).toEqual(['PutItemCommand']);
  });

  it('costs one request each to complete and to release', async () => {
    const done = lockFor();
    const abandoned = lockFor();
    await local.store.acquire(done);
    await local.store.acquire(abandoned);
    requests.reset();

    await local.store.complete({ key: done.key, owner: done.owner, data: '1', expiresAtSec: done.expiresAtSec });
    await local.store.release(abandoned.key, abandoned.owner);

    expect(requests.sent).toEqual(['UpdateItemCommand', 'DeleteItemCommand']);
  });
});

describe('requests per invocation of a wrapped handler', () => {
  const wrap = (options: { localCache?: false | { maxEntries: number } } = {}) => {
    let runs = 0;
    const handler = makeIdempotent(
      async (event: { orderId: string }, _context?: unknown) => {
        runs += 1;
        return { charged: event.orderId };
      },
      { store: local.store, key: 'orderId', keyPrefix: 'requests', localCache: false, ...options },
    );
    return { handler, runs: () => runs };
  };

  it('spends two requests on a first call: the lock and the completion', async () => {
    const { handler, runs } = wrap();

    await handler({ orderId: 'first-call' }, lambdaContext());

    expect(runs()).toBe(1);
    expect(requests.sent).toEqual(['PutItemCommand', 'UpdateItemCommand']);
  });

  it('spends one request on a replay: the refused lock write returns the record', async () => {
    const { handler, runs } = wrap();
    await handler({ orderId: 'replayed' }, lambdaContext());
    requests.reset();

    await expect(handler({ orderId: 'replayed' }, lambdaContext())).resolves.toEqual({ charged: 'replayed' });

    expect(runs()).toBe(1);
    expect(requests.sent).toEqual(['PutItemCommand']);
  });

  it('spends no request on a replay answered by the local cache', async () => {
    const { handler, runs } = wrap({ localCache: { maxEntries: 10 } });
    await handler({ orderId: 'cached' }, lambdaContext());
    requests.reset();

    await expect(handler({ orderId: 'cached' }, lambdaContext())).resolves.toEqual({ charged: 'cached' });

    expect(runs()).toBe(1);
    expect(requests.sent).toEqual([]);
  });
});
