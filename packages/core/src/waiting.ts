import type { Clock } from './clock.js';
import { canTakeOver, type IdempotencyRecord, isCompleted } from './record.js';
import type { IdempotencyStore } from './store.js';
import { asPersistenceError } from './storeRetries.js';
import { inProgressVerdict, type Replies, replayVerdict, type Verdict, validationVerdict } from './verdict.js';

// A waiter reads the record again after a delay proportional to how long it has waited: a call
// that has run 200 ms is answered within about half of that after it ends, one that has run 5 s
// is read once a second. A lone waiter (the usual case on Lambda, where concurrent duplicates run
// in different containers) with a 200 ms holder reads 6 times; with a 10 s holder, 20 times.
const FIRST_READ_MS = 25;
const MAX_READ_INTERVAL_MS = 1000;
const LONE_WAITER_RATIO = 0.5;
// Waiters of one key in one container share each read, so they can afford to read more often:
// the ratio falls with their number down to this floor (from 5 waiters on: answered at most a
// tenth of the holder's run time late, or 25 ms). Measured in bench/ (duplicates.ts): 30 callers
// in one process cost about 1.2 store requests per waiter, the lock write included.
const SHARED_RATIO_FLOOR = 0.1;

/**
 * When the waiters of one key read its record next: after a delay proportional to the longest
 * wait among them (`waitingSinceMs`), shorter the more waiters share the read, and never after
 * `untilMs` (the earliest of their deadlines and the holder's lock's end, so a crashed holder is
 * taken over as its lock ends). Pure.
 *
 * @example
 * ```ts
 * nextReadMs({ nowMs: 1_200, waitingSinceMs: 1_000, waiters: 1, untilMs: 9_000 }); // 1_300
 * ```
 */
export const nextReadMs = ({
  nowMs,
  waitingSinceMs,
  waiters,
  untilMs,
}: {
  nowMs: number;
  waitingSinceMs: number;
  waiters: number;
  untilMs: number;
}): number => {
  const ratio = Math.max(SHARED_RATIO_FLOOR, LONE_WAITER_RATIO / Math.max(1, waiters));
  const delayMs = Math.min(MAX_READ_INTERVAL_MS, Math.max(FIRST_READ_MS, (nowMs - waitingSinceMs) * ratio));
  return Math.min(nowMs + delayMs, untilMs);
};

interface Waiter {
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly resolve: (record: IdempotencyRecord | undefined) => void;
  readonly reject: (error: unknown) => void;
}

interface KeyPoll {
  waiters: Waiter[];
  /** When the next read is planned; `undefined` while none is. */
  readAtMs: number | undefined;
  reading: boolean;
}

/**
 * Reads the records of keys that calls in this container wait for: one read per beat for all the
 * waiters of a key. Holds nothing between waits.
 */
export class RecordPoller {
  readonly #polls = new Map<string, KeyPoll>();

  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  /**
   * The record of `key` as read at the next beat, at the latest at `untilMs`. `sinceMs`: when
   * this waiter began to wait for the current holder.
   */
  next(key: string, sinceMs: number, untilMs: number): Promise<IdempotencyRecord | undefined> {
    let poll = this.#polls.get(key);
    if (poll === undefined) {
      poll = { waiters: [], readAtMs: undefined, reading: false };
      this.#polls.set(key, poll);
    }
    const joined = poll;
    return new Promise((resolve, reject) => {
      joined.waiters.push({ sinceMs, untilMs, resolve, reject });
      this.#plan(key, joined);
    });
  }

  // Plans the next read for the poll's waiters, earlier than planned if a new waiter needs it so.
  #plan(key: string, poll: KeyPoll): void {
    if (poll.reading || poll.waiters.length === 0) return;
    const nowMs = this.clock.now();
    const readAtMs = nextReadMs({
      nowMs,
      waitingSinceMs: Math.min(...poll.waiters.map((waiter) => waiter.sinceMs)),
      waiters: poll.waiters.length,
      untilMs: Math.min(...poll.waiters.map((waiter) => waiter.untilMs)),
    });
    if (poll.readAtMs !== undefined && poll.readAtMs <= readAtMs) return;
    poll.readAtMs = readAtMs;
    // A sleep cannot be cancelled: one overtaken by an earlier plan finds another time planned and does nothing.
    void this.clock.sleep(readAtMs - nowMs).then(() => {
      if (poll.readAtMs === readAtMs) void this.#read(key, poll);
    });
  }

  async #read(key: string, poll: KeyPoll): Promise<void> {
    poll.readAtMs = undefined;
    poll.reading = true;
    const waiters = poll.waiters.splice(0);
    try {
      const record = await this.store.get(key);
      for (const waiter of waiters) waiter.resolve(record);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      poll.reading = false;
      // Waiters that joined during the read wait for the next one; the others come back after
      // they have looked at this one, and start a new poll.
      if (poll.waiters.length > 0) this.#plan(key, poll);
      else this.#polls.delete(key);
    }
  }
}

/** What a call that meets a lock it cannot take needs: the clock, the record's reader, the replies. */
export type Waiting = Replies & { readonly clock: Clock; readonly poller: RecordPoller };

// Decides what a call does about a record it could not lock: replay, fail, or wait and retry.
// A waiter reads the record on the schedule of `nextReadMs`, never past the holder's lock
// (a crashed holder is taken over as its lock ends) nor past its own deadline.
export const settle = async (
  waiting: Waiting,
  existing: IdempotencyRecord,
  validation: string | undefined,
  waitUntilMs: number | undefined,
): Promise<Verdict | 'retry'> => {
  const { key } = existing;
  let record: IdempotencyRecord | undefined = existing;
  let waited = false;
  let holder = existing.owner;
  let waitingSinceMs = waiting.clock.now();
  for (;;) {
    const nowMs = waiting.clock.now();
    if (record === undefined || canTakeOver(record, nowMs)) return 'retry';
    if (isCompleted(record, nowMs)) return replayVerdict(waiting, record, validation, waited ? 'waited' : 'replayed');
    const invalid = validationVerdict(record, validation);
    if (invalid !== undefined) return invalid;
    if (waitUntilMs === undefined || nowMs >= waitUntilMs) return inProgressVerdict(record, waitUntilMs !== undefined);
    if (record.owner !== holder) {
      // Another call took the key over: its run has just begun.
      holder = record.owner;
      waitingSinceMs = nowMs;
    }
    // A lock without an end (an old Powertools record) holds until the record expires.
    const lockEndsMs = record.lockedUntilMs === undefined ? record.expiresAtSec * 1000 : record.lockedUntilMs + 1;
    waiting.logger.debug('Waiting for the call in progress', { key });
    try {
      record = await waiting.poller.next(key, waitingSinceMs, Math.min(waitUntilMs, lockEndsMs));
    } catch (error) {
      throw asPersistenceError(error, key, 'reading the record');
    }
    waited = true;
  }
};
