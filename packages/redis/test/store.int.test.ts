import { IdempotencyPersistenceError, makeIdempotent } from '@oncely/core';
import { type RedisScriptingClient, RedisStore } from '@oncely/redis';
import { TimeoutError } from '@redis/client';
import { lambdaContext } from '../../core/test/fixtures.js';
import { countCommands, lockFor, restrictedStore, runEveryOperation, uniquePrefix, useRedis } from './fixtures';

const redis = useRedis();

describe('round trips', () => {
  it('takes one command to acquire and one to replay a completed call', async () => {
    const counter = countCommands(redis.client);
    const store = new RedisStore({ client: counter.client, keyPrefix: uniquePrefix() });
    let runs = 0;
    const handler = makeIdempotent(
      async (event: { orderId: string }, _context?: unknown) => {
        runs++;
        return { charged: event.orderId };
      },
      { store, key: 'orderId', localCache: false },
    );
    await handler({ orderId: 'warm-up' }, lambdaContext()); // loads the scripts into Redis
    counter.reset();

    const first = await handler({ orderId: 'o-1' }, lambdaContext());
    const sentByFirst = [...counter.sent];
    counter.reset();
    const replay = await handler({ orderId: 'o-1' }, lambdaContext());

    expect(first).toEqual({ charged: 'o-1' });
    expect(replay).toEqual({ charged: 'o-1' });
    expect(runs).toBe(2);
    expect(sentByFirst).toEqual(['EVALSHA', 'EVALSHA']); // acquire, complete
    expect(counter.sent).toEqual(['EVALSHA']); // acquire, answered with the record
  });

  it('sends the script source once when Redis does not have it cached', async () => {
    const counter = countCommands(redis.client);
    const store = new RedisStore({ client: counter.client, keyPrefix: uniquePrefix() });
    await redis.client.scriptFlush();
    const lock = lockFor();

    const result = await store.acquire(lock);
    const again = await store.acquire(lockFor({ key: lock.key }));

    expect(result).toEqual({ acquired: true });
    expect(again.acquired).toBe(false);
    expect(counter.sent).toEqual(['EVALSHA', 'EVAL', 'EVALSHA']);
  });
});

describe('the record in Redis', () => {
  it('is a hash with the Powertools field names under keyPrefix + key', async () => {
    const store = redis.store();
    const lock = lockFor({ validation: 'v-hash' });
    await store.acquire(lock);
    const inProgress = await redis.client.hGetAll(store.keyPrefix + lock.key);

    await store.complete({ key: lock.key, owner: lock.owner, data: '{"ok":1}', expiresAtSec: lock.expiresAtSec });
    const completed = await redis.client.hGetAll(store.keyPrefix + lock.key);

    expect(inProgress).toEqual({
      status: 'INPROGRESS',
      expiration: String(lock.expiresAtSec),
      in_progress_expiration: String(lock.lockedUntilMs),
      owner: lock.owner,
      validation: 'v-hash',
    });
    expect(completed).toEqual({
      status: 'COMPLETED',
      expiration: String(lock.expiresAtSec),
      owner: lock.owner,
      validation: 'v-hash',
      data: '{"ok":1}',
    });
  });

  it('expires (PEXPIREAT) at the lock record’s expiration', async () => {
    const store = redis.store();
    const lock = lockFor();

    await store.acquire(lock);

    expect(await redis.client.pExpireTime(store.keyPrefix + lock.key)).toBe(lock.expiresAtSec * 1000);
  });

  it('expires at the completed record’s expiration, not the lock’s', async () => {
    const store = redis.store();
    const lock = lockFor();
    await store.acquire(lock);
    const expiresAtSec = Math.floor(Date.now() / 1000) + 7200;

    await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec });
    const pttlMs = await redis.client.pTTL(store.keyPrefix + lock.key);

    expect(pttlMs).toBeGreaterThan(0);
    expect(Math.abs(Date.now() + pttlMs - expiresAtSec * 1000)).toBeLessThan(5_000);
  });

  it('is gone once Redis evicts it, and the key is free again', async () => {
    const store = redis.store();
    const nowMs = Date.now();
    const lock = lockFor({ nowMs, expiresAtSec: Math.floor(nowMs / 1000) + 1 });
    await store.acquire(lock);
    await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec: lock.expiresAtSec });

    await new Promise((resolve) => setTimeout(resolve, lock.expiresAtSec * 1000 - Date.now() + 50));

    expect(await store.get(lock.key)).toBeUndefined();
    expect(await store.acquire(lockFor({ key: lock.key }))).toEqual({ acquired: true });
  });
});

/** A client whose first script call reaches Redis and is then answered with a timeout. */
const timingOutAfterWrite = (client: RedisScriptingClient): RedisScriptingClient => {
  let armed = true;
  const fault = <T>(sent: Promise<T>): Promise<T> =>
    armed
      ? sent.then(() => {
          armed = false;
          throw new TimeoutError();
        })
      : sent;
  return {
    eval: (script, call) => fault(client.eval(script, call)),
    evalSha: (sha1, call) => fault(client.evalSha(sha1, call)),
  };
};

describe('an ambiguous lock write', () => {
  it('fails saying the write may have been applied, and a retry by the same owner acquires', async () => {
    const prefix = uniquePrefix();
    const store = new RedisStore({ client: timingOutAfterWrite(redis.client), keyPrefix: prefix });
    const lock = lockFor();

    const error = await store.acquire(lock).catch((e: unknown) => e);
    const retry = await store.acquire(lock);
    const other = await store.acquire(lockFor({ key: lock.key }));

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(error).toMatchObject({ key: lock.key, cause: expect.any(TimeoutError) });
    expect((error as Error).message).toMatch(/may have been applied; retrying with the same owner is safe/);
    expect(retry).toEqual({ acquired: true });
    expect(other).toMatchObject({ acquired: false, existing: { owner: lock.owner } });
  });

  it('runs the handler once when the engine retries its own lock write', async () => {
    const store = new RedisStore({ client: timingOutAfterWrite(redis.client), keyPrefix: uniquePrefix() });
    let runs = 0;
    const handler = makeIdempotent(
      async (_event: unknown, _context?: unknown) => {
        runs++;
        return 'done';
      },
      { store, key: 'orderId' },
    );

    const result = await handler({ orderId: 'o-ambiguous' }, lambdaContext());

    expect(result).toBe('done');
    expect(runs).toBe(1);
  });
});

describe('a key that holds other data', () => {
  it('fails with IdempotencyPersistenceError naming the key and the fix', async () => {
    const store = redis.store();
    const lock = lockFor();
    await redis.client.set(store.keyPrefix + lock.key, 'not a hash');

    const error = await store.acquire(lock).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect((error as Error).message).toContain(`"${lock.key}"`);
    expect((error as Error).message).toMatch(/WRONGTYPE.*keyPrefix that no other data uses/);
  });

  it('fails on a hash that is not a record', async () => {
    const store = redis.store();
    const key = lockFor().key;
    await redis.client.hSet(store.keyPrefix + key, 'name', 'someone else’s');

    await expect(store.get(key)).rejects.toThrow(/does not hold an idempotency record.*"status"/);
  });
});

describe('a least-privilege Redis user', () => {
  const acl = '+eval +evalsha +hgetall +hget +hmget +hset +hdel +del +exists +pexpireat';

  it('runs every operation with the ACL the README gives', async () => {
    const user = { name: 'oncely', acl, keyPrefix: 'acl:' };
    const { client, store } = await restrictedStore(redis.client, redis.server.url, user);

    try {
      await runEveryOperation(store);
      const outside = new RedisStore({ client, keyPrefix: 'other:' });
      await expect(outside.acquire(lockFor())).rejects.toThrow(/NOPERM.*"other:\*"/);
    } finally {
      await client.close();
    }
  });
});
