/** Until when a lock holds its key, and until when its record lives. */
export interface LockTerm {
  /** The lock's end: the lease's, or the Lambda's deadline. */
  readonly lockedUntilMs: number;
  /** The record's expiry: never before the lock's end, or the record could be taken over while locked. */
  readonly expiresAtSec: number;
}

/**
 * The term of a lock taken or renewed at `nowMs`: the one computation behind taking a lock,
 * renewing a lease confirmed late, and each lease renewal.
 * - `leaseMs`: a lease of this length; `undefined`: the lock lasts until `hardDeadlineMs`.
 * - `hardDeadlineMs`: the Lambda's deadline; a lease never runs past it (`undefined`: no deadline).
 * - `leastExpiresAtSec`: the record's expiry as asked for (now plus `expiresAfterSeconds`, or the
 *   expiry already written); it only moves later, to the lock's end.
 * Pure: the caller passes the time.
 *
 * @example
 * ```ts
 * lockTerm({ nowMs: 1_000, leaseMs: 500, hardDeadlineMs: 1_200, leastExpiresAtSec: 0 });
 * // { lockedUntilMs: 1_200, expiresAtSec: 2 }
 * ```
 */
export const lockTerm = ({
  nowMs,
  leaseMs,
  hardDeadlineMs,
  leastExpiresAtSec,
}: {
  nowMs: number;
  leaseMs: number | undefined;
  hardDeadlineMs: number | undefined;
  leastExpiresAtSec: number;
}): LockTerm => {
  const lockedUntilMs = Math.min(
    leaseMs === undefined ? Number.POSITIVE_INFINITY : nowMs + leaseMs,
    hardDeadlineMs ?? Number.POSITIVE_INFINITY,
  );
  // Every lock ends: without a Lambda deadline the engine always holds a lease.
  if (!Number.isFinite(lockedUntilMs)) throw new RangeError('A lock needs a lease or a deadline');
  return { lockedUntilMs, expiresAtSec: Math.max(leastExpiresAtSec, Math.ceil(lockedUntilMs / 1000)) };
};

/**
 * The Lambda's deadline as seen at `nowMs`; a remaining time of 0 still sets one (the lock must
 * never outlive the Lambda). `undefined` without a Lambda context.
 *
 * @example
 * ```ts
 * hardDeadline(1_000, context); // 1_000 + context.getRemainingTimeInMillis()
 * ```
 */
export const hardDeadline = (
  nowMs: number,
  context: { getRemainingTimeInMillis(): number } | undefined,
): number | undefined => (context ? nowMs + Math.max(0, context.getRemainingTimeInMillis()) : undefined);
