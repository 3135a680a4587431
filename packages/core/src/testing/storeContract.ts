import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { IdempotencyStore, LockRequest } from '../store.js';

/** One behaviour every `IdempotencyStore` must have. Framework-agnostic: it throws on failure. */
export interface StoreContractCase {
  name: string;
  run(store: IdempotencyStore): Promise<void>;
}

const HOUR_SEC = 3600;

const lockFor = (key: string, nowMs: number, overrides: Partial<LockRequest> = {}): LockRequest => ({
  key,
  owner: randomUUID(),
  nowMs,
  lockedUntilMs: nowMs + 30_000,
  expiresAtSec: Math.floor(nowMs / 1000) + HOUR_SEC,
  ...overrides,
});

// Each case uses fresh keys, so one store (one table) can serve the whole suite.
const freshKey = (): string => `contract#${randomUUID()}`;

/**
 * The behaviours that make a store safe for exactly-once execution. Run them with your test
 * framework against any `IdempotencyStore`.
 *
 * @example
 * ```ts
 * import { storeContract } from '@oncely/core/testing';
 * test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(store));
 * ```
 */
export const storeContract: readonly StoreContractCase[] = [
  {
    name: 'acquires a key nobody holds',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs, { validation: 'v-hash' });
      assert.deepEqual(await store.acquire(lock), { acquired: true });
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'INPROGRESS');
      assert.equal(record?.owner, lock.owner);
      assert.equal(record?.lockedUntilMs, lock.lockedUntilMs);
      assert.equal(record?.expiresAtSec, lock.expiresAtSec);
      assert.equal(record?.validation, 'v-hash');
    },
  },
  {
    name: 'refuses a live lock and returns the holder’s record',
    async run(store) {
      const nowMs = Date.now();
      const first = lockFor(freshKey(), nowMs);
      await store.acquire(first);
      const second = await store.acquire(lockFor(first.key, nowMs));
      assert.equal(second.acquired, false);
      if (second.acquired) return;
      assert.equal(second.existing.key, first.key);
      assert.equal(second.existing.status, 'INPROGRESS');
      assert.equal(second.existing.owner, first.owner);
      assert.equal(second.existing.lockedUntilMs, first.lockedUntilMs);
    },
  },
  {
    name: 'refuses a live completed record and returns it with its data',
    async run(store) {
      const nowMs = Date.now();
      const first = lockFor(freshKey(), nowMs);
      await store.acquire(first);
      await store.complete({ key: first.key, owner: first.owner, data: '{"ok":1}', expiresAtSec: first.expiresAtSec });
      const second = await store.acquire(lockFor(first.key, nowMs));
      assert.equal(second.acquired, false);
      if (second.acquired) return;
      assert.equal(second.existing.status, 'COMPLETED');
      assert.equal(second.existing.data, '{"ok":1}');
    },
  },
  {
    name: 'takes over an INPROGRESS record whose lock expired',
    async run(store) {
      const nowMs = Date.now();
      const stale = lockFor(freshKey(), nowMs - 60_000, { lockedUntilMs: nowMs - 1 });
      await store.acquire(stale);
      const takeover = lockFor(stale.key, nowMs);
      assert.deepEqual(await store.acquire(takeover), { acquired: true });
      assert.equal((await store.get(stale.key))?.owner, takeover.owner);
    },
  },
  {
    name: 'takes over a completed record whose TTL passed',
    async run(store) {
      const nowMs = Date.now();
      const old = lockFor(freshKey(), nowMs, { expiresAtSec: Math.floor(nowMs / 1000) - 10 });
      await store.acquire(old);
      await store.complete({ key: old.key, owner: old.owner, data: '1', expiresAtSec: Math.floor(nowMs / 1000) - 5 });
      const fresh = lockFor(old.key, nowMs);
      assert.deepEqual(await store.acquire(fresh), { acquired: true });
      const record = await store.get(old.key);
      assert.equal(record?.status, 'INPROGRESS');
      assert.equal(record?.owner, fresh.owner);
      assert.equal(record?.data, undefined);
    },
  },
  {
    name: 'lets the owner acquire its own lock again (a retry after an ambiguous write)',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs);
      await store.acquire(lock);
      assert.deepEqual(await store.acquire(lock), { acquired: true });
    },
  },
  {
    name: 'refuses a late copy of its own lock write once the record is completed, keeping the result',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs);
      await store.acquire(lock);
      await store.complete({ key: lock.key, owner: lock.owner, data: '"done"', expiresAtSec: lock.expiresAtSec });
      // The SDK gave up on the first lock write; DynamoDB (or Redis) receives it only now.
      const late = await store.acquire(lock);
      assert.equal(late.acquired, false);
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'COMPLETED');
      assert.equal(record?.data, '"done"');
    },
  },
  {
    name: 'refuses a late copy of its own lock write once the lease was renewed past it',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs);
      await store.acquire(lock);
      const renewedUntilMs = lock.lockedUntilMs + 60_000;
      await store.extend(lock.key, lock.owner, renewedUntilMs, Math.ceil(renewedUntilMs / 1000) + 10);
      // The lock write's late copy carries the first, earlier end.
      await store.acquire(lock);
      assert.equal((await store.get(lock.key))?.lockedUntilMs, renewedUntilMs);
    },
  },
  {
    name: 'completes the owner’s record with its data and expiry',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs, { validation: 'v' });
      await store.acquire(lock);
      const expiresAtSec = lock.expiresAtSec + 60;
      assert.equal(await store.complete({ key: lock.key, owner: lock.owner, data: '[1,2]', expiresAtSec }), 'ok');
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'COMPLETED');
      assert.equal(record?.data, '[1,2]');
      assert.equal(record?.expiresAtSec, expiresAtSec);
      assert.equal(record?.validation, 'v');
    },
  },
  {
    name: 'completes a record with an undefined result, which reads back without data',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      assert.equal(await store.complete({ key: lock.key, owner: lock.owner, expiresAtSec: lock.expiresAtSec }), 'ok');
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'COMPLETED');
      assert.equal(record?.data, undefined);
    },
  },
  {
    name: 'accepts the same completion twice (a retry after an ambiguous write)',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      const completion = { key: lock.key, owner: lock.owner, data: '"x"', expiresAtSec: lock.expiresAtSec };
      assert.equal(await store.complete(completion), 'ok');
      assert.equal(await store.complete(completion), 'ok');
    },
  },
  {
    name: 'refuses to complete for a caller whose lock was taken over, keeping the new record',
    async run(store) {
      const nowMs = Date.now();
      const zombie = lockFor(freshKey(), nowMs - 60_000, { lockedUntilMs: nowMs - 1 });
      await store.acquire(zombie);
      const successor = lockFor(zombie.key, nowMs);
      await store.acquire(successor);
      await store.complete({
        key: zombie.key,
        owner: successor.owner,
        data: '"B"',
        expiresAtSec: successor.expiresAtSec,
      });
      const late = { key: zombie.key, owner: zombie.owner, data: '"A"', expiresAtSec: zombie.expiresAtSec };
      assert.equal(await store.complete(late), 'lock-lost');
      const record = await store.get(zombie.key);
      assert.equal(record?.data, '"B"');
      assert.equal(record?.owner, successor.owner);
    },
  },
  {
    name: 'refuses to complete a key that has no record',
    async run(store) {
      const outcome = await store.complete({ key: freshKey(), owner: randomUUID(), data: '1', expiresAtSec: 2e9 });
      assert.equal(outcome, 'lock-lost');
    },
  },
  {
    name: 'releases the owner’s lock so the key is free again',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs);
      await store.acquire(lock);
      assert.equal(await store.release(lock.key, lock.owner), 'ok');
      assert.equal(await store.get(lock.key), undefined);
      assert.deepEqual(await store.acquire(lockFor(lock.key, nowMs)), { acquired: true });
    },
  },
  {
    name: 'refuses to release a lock held by someone else',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      assert.equal(await store.release(lock.key, randomUUID()), 'lock-lost');
      assert.equal((await store.get(lock.key))?.owner, lock.owner);
    },
  },
  {
    name: 'treats releasing a key that is already gone as done (a retry after an ambiguous delete)',
    async run(store) {
      assert.equal(await store.release(freshKey(), randomUUID()), 'ok');
    },
  },
  {
    name: 'extends the owner’s lock',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      assert.equal(await store.extend(lock.key, lock.owner, lock.lockedUntilMs + 60_000, lock.expiresAtSec), 'ok');
      assert.equal((await store.get(lock.key))?.lockedUntilMs, lock.lockedUntilMs + 60_000);
    },
  },
  {
    name: 'moves the record’s expiry with the lock when extending, so the record outlives its lock',
    async run(store) {
      const nowMs = Date.now();
      const lock = lockFor(freshKey(), nowMs, { expiresAtSec: Math.floor(nowMs / 1000) + 2 });
      await store.acquire(lock);
      const lockedUntilMs = nowMs + 120_000;
      const expiresAtSec = Math.ceil(lockedUntilMs / 1000);
      assert.equal(await store.extend(lock.key, lock.owner, lockedUntilMs, expiresAtSec), 'ok');
      const record = await store.get(lock.key);
      assert.equal(record?.expiresAtSec, expiresAtSec);
      // Past the first expiry the record still holds the key against another caller.
      const later = await store.acquire(lockFor(lock.key, nowMs + 10_000));
      assert.equal(later.acquired, false);
    },
  },
  {
    name: 'never moves a lock’s end back (a late copy of an earlier renewal)',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      const later = lock.lockedUntilMs + 60_000;
      const laterSec = Math.ceil(later / 1000) + 10;
      assert.equal(await store.extend(lock.key, lock.owner, later, laterSec), 'ok');
      // The first renewal's copy arrives now: the owner still holds the lock, for longer.
      assert.equal(await store.extend(lock.key, lock.owner, lock.lockedUntilMs + 1000, lock.expiresAtSec), 'ok');
      const record = await store.get(lock.key);
      assert.equal(record?.lockedUntilMs, later);
      assert.equal(record?.expiresAtSec, laterSec);
      // And an SDK retry of the latest renewal, the same values again, is accepted.
      assert.equal(await store.extend(lock.key, lock.owner, later, laterSec), 'ok');
    },
  },
  {
    name: 'refuses to extend a lock held by someone else, or a completed record',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      const later = lock.lockedUntilMs + 60_000;
      assert.equal(await store.extend(lock.key, randomUUID(), later, lock.expiresAtSec), 'lock-lost');
      await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec: lock.expiresAtSec });
      assert.equal(await store.extend(lock.key, lock.owner, later, lock.expiresAtSec), 'lock-lost');
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'COMPLETED');
      assert.equal(record?.lockedUntilMs, undefined);
      assert.equal(await store.extend(freshKey(), lock.owner, lock.lockedUntilMs, lock.expiresAtSec), 'lock-lost');
    },
  },
  {
    name: 'completes with a cached error outcome, which reads back without data',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      const error = JSON.stringify({ name: 'CardDeclined', message: 'declined', statusCode: 402 });
      await store.complete({ key: lock.key, owner: lock.owner, error, expiresAtSec: lock.expiresAtSec });
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'COMPLETED');
      assert.equal(record?.error, error);
      assert.equal(record?.data, undefined);
      const conflict = await store.acquire(lockFor(lock.key, Date.now()));
      assert.equal(conflict.acquired, false);
      if (!conflict.acquired) assert.equal(conflict.existing.error, error);
    },
  },
  {
    name: 'completes a record as "result not stored", which reads back without data or error',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      const notStored = JSON.stringify({ reason: 'too large', sizeBytes: 500_000, limitBytes: 409_600 });
      assert.equal(
        await store.complete({ key: lock.key, owner: lock.owner, notStored, expiresAtSec: lock.expiresAtSec }),
        'ok',
      );
      const record = await store.get(lock.key);
      assert.equal(record?.status, 'COMPLETED');
      assert.equal(record?.notStored, notStored);
      assert.equal(record?.data, undefined);
      assert.equal(record?.error, undefined);
      const conflict = await store.acquire(lockFor(lock.key, Date.now()));
      assert.equal(conflict.acquired, false);
      if (!conflict.acquired) assert.equal(conflict.existing.notStored, notStored);
    },
  },
  {
    name: 'returns undefined from get for an unknown key',
    async run(store) {
      assert.equal(await store.get(freshKey()), undefined);
    },
  },
  {
    name: 'stores large and unicode results unchanged',
    async run(store) {
      const lock = lockFor(freshKey(), Date.now());
      await store.acquire(lock);
      const data = JSON.stringify({ text: 'zß水🙂'.repeat(5000), n: [1, 2, 3] });
      await store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });
      assert.equal((await store.get(lock.key))?.data, data);
    },
  },
];
