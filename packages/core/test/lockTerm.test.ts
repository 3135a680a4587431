import { lockTerm } from '../src/lockTerm.js';
import { nextReadMs } from '../src/waiting.js';

describe('lockTerm', () => {
  const nowMs = 1_000_000;

  it('locks until the Lambda deadline without a lease', () => {
    const term = lockTerm({ nowMs, leaseMs: undefined, hardDeadlineMs: nowMs + 30_000, leastExpiresAtSec: 5_000 });

    expect(term).toEqual({ lockedUntilMs: nowMs + 30_000, expiresAtSec: 5_000 });
  });

  it('ends a lease after its duration when the deadline is further', () => {
    const term = lockTerm({ nowMs, leaseMs: 500, hardDeadlineMs: nowMs + 30_000, leastExpiresAtSec: 0 });

    expect(term.lockedUntilMs).toBe(nowMs + 500);
  });

  it('caps a lease at the Lambda deadline', () => {
    const term = lockTerm({ nowMs, leaseMs: 60_000, hardDeadlineMs: nowMs + 200, leastExpiresAtSec: 0 });

    expect(term.lockedUntilMs).toBe(nowMs + 200);
  });

  it('runs a lease without a deadline for its duration', () => {
    expect(lockTerm({ nowMs, leaseMs: 60_000, hardDeadlineMs: undefined, leastExpiresAtSec: 0 }).lockedUntilMs).toBe(
      nowMs + 60_000,
    );
  });

  it('moves the record expiry to the lock end, rounded up to the second', () => {
    const term = lockTerm({ nowMs: 1_000, leaseMs: 2_500, hardDeadlineMs: undefined, leastExpiresAtSec: 2 });

    expect(term).toEqual({ lockedUntilMs: 3_500, expiresAtSec: 4 });
  });

  it('never moves the record expiry earlier than the one asked for', () => {
    const term = lockTerm({ nowMs: 1_000, leaseMs: 2_500, hardDeadlineMs: undefined, leastExpiresAtSec: 3_600 });

    expect(term.expiresAtSec).toBe(3_600);
  });

  it('still ends the lock at a deadline that has already passed', () => {
    const term = lockTerm({ nowMs, leaseMs: undefined, hardDeadlineMs: nowMs, leastExpiresAtSec: 0 });

    expect(term.lockedUntilMs).toBe(nowMs);
    expect(term.expiresAtSec * 1000).toBeGreaterThanOrEqual(nowMs);
  });

  it('refuses a lock that would never end', () => {
    expect(() => lockTerm({ nowMs, leaseMs: undefined, hardDeadlineMs: undefined, leastExpiresAtSec: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('nextReadMs', () => {
  const schedule = (waiters: number, holderMs: number): number[] => {
    const reads: number[] = [];
    for (let atMs = 0; atMs < holderMs; ) {
      atMs = nextReadMs({ nowMs: atMs, waitingSinceMs: 0, waiters, untilMs: Number.POSITIVE_INFINITY });
      reads.push(atMs);
    }
    return reads;
  };

  it('reads a lone waiter’s record after a delay of half the time it has waited, from 25 ms', () => {
    expect(schedule(1, 200).map(Math.round)).toEqual([25, 50, 75, 113, 169, 253]);
  });

  it('reads at most once a second', () => {
    const reads = schedule(1, 10_000);

    expect(Math.max(...reads.slice(1).map((atMs, index) => atMs - (reads[index] as number)))).toBe(1000);
    expect(reads).toHaveLength(20);
  });

  it('reads more often for many waiters sharing each read, at most a tenth of the wait or 25 ms late', () => {
    const reads = schedule(30, 1_000);

    expect(reads.at(-1)).toBeLessThanOrEqual(1_000 * 1.1);
    expect(schedule(30, 200).at(-1)).toBeLessThanOrEqual(200 + 25);
    expect(schedule(30, 200).length).toBeGreaterThan(schedule(1, 200).length);
  });

  it('never reads after the earliest deadline or the holder’s lock end', () => {
    expect(nextReadMs({ nowMs: 5_000, waitingSinceMs: 0, waiters: 1, untilMs: 5_010 })).toBe(5_010);
  });
});
