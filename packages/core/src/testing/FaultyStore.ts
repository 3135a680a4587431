import type { IdempotencyRecord } from '../record.js';
import type {
  AcquireResult,
  Completion,
  FencedOutcome,
  IdempotencyStore,
  LockRequest,
  StoreOperation,
} from '../store.js';

/**
 * A fault for calls of one operation.
 * - `fail`: throw without touching the store (the write never happened).
 * - `ambiguous`: apply the call to the store, then throw (the caller cannot know it was applied).
 * - `delay`: wait `delayMs`, then apply the call.
 */
export interface FaultRule {
  operation: StoreOperation;
  fault: 'fail' | 'ambiguous' | 'delay';
  /** First matching call (1-based) the rule hits. Default: the next one. */
  nth?: number;
  /** How many matching calls in a row it hits. Default 1. */
  times?: number;
  delayMs?: number;
  /** What is thrown. Default: an `Error` named `InjectedFault`. */
  error?: () => unknown;
}

const injected = (operation: StoreOperation, fault: string): Error => {
  const error = new Error(`Injected ${fault} fault on ${operation}`);
  error.name = 'InjectedFault';
  return error;
};

/**
 * Wraps any store and injects faults into chosen calls, so a handler's behaviour under
 * store failures can be tested. Counts every call per operation.
 *
 * @example
 * ```ts
 * const store = new FaultyStore(new InMemoryStore(), [{ operation: 'complete', fault: 'fail', times: 2 }]);
 * await makeIdempotent(fn, { store })(event); // completes on the third attempt
 * store.calls.complete; // 3
 * ```
 */
export class FaultyStore implements IdempotencyStore {
  readonly calls: Record<StoreOperation, number> = { acquire: 0, complete: 0, release: 0, extend: 0, get: 0 };
  readonly #inner: IdempotencyStore;
  readonly #rules: FaultRule[];

  constructor(inner: IdempotencyStore, rules: FaultRule[] = []) {
    this.#inner = inner;
    this.#rules = [...rules];
  }

  /** Adds a rule; `nth` counts from the calls already made. */
  inject(rule: FaultRule): this {
    this.#rules.push({ ...rule, nth: this.calls[rule.operation] + (rule.nth ?? 1) });
    return this;
  }

  acquire(lock: LockRequest): Promise<AcquireResult> {
    return this.#call('acquire', () => this.#inner.acquire(lock));
  }

  complete(completion: Completion): Promise<FencedOutcome> {
    return this.#call('complete', () => this.#inner.complete(completion));
  }

  release(key: string, owner: string): Promise<FencedOutcome> {
    return this.#call('release', () => this.#inner.release(key, owner));
  }

  extend(key: string, owner: string, lockedUntilMs: number, expiresAtSec: number): Promise<FencedOutcome> {
    return this.#call('extend', () => this.#inner.extend(key, owner, lockedUntilMs, expiresAtSec));
  }

  get(key: string): Promise<IdempotencyRecord | undefined> {
    return this.#call('get', () => this.#inner.get(key));
  }

  async #call<T>(operation: StoreOperation, apply: () => Promise<T>): Promise<T> {
    const callNumber = ++this.calls[operation];
    const rule = this.#rules.find((candidate) => {
      if (candidate.operation !== operation) return false;
      const first = candidate.nth ?? 1;
      return callNumber >= first && callNumber < first + (candidate.times ?? 1);
    });
    if (rule === undefined) return apply();
    const error = rule.error?.() ?? injected(operation, rule.fault);
    switch (rule.fault) {
      case 'fail':
        throw error;
      case 'ambiguous':
        await apply();
        throw error;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, rule.delayMs ?? 0));
        return apply();
    }
  }
}
