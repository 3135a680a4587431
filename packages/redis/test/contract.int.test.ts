import { canTakeOver } from '@oncely/core/engine';
import { storeContract } from '@oncely/core/testing';
import { lockFor, useRedis } from './fixtures';

const redis = useRedis();

describe('RedisStore', () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(redis.store()));
});

// Redis evicts a key at its expiration by its own clock, so these boundaries use records that
// expire in the future and a caller's clock (`nowMs`) that has reached them.
describe('expiry boundaries', () => {
  it('takes over a record in the second it expires, as canTakeOver judges it', async () => {
    const store = redis.store();
    const expiresAtSec = Math.floor(Date.now() / 1000) + 600;
    const old = lockFor({ expiresAtSec, lockedUntilMs: expiresAtSec * 1000 + 60_000 });
    await store.acquire(old);
    const nowMs = expiresAtSec * 1000;
    const existing = await store.get(old.key);

    const result = await store.acquire(lockFor({ key: old.key, nowMs }));

    expect(existing && canTakeOver(existing, nowMs)).toBe(true);
    expect(result).toEqual({ acquired: true });
  });

  it('keeps a record the millisecond before it expires', async () => {
    const store = redis.store();
    const expiresAtSec = Math.floor(Date.now() / 1000) + 600;
    const old = lockFor({ expiresAtSec, lockedUntilMs: expiresAtSec * 1000 + 60_000 });
    await store.acquire(old);

    const result = await store.acquire(lockFor({ key: old.key, nowMs: expiresAtSec * 1000 - 1 }));

    expect(result).toMatchObject({ acquired: false, existing: { owner: old.owner } });
  });

  it('keeps a lock held until the millisecond after lockedUntilMs, as canTakeOver judges it', async () => {
    const store = redis.store();
    const nowMs = Date.now();
    const holder = lockFor({ nowMs, lockedUntilMs: nowMs + 1_000 });
    await store.acquire(holder);
    const existing = await store.get(holder.key);

    const atExpiry = await store.acquire(lockFor({ key: holder.key, nowMs: nowMs + 1_000 }));
    const after = await store.acquire(lockFor({ key: holder.key, nowMs: nowMs + 1_001 }));

    expect(existing && canTakeOver(existing, nowMs + 1_000)).toBe(false);
    expect(atExpiry.acquired).toBe(false);
    expect(after).toEqual({ acquired: true });
  });

  it('holds a lock without in_progress_expiration until the record expires', async () => {
    const store = redis.store();
    const lock = lockFor();
    await store.acquire(lock);
    await redis.client.hDel(store.keyPrefix + lock.key, 'in_progress_expiration');

    const later = await store.acquire(lockFor({ key: lock.key, nowMs: lock.lockedUntilMs + 60_000 }));

    expect(later).toMatchObject({ acquired: false, existing: { owner: lock.owner } });
    expect(later.acquired === false && later.existing.lockedUntilMs).toBeUndefined();
  });
});
