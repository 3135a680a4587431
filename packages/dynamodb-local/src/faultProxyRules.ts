/**
 * What the fault proxy does to a request:
 * - `ambiguous`: forwards it (DynamoDB applies the write), then answers HTTP 500.
 * - `fail`: answers HTTP 500 without forwarding.
 * - `throttle`: answers HTTP 400 `ThrottlingException` without forwarding.
 * - `delay`: waits `delayMs`, then forwards it.
 * - `reset`: forwards it, then drops the client's connection without answering.
 * - `late`: holds it `delayMs` without answering (long enough for the client's request timeout
 *   to give up on it), then forwards it and drops the abandoned connection, ignoring the answer:
 *   a write that reaches DynamoDB after its caller moved on.
 */
export type FaultKind = 'ambiguous' | 'fail' | 'throttle' | 'delay' | 'reset' | 'late';

/** How a request ended at the proxy: passed through untouched, or the fault it was given. */
export type FaultOutcome = 'forwarded' | FaultKind;

/**
 * One fault rule. Without `times` or `probability` it hits every matching request.
 *
 * @example
 * ```ts
 * const rule: FaultRule = { operations: ['PutItem', 'UpdateItem'], fault: 'ambiguous', probability: 0.08 };
 * ```
 */
export interface FaultRule {
  /** Operations it applies to, as named in `X-Amz-Target` (`PutItem`). Default: all. */
  operations?: string | readonly string[];
  fault: FaultKind;
  /** Hits only the next `times` matching requests (that its probability picks, if set). */
  times?: number;
  /** Hits each matching request with this probability, drawn from the proxy's seeded RNG. */
  probability?: number;
  /** Latency of a `delay` fault; how long a `late` fault holds the request before forwarding it. */
  delayMs?: number;
}

/**
 * mulberry32: a tiny seeded PRNG, so a fault pattern can be replayed from its seed.
 *
 * @example
 * ```ts
 * const random = mulberry32(42);
 * random(); // the same number in [0, 1) on every run
 * ```
 */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * The operation of a DynamoDB request: `DynamoDB_20120810.PutItem` -> `PutItem`.
 *
 * @example
 * ```ts
 * operationOf('DynamoDB_20120810.PutItem'); // 'PutItem'
 * ```
 */
export const operationOf = (target: string | string[] | undefined): string => {
  const value = Array.isArray(target) ? target[0] : target;
  if (value === undefined || value === '') return 'unknown';
  return value.slice(value.lastIndexOf('.') + 1);
};

const checkRule = (rule: FaultRule): void => {
  const { times, probability, delayMs } = rule;
  if (times !== undefined && !(Number.isInteger(times) && times > 0)) {
    throw new Error(`Fault rule times must be a positive integer, got ${times}`);
  }
  if (probability !== undefined && !(probability >= 0 && probability <= 1)) {
    throw new Error(`Fault rule probability must be within [0, 1], got ${probability}`);
  }
  if ((rule.fault === 'delay' || rule.fault === 'late') && !(delayMs !== undefined && delayMs >= 0)) {
    throw new Error(`A ${rule.fault} fault needs delayMs >= 0, got ${delayMs}`);
  }
};

/**
 * Fault rules in the order they were added; the first that hits a request decides its fate.
 *
 * @example
 * ```ts
 * const rules = new FaultRules(1);
 * rules.add({ operations: 'PutItem', fault: 'fail', times: 2 });
 * rules.pick('PutItem')?.fault; // 'fail'
 * ```
 */
export class FaultRules {
  readonly #random: () => number;
  #rules: { rule: FaultRule; left: number }[] = [];

  constructor(seed: number) {
    this.#random = mulberry32(seed);
  }

  add(rule: FaultRule): void {
    checkRule(rule);
    this.#rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The rule that hits a request of `operation`, if any; counts it against its `times`. */
  pick(operation: string): FaultRule | undefined {
    for (const entry of this.#rules) {
      const { operations, probability } = entry.rule;
      const matches =
        operations === undefined || (typeof operations === 'string' ? [operations] : operations).includes(operation);
      if (!matches || entry.left <= 0) continue;
      if (probability !== undefined && this.#random() >= probability) continue;
      entry.left--;
      return entry.rule;
    }
    return undefined;
  }
}

/**
 * Requests seen by the proxy, per operation and per outcome. A request is counted when it
 * arrives, except a `late` one: it is counted once it has been forwarded and DynamoDB has
 * answered it, so `byOutcome.late` tells a test that a late write has landed.
 *
 * @example
 * ```ts
 * const counts: FaultCounts = proxy.counts();
 * counts.byOperation.PutItem?.ambiguous; // 1
 * ```
 */
export interface FaultCounts {
  total: number;
  byOperation: Record<string, { requests: number } & Partial<Record<FaultOutcome, number>>>;
  byOutcome: Partial<Record<FaultOutcome, number>>;
}

/** An empty tally, to fill with {@link countRequest}. */
export const emptyCounts = (): FaultCounts => ({ total: 0, byOperation: {}, byOutcome: {} });

/** Adds one request to a tally. */
export const countRequest = (counts: FaultCounts, operation: string, outcome: FaultOutcome): void => {
  counts.total++;
  const forOperation = counts.byOperation[operation] ?? { requests: 0 };
  counts.byOperation[operation] = forOperation;
  forOperation.requests++;
  forOperation[outcome] = (forOperation[outcome] ?? 0) + 1;
  counts.byOutcome[outcome] = (counts.byOutcome[outcome] ?? 0) + 1;
};
