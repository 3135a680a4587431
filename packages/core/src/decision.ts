/**
 * What oncely decided for one invocation:
 * - `executed`: the call ran under the lock (its result stored, or its error released the lock);
 * - `replayed`: a stored result (or cached error) was returned without running the call;
 * - `waited`: a duplicate waited for the running call and returned its result;
 * - `in-progress`: a duplicate was refused while the first call runs;
 * - `validation-failed`: a replay changed the validated part of the payload;
 * - `lock-taken-over`: the call ran, but another call had taken its expired lock, so its result was not stored;
 * - `result-not-stored`: the call ran, but its outcome cannot be stored (too large, not JSON); the record is
 *   completed without it, so the call does not run again and replays fail with `IdempotencyResultNotStoredError`;
 * - `store-failed`: the store could not be read or written before the call ran (an
 *   `IdempotencyPersistenceError` was thrown); the call did not run;
 * - `disabled`: `ONCELY_DISABLED=true`, the call ran unguarded;
 * - `no-key`: the payload had no key; the call ran unguarded, or failed with `requireKey`.
 */
export type Decision =
  | 'executed'
  | 'replayed'
  | 'waited'
  | 'in-progress'
  | 'validation-failed'
  | 'lock-taken-over'
  | 'result-not-stored'
  | 'store-failed'
  | 'disabled'
  | 'no-key';

/**
 * Passed to `onDecision` once per invocation.
 *
 * @example
 * ```ts
 * makeIdempotent(fn, { store, onDecision: (e) => logger.info('idempotency', e) });
 * ```
 */
export interface DecisionEvent {
  /** The idempotency key, when one was derived. */
  key: string | undefined;
  decision: Decision;
  /** From the start of the invocation to the decision's end (the handler included when it ran). */
  durationMs: number;
}

/** The part of Powertools' `Metrics` that `metricsOnDecision` uses. */
export interface MetricsLike {
  addMetric(name: string, unit: string, value: number): unknown;
}

/**
 * An `onDecision` that counts each decision as a CloudWatch metric through the Powertools
 * `Metrics` utility (EMF): `IdempotencyExecuted`, `IdempotencyReplayed`, … (count) and
 * `IdempotencyDurationMs`. Flush with `metrics.publishStoredMetrics()` or its middleware, as usual.
 *
 * @example
 * ```ts
 * const metrics = new Metrics({ namespace: 'payments' });
 * makeIdempotent(fn, { store, onDecision: metricsOnDecision(metrics) });
 * ```
 */
export const metricsOnDecision =
  (metrics: MetricsLike) =>
  (event: DecisionEvent): void => {
    metrics.addMetric(metricNames[event.decision], 'Count', 1);
    metrics.addMetric('IdempotencyDurationMs', 'Milliseconds', event.durationMs);
  };

const metricNames: Record<Decision, string> = {
  executed: 'IdempotencyExecuted',
  replayed: 'IdempotencyReplayed',
  waited: 'IdempotencyWaited',
  'in-progress': 'IdempotencyInProgress',
  'validation-failed': 'IdempotencyValidationFailed',
  'lock-taken-over': 'IdempotencyLockTakenOver',
  'result-not-stored': 'IdempotencyResultNotStored',
  'store-failed': 'IdempotencyStoreFailed',
  disabled: 'IdempotencyDisabled',
  'no-key': 'IdempotencyNoKey',
};
