import { LeaseRenewal } from './lease.js';
import { lockTerm } from './lockTerm.js';
import type { LockOptions } from './options.js';
import type { FencedOutcome } from './store.js';
import { asPersistenceError, type StoreAccess } from './storeRetries.js';
import { bindIdempotencyToken } from './token.js';

/** Identity of one guarded call, bound before the handler runs. */
export interface HeldLock {
  readonly key: string;
  readonly owner: string;
  readonly validation: string | undefined;
  readonly startedMs: number;
  /** The record's expiry as the lock was written (never before the lock's end). */
  readonly expiresAtSec: number;
  /** Until when the lock is surely held: the lease's end, or the Lambda's deadline. */
  readonly heldUntilMs: () => number;
  /** Ends what runs for the call's duration (its token binding, its lease renewal). */
  readonly end: () => void;
}

/** A lock just written, before the handler runs. */
export interface TakenLock {
  readonly key: string;
  readonly owner: string;
  readonly validation: string | undefined;
  readonly startedMs: number;
  readonly expiresAtSec: number;
  readonly lockedUntilMs: number;
  /** The Lambda's deadline; `undefined` without a Lambda context. */
  readonly hardDeadlineMs: number | undefined;
}

type Lease = Readonly<Required<LockOptions>>;

// A lock this module hands out, which remembers that it ended: a flag on the lock, where a WeakSet
// entry per call cost 0.14 µs (and its ephemeron table is walked by every scavenge).
class CallLock implements HeldLock {
  ended = false;
  constructor(
    readonly key: string,
    readonly owner: string,
    readonly validation: string | undefined,
    readonly startedMs: number,
    readonly expiresAtSec: number,
    readonly heldUntilMs: () => number,
    readonly end: () => void,
  ) {}
}

// Locks made elsewhere (an adapter's own `HeldLock`) that have ended.
const othersEnded = new WeakSet<HeldLock>();

/**
 * Ends what runs for a held lock's call (its token binding, its lease renewal), the first time it
 * is asked to: `false` when the lock had ended already, so its outcome is stored once.
 */
export const endLock = (lock: HeldLock): boolean => {
  if (lock instanceof CallLock) {
    if (lock.ended) return false;
    lock.ended = true;
  } else {
    if (othersEnded.has(lock)) return false;
    othersEnded.add(lock);
  }
  lock.end();
  return true;
};

/**
 * A lease's end was set before its lock write; a write that took long (retries, a slow store)
 * may confirm a lease that is nearly or already over, so another call could take the key while
 * the handler runs. Such a lease is renewed before the handler starts; if it was taken over in
 * between, `'lost'`: the call starts over and meets the new holder's record.
 */
export const confirmLease = async (
  access: StoreAccess,
  taken: TakenLock,
  lease: Lease,
): Promise<TakenLock | 'lost'> => {
  const { store, logger, clock } = access;
  const nowMs = clock.now();
  if (taken.lockedUntilMs - nowMs > lease.durationMs / 2) return taken;
  const term = lockTerm({
    nowMs,
    leaseMs: lease.durationMs,
    hardDeadlineMs: taken.hardDeadlineMs,
    leastExpiresAtSec: taken.expiresAtSec,
  });
  let outcome: FencedOutcome;
  try {
    outcome = await store.extend(taken.key, taken.owner, term.lockedUntilMs, term.expiresAtSec);
  } catch (error) {
    if (clock.now() < taken.lockedUntilMs) return taken;
    await store.release(taken.key, taken.owner).catch(() => {});
    throw asPersistenceError(error, taken.key, 'renewing a lease that ran out while it was taken');
  }
  if (outcome === 'lock-lost') {
    logger.warn('The lease ran out while the lock was being taken, and another call took the key', { key: taken.key });
    return 'lost';
  }
  return { ...taken, ...term };
};

/**
 * Holds a taken lock while the handler runs: binds the call's token to the context the handler
 * received (durable or not) and starts its lease renewal, if any.
 */
export const holdLock = (
  access: StoreAccess,
  taken: TakenLock,
  lease: Lease | undefined,
  context: unknown,
): HeldLock => {
  const { key, owner, validation, startedMs, expiresAtSec, lockedUntilMs, hardDeadlineMs } = taken;
  const unbind = bindIdempotencyToken(context, { key, owner });
  if (lease === undefined || !lease.renew) {
    // A lease that is not renewed ends at its first term, however long the Lambda may run.
    const untilMs = lease === undefined ? (hardDeadlineMs ?? lockedUntilMs) : lockedUntilMs;
    return new CallLock(key, owner, validation, startedMs, expiresAtSec, () => untilMs, unbind);
  }
  const renewal = new LeaseRenewal(
    { key, owner, untilMs: lockedUntilMs, hardDeadlineMs, expiresAtSec },
    lease.durationMs,
    access.store,
    access.logger,
    access.clock,
  );
  return new CallLock(
    key,
    owner,
    validation,
    startedMs,
    expiresAtSec,
    () => renewal.untilMs,
    () => {
      renewal.stop();
      unbind();
    },
  );
};
