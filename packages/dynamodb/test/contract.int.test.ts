import { canTakeOver } from '@oncely/core/engine';
import { storeContract } from '@oncely/core/testing';
import { lockFor, useTestTable } from './fixtures';

const local = useTestTable();

describe('DynamoDBStore with the default layout', () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(local.store));
});

describe('expiry boundaries', () => {
  it('takes over a record in the second it expires, as canTakeOver judges it', async () => {
    const expiresAtSec = Math.floor(Date.now() / 1000);
    const old = lockFor({
      expiresAtSec,
      nowMs: expiresAtSec * 1000 - 5_000,
      lockedUntilMs: expiresAtSec * 1000 + 60_000,
    });
    await local.store.acquire(old);
    const nowMs = expiresAtSec * 1000;
    const existing = await local.store.get(old.key);

    const result = await local.store.acquire(lockFor({ key: old.key, nowMs }));

    expect(existing && canTakeOver(existing, nowMs)).toBe(true);
    expect(result).toEqual({ acquired: true });
  });

  it('keeps a lock held until the millisecond after lockedUntilMs, as canTakeOver judges it', async () => {
    const nowMs = Date.now();
    const holder = lockFor({ nowMs, lockedUntilMs: nowMs + 1_000 });
    await local.store.acquire(holder);
    const existing = await local.store.get(holder.key);

    const atExpiry = await local.store.acquire(lockFor({ key: holder.key, nowMs: nowMs + 1_000 }));
    const after = await local.store.acquire(lockFor({ key: holder.key, nowMs: nowMs + 1_001 }));

    expect(existing && canTakeOver(existing, nowMs + 1_000)).toBe(false);
    expect(atExpiry.acquired).toBe(false);
    expect(after).toEqual({ acquired: true });
  });
});
