import { canTakeOver, type IdempotencyRecord } from './record.js';
import type { AcquireResult, Completion, FencedOutcome, IdempotencyStore, LockRequest } from './store.js';

const ACQUIRED: AcquireResult = Object.freeze({ acquired: true });

/**
 * An `IdempotencyStore` in the process's memory, with the same semantics as the DynamoDB
 * store: conditional acquire, owner-fenced complete and release, expiry. For unit tests and
 * local runs; records do not outlive the process and are not shared between containers.
 *
 * @example
 * ```ts
 * const handler = makeIdempotent(fn, { store: new InMemoryStore() });
 * ```
 */
export class InMemoryStore implements IdempotencyStore {
  readonly #records = new Map<string, IdempotencyRecord>();

  async acquire(lock: LockRequest): Promise<AcquireResult> {
    const existing = this.#records.get(lock.key);
    // Our own owner is admitted only while the record is still our lock, not yet renewed past
    // this write: a late copy of the lock write must never turn a COMPLETED record back into a
    // lock, nor move a renewed lease's end back.
    const lockIsOurs =
      existing?.owner === lock.owner &&
      existing.status === 'INPROGRESS' &&
      (existing.lockedUntilMs ?? 0) <= lock.lockedUntilMs;
    if (existing && !lockIsOurs && !canTakeOver(existing, lock.nowMs)) {
      return { acquired: false, existing: { ...existing } };
    }
    this.#records.set(lock.key, {
      key: lock.key,
      status: 'INPROGRESS',
      expiresAtSec: lock.expiresAtSec,
      lockedUntilMs: lock.lockedUntilMs,
      validation: lock.validation,
      owner: lock.owner,
      data: undefined,
      error: undefined,
      notStored: undefined,
    });
    return ACQUIRED;
  }

  async complete(completion: Completion): Promise<FencedOutcome> {
    const existing = this.#records.get(completion.key);
    if (existing?.owner !== completion.owner) return 'lock-lost';
    // Every record is written with all its fields in one order, so all share one hidden class.
    this.#records.set(completion.key, {
      key: existing.key,
      status: 'COMPLETED',
      expiresAtSec: completion.expiresAtSec,
      lockedUntilMs: undefined,
      validation: existing.validation,
      owner: existing.owner,
      data: completion.data,
      error: completion.error,
      notStored: completion.notStored,
    });
    return 'ok';
  }

  async extend(key: string, owner: string, lockedUntilMs: number, expiresAtSec: number): Promise<FencedOutcome> {
    const existing = this.#records.get(key);
    if (existing?.owner !== owner || existing.status !== 'INPROGRESS') return 'lock-lost';
    // A late copy of an earlier renewal never moves the lock's end back.
    if (existing.lockedUntilMs !== undefined && existing.lockedUntilMs > lockedUntilMs) return 'ok';
    existing.lockedUntilMs = lockedUntilMs;
    existing.expiresAtSec = expiresAtSec;
    return 'ok';
  }

  async release(key: string, owner: string): Promise<FencedOutcome> {
    const existing = this.#records.get(key);
    if (existing === undefined) return 'ok';
    if (existing.owner !== owner) return 'lock-lost';
    this.#records.delete(key);
    return 'ok';
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    // Like DynamoDB, whose TTL sweep lags by hours, an expired record is still returned:
    // callers judge expiry with `isRecordExpired`.
    const existing = this.#records.get(key);
    return existing && { ...existing };
  }

  /** Number of records held, expired ones included. */
  get size(): number {
    return this.#records.size;
  }
}
