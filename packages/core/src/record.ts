/** Status of an idempotency record. */
export type RecordStatus = 'INPROGRESS' | 'COMPLETED';

/**
 * One record per idempotency key, in the layout Powertools uses (see the stores for the
 * attribute names).
 *
 * @example
 * ```ts
 * const record = await store.get(key);
 * if (record && isCompleted(record, Date.now())) console.log(record.data);
 * ```
 */
export interface IdempotencyRecord {
  key: string;
  status: RecordStatus;
  /** Epoch seconds after which the whole record is void (the TTL attribute). */
  expiresAtSec: number;
  /** Epoch milliseconds until which an INPROGRESS lock is held. */
  lockedUntilMs?: number | undefined;
  /** The result as JSON text; absent when the result was `undefined`. */
  data?: string | undefined;
  /** A cached error outcome (`cacheErrors`) as JSON text: `{ name, message, statusCode?, code? }`. */
  error?: string | undefined;
  /** Set when the call ran but its result could not be stored: JSON text `{ reason, sizeBytes?, limitBytes? }`. */
  notStored?: string | undefined;
  /** Hash of the payload part named by the `validate` option. */
  validation?: string | undefined;
  /** Token unique to the call that took the lock. */
  owner?: string | undefined;
}

/**
 * True when the record's TTL has passed: it no longer counts, whatever its status.
 *
 * @example
 * ```ts
 * isRecordExpired({ key: 'k', status: 'COMPLETED', expiresAtSec: 1 }, Date.now()); // true
 * ```
 */
export const isRecordExpired = (record: IdempotencyRecord, nowMs: number): boolean =>
  record.expiresAtSec * 1000 <= nowMs;

/**
 * True when the record is INPROGRESS and its lock has expired, so another call may take over.
 * A lock without an expiry (written by an old Powertools version) is held until the record expires.
 *
 * @example
 * ```ts
 * isLockExpired({ key: 'k', status: 'INPROGRESS', expiresAtSec: 9e9, lockedUntilMs: 0 }, 1); // true
 * ```
 */
export const isLockExpired = (record: IdempotencyRecord, nowMs: number): boolean =>
  record.status === 'INPROGRESS' && record.lockedUntilMs !== undefined && record.lockedUntilMs < nowMs;

/**
 * True when the record may be replaced by a new lock: expired record or expired lock.
 *
 * @example
 * ```ts
 * if (canTakeOver(existing, Date.now())) await store.acquire(lock);
 * ```
 */
export const canTakeOver = (record: IdempotencyRecord, nowMs: number): boolean =>
  isRecordExpired(record, nowMs) || isLockExpired(record, nowMs);

/**
 * True when the record holds a live, completed result.
 *
 * @example
 * ```ts
 * if (isCompleted(record, Date.now())) return JSON.parse(record.data ?? 'null');
 * ```
 */
export const isCompleted = (record: IdempotencyRecord, nowMs: number): boolean =>
  record.status === 'COMPLETED' && !isRecordExpired(record, nowMs);

/**
 * The record status a stored value names, or `undefined` when it names none (a store or tool
 * reading a record written by something else decides what to do with that).
 *
 * @example
 * ```ts
 * parseRecordStatus('COMPLETED'); // 'COMPLETED'
 * parseRecordStatus('EXPIRED'); // undefined
 * ```
 */
export const parseRecordStatus = (value: unknown): RecordStatus | undefined =>
  value === 'INPROGRESS' || value === 'COMPLETED' ? value : undefined;
