import {
  countRequest,
  emptyCounts,
  type FaultCounts,
  type FaultOutcome,
  type FaultRule,
  FaultRules,
} from './faultProxyRules.js';

/** What a fault proxy does to one request, as its rules decided. */
export interface FaultDecision {
  outcome: FaultOutcome;
  /** How long a `delay` or `late` request is held before it is forwarded. */
  delayMs: number;
}

/**
 * The part of a fault proxy that knows nothing of its protocol (HTTP for DynamoDB, RESP for
 * Redis): the seeded rules, the tally per operation and outcome, and the requests held by
 * `delay` and `late` faults, which `dropHeld` drops unforwarded so no write reaches the server
 * after the proxy (and the test that owned it) is gone. A test utility.
 *
 * @example
 * ```ts
 * const faults = new FaultInjector(seed, rules);
 * const { outcome, delayMs } = faults.decide('PutItem');
 * if (outcome === 'delay') await faults.hold(delayMs);
 * ```
 */
export class FaultInjector {
  readonly #rules: FaultRules;
  #counts = emptyCounts();
  readonly #held = new Set<NodeJS.Timeout>();

  constructor(seed = 1, rules: readonly FaultRule[] = []) {
    this.#rules = new FaultRules(seed);
    for (const rule of rules) this.#rules.add(rule);
  }

  /** Adds a rule after the existing ones. */
  inject(rule: FaultRule): void {
    this.#rules.add(rule);
  }

  /** Removes every rule: requests pass through again. */
  clearFaults(): void {
    this.#rules.clear();
  }

  /** A copy of the requests counted so far. */
  counts(): FaultCounts {
    return structuredClone(this.#counts);
  }

  resetCounts(): void {
    this.#counts = emptyCounts();
  }

  /** Picks the fault for a request of `operation` and counts it; a `late` one is counted by `countLate`. */
  decide(operation: string): FaultDecision {
    const rule = this.#rules.pick(operation);
    const outcome: FaultOutcome = rule?.fault ?? 'forwarded';
    if (outcome !== 'late') countRequest(this.#counts, operation, outcome);
    return { outcome, delayMs: rule?.delayMs ?? 0 };
  }

  /** Counts a `late` request once the server has answered it. */
  countLate(operation: string): void {
    countRequest(this.#counts, operation, 'late');
  }

  /** Resolves after `ms`, unless `dropHeld` drops the request first (then never). */
  hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#held.delete(timer);
        resolve();
      }, ms);
      this.#held.add(timer);
    });
  }

  /** Drops every held request: they are never forwarded. */
  dropHeld(): void {
    for (const timer of this.#held) clearTimeout(timer);
    this.#held.clear();
  }
}
