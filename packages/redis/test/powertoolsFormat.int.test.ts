import { IdempotencyPersistenceError } from '@oncely/core';
import { storeContract } from '@oncely/core/testing';
import { type RedisScriptingClient, RedisStore } from '@oncely/redis';
import { countCommands, lockFor, restrictedStore, runEveryOperation, uniquePrefix, useRedis } from './fixtures';

// RedisStore with `powertools: 'typescript'`: one JSON string per key, as Powertools'
// CachePersistenceLayer writes it. Records are written here by hand in Powertools' shape; the
// records of Powertools itself are in powertoolsInterop.int.test.ts.

const redis = useRedis();

const powertoolsStore = (client: RedisScriptingClient = redis.client) =>
  new RedisStore({ client, powertools: 'typescript', keyPrefix: uniquePrefix() });

/** The record under the store's Redis key, parsed. */
const stored = async (store: RedisStore, key: string): Promise<unknown> => {
  const text = await redis.client.get(store.keyPrefix + key);
  return text === null ? null : JSON.parse(text);
};

/** Writes a record as Powertools does: SET with EX (seconds from now), NX on a lock. */
const writeAsPowertools = async (store: RedisStore, key: string, item: Record<string, unknown>) => {
  const ttlSec = Number(item.expiration) - Math.floor(Date.now() / 1000);
  await redis.client.set(store.keyPrefix + key, JSON.stringify(item), { EX: Math.max(ttlSec, 1) });
};

describe('RedisStore in the Powertools format', () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(powertoolsStore()));
});

describe('the record in Redis', () => {
  it('is one JSON string with Powertools’ attribute names, plus owner', async () => {
    const store = powertoolsStore();
    const lock = lockFor({ validation: 'v-hash' });

    await store.acquire(lock);
    const inProgress = await stored(store, lock.key);
    await store.complete({ key: lock.key, owner: lock.owner, data: '{"ok":1}', expiresAtSec: lock.expiresAtSec });
    const completed = await stored(store, lock.key);

    expect(inProgress).toEqual({
      status: 'INPROGRESS',
      expiration: lock.expiresAtSec,
      in_progress_expiration: lock.lockedUntilMs,
      validation: 'v-hash',
      owner: lock.owner,
    });
    expect(completed).toEqual({
      status: 'COMPLETED',
      expiration: lock.expiresAtSec,
      data: { ok: 1 },
      validation: 'v-hash',
      owner: lock.owner,
    });
  });

  it('holds the result as a JSON value in data, as Powertools TypeScript does, and no data for undefined', async () => {
    const store = powertoolsStore();
    const results = ['{"a":[1,{"b":null}]}', '[1,"two"]', '"text"', '42', 'true', 'null'];

    for (const data of results) {
      const lock = lockFor();
      await store.acquire(lock);
      await store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });
      expect(await stored(store, lock.key)).toMatchObject({ data: JSON.parse(data) });
      expect((await store.get(lock.key))?.data).toBe(data);
    }
    const empty = lockFor();
    await store.acquire(empty);
    await store.complete({ key: empty.key, owner: empty.owner, expiresAtSec: empty.expiresAtSec });
    expect(await stored(store, empty.key)).not.toHaveProperty('data');
  });

  it('keeps a cached error and a "result not stored" mark as JSON text in fields Powertools does not read', async () => {
    const store = powertoolsStore();
    const failed = lockFor();
    const tooLarge = lockFor();
    const error = JSON.stringify({ name: 'CardDeclined', message: 'declined "now"', statusCode: 402 });
    const notStored = JSON.stringify({ reason: 'too large', sizeBytes: 500_000 });
    await store.acquire(failed);
    await store.acquire(tooLarge);

    await store.complete({ key: failed.key, owner: failed.owner, error, expiresAtSec: failed.expiresAtSec });
    await store.complete({ key: tooLarge.key, owner: tooLarge.owner, notStored, expiresAtSec: tooLarge.expiresAtSec });

    expect(await stored(store, failed.key)).toEqual({
      status: 'COMPLETED',
      expiration: failed.expiresAtSec,
      error,
      owner: failed.owner,
    });
    expect(await stored(store, tooLarge.key)).toMatchObject({ result_not_stored: notStored });
  });

  it('expires (PXAT) at the record’s expiration, through acquire, extend and complete', async () => {
    const store = powertoolsStore();
    const lock = lockFor();
    const redisKey = store.keyPrefix + lock.key;

    await store.acquire(lock);
    const locked = await redis.client.pExpireTime(redisKey);
    await store.extend(lock.key, lock.owner, lock.lockedUntilMs + 1_000, lock.expiresAtSec + 60);
    const extended = await redis.client.pExpireTime(redisKey);
    await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec: lock.expiresAtSec + 7200 });
    const completed = await redis.client.pExpireTime(redisKey);

    expect(locked).toBe(lock.expiresAtSec * 1000);
    expect(extended).toBe((lock.expiresAtSec + 60) * 1000);
    expect(completed).toBe((lock.expiresAtSec + 7200) * 1000);
  });

  // Redis' cjson formats numbers with 14 significant digits and cannot tell {} from []: the
  // scripts never re-encode a number or a result, they write the caller's text.
  it('keeps epoch milliseconds and results digit for digit (no cjson re-encoding)', async () => {
    const store = powertoolsStore();
    const lockedUntilMs = 9_007_199_254_740_990; // 16 digits: cjson would write 9.007199254741e+15
    const lock = lockFor({ lockedUntilMs, expiresAtSec: Math.floor(Date.now() / 1000) + 3600 });
    const data = JSON.stringify({ max: Number.MAX_SAFE_INTEGER, empty: [], object: {}, small: 1e-7, f: 0.1 });

    await store.acquire(lock);
    await store.extend(lock.key, lock.owner, lockedUntilMs + 1, lock.expiresAtSec);
    const extendedText = await redis.client.get(store.keyPrefix + lock.key);
    await store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });
    const completedText = await redis.client.get(store.keyPrefix + lock.key);
    const replay = await store.acquire(lockFor({ key: lock.key }));

    expect(extendedText).toContain(`"in_progress_expiration":${lockedUntilMs + 1}`);
    expect(completedText).toContain(`"data":${data}`);
    expect(replay).toMatchObject({ acquired: false, existing: { data } });
  });

  it('takes one command per operation', async () => {
    const counter = countCommands(redis.client);
    const store = new RedisStore({ client: counter.client, powertools: 'typescript', keyPrefix: uniquePrefix() });
    const lock = lockFor();
    await store.get(lock.key); // loads the get script
    counter.reset();

    await store.acquire(lock);
    await store.acquire(lockFor({ key: lock.key }));
    await store.extend(lock.key, lock.owner, lock.lockedUntilMs + 1, lock.expiresAtSec);
    await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec: lock.expiresAtSec });
    await store.release(lock.key, lock.owner);

    expect(counter.sent.filter((command) => command === 'EVALSHA')).toHaveLength(5);
  });
});

describe('a record Powertools wrote (no owner)', () => {
  it('refuses a live INPROGRESS lock and returns it without owner', async () => {
    const store = powertoolsStore();
    const nowMs = Date.now();
    const key = lockFor().key;
    const item = {
      status: 'INPROGRESS',
      expiration: Math.floor(nowMs / 1000) + 3600,
      in_progress_expiration: nowMs + 30_000,
    };
    await writeAsPowertools(store, key, item);

    const result = await store.acquire(lockFor({ key, nowMs }));

    expect(result).toEqual({
      acquired: false,
      existing: {
        key,
        status: 'INPROGRESS',
        expiresAtSec: item.expiration,
        lockedUntilMs: item.in_progress_expiration,
      },
    });
  });

  it('is taken over once its lock expired, or its record', async () => {
    const store = powertoolsStore();
    const nowMs = Date.now();
    const lockExpired = lockFor({ nowMs });
    const recordExpired = lockFor({ nowMs });
    const liveSec = Math.floor(nowMs / 1000) + 3600;
    await writeAsPowertools(store, lockExpired.key, {
      status: 'INPROGRESS',
      expiration: liveSec,
      in_progress_expiration: nowMs - 1,
    });
    await writeAsPowertools(store, recordExpired.key, { status: 'COMPLETED', expiration: liveSec, data: 'old' });

    const afterLock = await store.acquire(lockExpired);
    const afterRecord = await store.acquire({ ...recordExpired, nowMs: liveSec * 1000 });

    expect(afterLock).toEqual({ acquired: true });
    expect(afterRecord).toEqual({ acquired: true });
    expect(await stored(store, lockExpired.key)).toMatchObject({ owner: lockExpired.owner });
    expect(await stored(store, recordExpired.key)).not.toHaveProperty('data');
  });

  it('holds a lock without in_progress_expiration until the record expires', async () => {
    const store = powertoolsStore();
    const lock = lockFor();
    await writeAsPowertools(store, lock.key, { status: 'INPROGRESS', expiration: lock.expiresAtSec });

    const later = await store.acquire({ ...lock, nowMs: lock.expiresAtSec * 1000 - 1 });
    const expired = await store.acquire({ ...lock, nowMs: lock.expiresAtSec * 1000 });

    expect(later).toMatchObject({ acquired: false, existing: { status: 'INPROGRESS' } });
    expect(expired).toEqual({ acquired: true });
  });

  it('is never ours: complete, release and extend leave it as it is', async () => {
    const store = powertoolsStore();
    const lock = lockFor();
    const item = { status: 'INPROGRESS', expiration: lock.expiresAtSec, in_progress_expiration: lock.lockedUntilMs };
    await writeAsPowertools(store, lock.key, item);

    const outcomes = [
      await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec: lock.expiresAtSec }),
      await store.release(lock.key, lock.owner),
      await store.extend(lock.key, lock.owner, lock.lockedUntilMs + 60_000, lock.expiresAtSec),
      (await store.acquire(lock)).acquired ? 'acquired' : 'refused',
    ];

    expect(outcomes).toEqual(['lock-lost', 'lock-lost', 'lock-lost', 'refused']);
    expect(await stored(store, lock.key)).toEqual(item);
  });

  it('reads a completed record: its data as JSON text, no validation', async () => {
    const store = powertoolsStore();
    const lock = lockFor();
    await writeAsPowertools(store, lock.key, {
      status: 'COMPLETED',
      expiration: lock.expiresAtSec,
      data: { paid: true, items: [] },
    });

    const replay = await store.acquire(lock);

    expect(replay).toEqual({
      acquired: false,
      existing: {
        key: lock.key,
        status: 'COMPLETED',
        expiresAtSec: lock.expiresAtSec,
        data: '{"paid":true,"items":[]}',
      },
    });
  });
});

describe('a key that holds other data', () => {
  it('fails to acquire or get a value that is not a record, and leaves it alone', async () => {
    const store = powertoolsStore();
    const lock = lockFor();
    await redis.client.set(store.keyPrefix + lock.key, 'not json');
    const other = lockFor();
    await redis.client.set(store.keyPrefix + other.key, '{"name":"someone else’s"}');

    const error = await store.acquire(lock).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect((error as Error).message).toMatch(/does not hold an idempotency record.*keyPrefix that no other data uses/);
    await expect(store.get(other.key)).rejects.toThrow(/does not hold an idempotency record.*"status"/);
    expect(await store.release(lock.key, lock.owner)).toBe('lock-lost');
    expect(await store.complete({ key: lock.key, owner: lock.owner, expiresAtSec: lock.expiresAtSec })).toBe(
      'lock-lost',
    );
    expect(await redis.client.get(store.keyPrefix + lock.key)).toBe('not json');
  });

  it('names the fix when the key holds a record in the hash format', async () => {
    const prefix = uniquePrefix();
    const hashStore = new RedisStore({ client: redis.client, keyPrefix: prefix });
    const store = new RedisStore({ client: redis.client, keyPrefix: prefix, powertools: 'typescript' });
    const lock = lockFor();
    await hashStore.acquire(lock);

    const error = await store.acquire(lockFor({ key: lock.key })).catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/WRONGTYPE.*keyPrefix that no other data uses/);
  });
});

describe('a least-privilege Redis user', () => {
  it('runs every operation with the ACL the README gives for the Powertools format', async () => {
    const user = { name: 'powertools', acl: '+eval +evalsha +get +set +del', keyPrefix: 'pt:' };
    const { client, store } = await restrictedStore(redis.client, redis.server.url, user, { powertools: 'typescript' });

    try {
      await runEveryOperation(store);
    } finally {
      await client.close();
    }
  });
});
