import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AcquireResult,
  type Completion,
  type FencedOutcome,
  IdempotencyPersistenceError,
  type IdempotencyRecord,
  type IdempotencyStore,
  type LockRequest,
} from '@oncely/core';
import { type Model, show } from './model.js';

/**
 * What the store does with one operation:
 * - `pass`: apply and answer;
 * - `fail`: throw, nothing applied;
 * - `ambiguous`: apply, then throw;
 * - `delay`: wait `delayMs`, then apply and answer;
 * - `late`: throw a timeout now, apply `delayMs` later (a request delivered late);
 * - `duplicate`: apply and answer, then apply the same request again `delayMs` later.
 */
export type FaultKind = 'pass' | 'fail' | 'ambiguous' | 'delay' | 'late' | 'duplicate';

export interface Fault {
  readonly kind: FaultKind;
  readonly delayMs: number;
}

/** Which call is talking to the store: set around each call of a wrapped handler. */
export const currentCall = new AsyncLocalStorage<string>();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const injected = (operation: string, kind: FaultKind): Error => {
  const error = new Error(`Injected ${kind} fault on ${operation}`);
  error.name = kind === 'late' ? 'TimeoutError' : 'InjectedFault';
  return error;
};

/**
 * A store over another store that answers each operation as the next fault of its plan says
 * (then `pass` once the plan runs out), and reports to the model what was applied, what was
 * acknowledged and what was faulted. A completion larger than `resultLimitBytes` is refused
 * for good, like DynamoDB's 400 KB item limit.
 */
export class ChaosStore implements IdempotencyStore {
  /** Requests held for a late delivery or a duplicate, not yet applied. */
  pending = 0;
  readonly #inner: IdempotencyStore;
  readonly #faults: readonly Fault[];
  readonly #model: Model;
  readonly #resultLimitBytes: number;
  #next = 0;

  constructor(inner: IdempotencyStore, faults: readonly Fault[], model: Model, resultLimitBytes: number) {
    this.#inner = inner;
    this.#faults = faults;
    this.#model = model;
    this.#resultLimitBytes = resultLimitBytes;
  }

  async acquire(lock: LockRequest): Promise<AcquireResult> {
    this.#model.lockRequested(lock, currentCall.getStore());
    const result = await this.#call('acquire', lock.key, lock.owner, async () => {
      const applied = await this.#inner.acquire(lock);
      if (applied.acquired) this.#model.lockApplied(lock.owner, lock.lockedUntilMs);
      return applied;
    });
    this.#model.lockAcknowledged(
      lock.owner,
      result.acquired ? lock.lockedUntilMs : Number.NEGATIVE_INFINITY,
      result.acquired,
    );
    return result;
  }

  async complete(completion: Completion): Promise<FencedOutcome> {
    const sizeBytes = Buffer.byteLength(completion.data ?? '');
    if (sizeBytes > this.#resultLimitBytes) {
      this.#model.log(`complete ${this.#model.ownerName(completion.owner)} refused: result too large`);
      throw Object.assign(
        new IdempotencyPersistenceError(`Item size ${sizeBytes} exceeds the limit`, { key: completion.key }),
        { retryable: false, sizeBytes, limitBytes: this.#resultLimitBytes },
      );
    }
    return this.#call('complete', completion.key, completion.owner, async () => {
      const outcome = await this.#inner.complete(completion);
      if (outcome === 'ok') this.#model.completed(completion);
      return outcome;
    });
  }

  release(...args: Parameters<IdempotencyStore['release']>): Promise<FencedOutcome> {
    const [key, owner] = args;
    return this.#call('release', key, owner, async () => {
      const outcome = await this.#inner.release(...args);
      if (outcome === 'ok') this.#model.released(owner);
      return outcome;
    });
  }

  async extend(...args: Parameters<IdempotencyStore['extend']>): Promise<FencedOutcome> {
    const [key, owner, lockedUntilMs] = args;
    const outcome = await this.#call('extend', key, owner, async () => {
      const applied = await this.#inner.extend(...args);
      if (applied === 'ok') this.#model.lockApplied(owner, lockedUntilMs);
      return applied;
    });
    if (outcome === 'ok') this.#model.lockAcknowledged(owner, lockedUntilMs, false);
    return outcome;
  }

  get(key: string): Promise<IdempotencyRecord | undefined> {
    return this.#call('get', key, undefined, () => this.#inner.get(key));
  }

  /** A TTL sweep, like DynamoDB's: deletes the records that expired (fenced on their owner). */
  async sweep(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const record = await this.#inner.get(key);
      if (record?.owner === undefined || record.expiresAtSec * 1000 > Date.now()) continue;
      const outcome = await this.#inner.release(key, record.owner);
      this.#model.log(`TTL sweep of ${this.#model.keyName(key)} (${this.#model.ownerName(record.owner)}): ${outcome}`);
    }
  }

  async #call<T>(operation: string, key: string, owner: string | undefined, apply: () => Promise<T>): Promise<T> {
    const fault = this.#faults[this.#next++] ?? { kind: 'pass', delayMs: 0 };
    const who = `${operation} ${this.#model.keyName(key)} ${this.#model.ownerName(owner)}`;
    const applyLogged = async (when: string): Promise<T> => {
      const result = await apply();
      this.#model.log(`${who} ${when}applied → ${this.#summary(result)}`);
      return result;
    };
    if (fault.kind !== 'pass') {
      this.#model.log(
        `${who}: ${fault.kind}${fault.kind === 'fail' || fault.kind === 'ambiguous' ? '' : ` ${fault.delayMs}ms`}`,
      );
      this.#model.faulted(operation, owner, fault.kind !== 'duplicate');
    }
    switch (fault.kind) {
      case 'pass':
        return applyLogged('');
      case 'fail':
        throw injected(operation, fault.kind);
      case 'ambiguous':
        await applyLogged('');
        throw injected(operation, fault.kind);
      case 'delay':
        await sleep(fault.delayMs);
        return applyLogged('');
      case 'late':
        this.#later(fault.delayMs, () => applyLogged('late copy '));
        throw injected(operation, fault.kind);
      case 'duplicate': {
        const result = await applyLogged('');
        this.#later(fault.delayMs, () => applyLogged('duplicate '));
        return result;
      }
    }
  }

  #summary(result: unknown): string {
    if (typeof result !== 'object' || result === null) return show(result);
    const record = ('existing' in result ? result.existing : result) as IdempotencyRecord;
    if ('acquired' in result && result.acquired) return 'acquired';
    const lock = record.status === 'INPROGRESS' ? ` until ${this.#model.at(record.lockedUntilMs ?? Number.NaN)}` : '';
    const refused = 'acquired' in result ? 'refused by ' : '';
    return `${refused}${record.status} ${this.#model.ownerName(record.owner)}${lock}, expires ${this.#model.at(record.expiresAtSec * 1000)}`;
  }

  #later(delayMs: number, apply: () => Promise<unknown>): void {
    this.pending += 1;
    setTimeout(() => {
      void apply()
        .catch(() => undefined)
        .finally(() => {
          this.pending -= 1;
        });
    }, delayMs);
  }
}
