import { errorNamed, getIdempotencyToken, type IdempotencyStore, InMemoryStore, makeIdempotent } from '@oncely/core';
import fc from 'fast-check';
// The fault proxy's seeded PRNG, so the engine's jitter replays with the scenario.
import { mulberry32 } from '../../../dynamodb-local/src/faultProxyRules.js';
import { ChaosStore, currentCall, type Fault, type FaultKind } from './ChaosStore.js';
import { type HandlerOutcome, Model, type PlannedCall } from './model.js';

/** How one container (one wrapper instance, one process) is configured. */
export interface ContainerPlan {
  /** A lease for every call; without one, a call with a Lambda context locks until its deadline, one without holds a 60 s lease. */
  readonly lock: { durationMs: number } | undefined;
  readonly waitMs: number | undefined;
  readonly localCache: boolean;
}

export interface CallPlan {
  readonly key: string;
  /** Time since the previous call started. */
  readonly gapMs: number;
  readonly container: number;
  /** The Lambda's remaining time at the call; `undefined` calls without a Lambda context. */
  readonly remainingMs: number | undefined;
  readonly durationMs: number;
  readonly outcome: HandlerOutcome;
}

export interface Scenario {
  readonly expiresAfterSeconds: number;
  readonly containers: readonly ContainerPlan[];
  readonly calls: readonly CallPlan[];
  readonly faults: readonly Fault[];
  /** When a TTL sweep deletes expired records, from the scenario's start. */
  readonly sweepsAtMs: readonly number[];
  readonly randomSeed: number;
}

/**
 * `all`: every call shape of issue 13. `lambda`: every call has a Lambda context and no
 * container sets a lock, so a lock always lasts until the Lambda's deadline (no renewals).
 */
export type Profile = 'all' | 'lambda';

const RESULT_LIMIT_BYTES = 2000;
const T0 = Date.UTC(2026, 0, 1);

const faultArb: fc.Arbitrary<Fault> = fc.record({
  kind: fc.oneof(
    { weight: 14, arbitrary: fc.constant<FaultKind>('pass') },
    { weight: 2, arbitrary: fc.constant<FaultKind>('fail') },
    { weight: 2, arbitrary: fc.constant<FaultKind>('ambiguous') },
    { weight: 2, arbitrary: fc.constant<FaultKind>('delay') },
    { weight: 2, arbitrary: fc.constant<FaultKind>('late') },
    { weight: 2, arbitrary: fc.constant<FaultKind>('duplicate') },
  ),
  delayMs: fc.integer({ min: 1, max: 2500 }),
});

const outcomeArb: fc.Arbitrary<HandlerOutcome> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<HandlerOutcome>('ok') },
  { weight: 2, arbitrary: fc.constant<HandlerOutcome>('throw') },
  { weight: 1, arbitrary: fc.constant<HandlerOutcome>('cachedThrow') },
  { weight: 1, arbitrary: fc.constant<HandlerOutcome>('bigint') },
  { weight: 1, arbitrary: fc.constant<HandlerOutcome>('huge') },
);

/** Scenarios of up to 3 containers calling 1 or 2 keys, with a plan of store faults. */
export const scenarioArb = (profile: Profile): fc.Arbitrary<Scenario> =>
  fc
    .record({
      expiresAfterSeconds: fc.integer({ min: 1, max: 4 }),
      containers: fc.array(
        fc.record({
          lock: fc.option(fc.record({ durationMs: fc.integer({ min: 150, max: 3000 }) }), { nil: undefined }),
          waitMs: fc.option(fc.integer({ min: 100, max: 3000 }), { nil: undefined }),
          localCache: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      calls: fc.array(
        fc.record({
          key: fc.constantFrom('a', 'b'),
          gapMs: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 400, max: 3000 })),
          container: fc.nat(2),
          remainingMs: fc.option(fc.integer({ min: 50, max: 4000 }), { nil: undefined, freq: 4 }),
          durationMs: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 300, max: 4000 })),
          outcome: outcomeArb,
        }),
        { minLength: 2, maxLength: 12 },
      ),
      faults: fc.array(faultArb, { maxLength: 60 }),
      sweepsAtMs: fc.array(fc.integer({ min: 0, max: 15_000 }), { maxLength: 3 }),
      randomSeed: fc.integer(),
    })
    .map((scenario) => (profile === 'all' ? scenario : inLambda(scenario)));

const inLambda = (scenario: Scenario): Scenario => ({
  ...scenario,
  containers: scenario.containers.map((container) => ({ ...container, lock: undefined })),
  calls: scenario.calls.map((call) => ({ ...call, remainingMs: call.remainingMs ?? 3000 })),
});

interface ModelEvent {
  key: string;
  callId: string;
}

class CachedFailure extends Error {
  override name = 'CachedFailure';
}

const handlerFailure = (callId: string): Error => {
  const error = new Error(`handler failed, from ${callId}`);
  error.name = 'HandlerFailure';
  return error;
};

/**
 * Runs a scenario on fake timers: real `makeIdempotent` wrappers (one per container) over a
 * `ChaosStore` over `inner`, calls started at their planned times, time advanced until every
 * call is answered. Returns the model with its timeline and violations.
 */
export const runScenario = async (
  scenario: Scenario,
  inner: IdempotencyStore = new InMemoryStore(),
): Promise<Model> => {
  jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'queueMicrotask'] });
  const random = jest.spyOn(Math, 'random').mockImplementation(mulberry32(scenario.randomSeed));
  try {
    return await drive(scenario, inner);
  } finally {
    jest.clearAllTimers();
    jest.useRealTimers();
    random.mockRestore();
  }
};

const drive = async (scenario: Scenario, inner: IdempotencyStore): Promise<Model> => {
  const model = new Model(T0, scenario.expiresAfterSeconds);
  const store = new ChaosStore(inner, scenario.faults, model, RESULT_LIMIT_BYTES);
  const plans = new Map<string, PlannedCall & { durationMs: number }>();

  const handler = async (event: ModelEvent, context?: unknown) => {
    const plan = plans.get(event.callId);
    if (plan === undefined) throw new Error(`unplanned call ${event.callId}`);
    model.handlerStarted(event.callId);
    if (context !== undefined && getIdempotencyToken(context) === undefined) model.log(`${event.callId} has no token`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(plan.durationMs, plan.deadlineMs + 1 - Date.now())));
    if (Date.now() > plan.deadlineMs) {
      // The Lambda was killed at its deadline: nothing of this call runs any more.
      model.handlerEnded(event.callId, 'killed');
      return new Promise<never>(() => {});
    }
    const origin = `from ${event.callId}`;
    switch (plan.outcome) {
      case 'throw':
        model.handlerEnded(event.callId, 'threw');
        throw handlerFailure(event.callId);
      case 'cachedThrow':
        model.handlerEnded(event.callId, 'threw');
        throw new CachedFailure(`declined, ${origin}`);
      case 'bigint':
        model.handlerEnded(event.callId, 'returned');
        return { callId: event.callId, amount: 10n };
      case 'huge':
        model.handlerEnded(event.callId, 'returned');
        return { callId: event.callId, pad: 'x'.repeat(RESULT_LIMIT_BYTES) };
      case 'ok':
        model.handlerEnded(event.callId, 'returned');
        return { callId: event.callId, key: event.key };
    }
  };

  const wrappers = scenario.containers.map((container) =>
    makeIdempotent(handler, {
      store,
      keyPrefix: 'model',
      key: (event: ModelEvent) => event.key,
      expiresAfterSeconds: scenario.expiresAfterSeconds,
      ...(container.lock && { lock: container.lock }),
      ...(container.waitMs !== undefined && { whenInProgress: { waitMs: container.waitMs } }),
      localCache: container.localCache && { maxEntries: 16 },
      cacheErrors: errorNamed('CachedFailure'),
      logger: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => model.log(`warn: ${message.slice(0, 90)}`),
        error: (message: string) => model.log(`error: ${message.slice(0, 90)}`),
      },
    }),
  );

  let atMs = T0;
  scenario.calls.forEach((call, index) => {
    atMs += call.gapMs;
    const callId = `c${index + 1}`;
    const startMs = atMs;
    const deadlineMs = call.remainingMs === undefined ? Number.POSITIVE_INFINITY : startMs + call.remainingMs;
    const plan = { callId, key: call.key, startMs, deadlineMs, outcome: call.outcome, durationMs: call.durationMs };
    plans.set(callId, plan);
    model.plan(plan);
    const wrapper = wrappers[call.container % wrappers.length];
    setTimeout(() => {
      model.log(
        `${callId} calls key ${call.key} in container ${call.container % wrappers.length} ` +
          `(remaining ${call.remainingMs ?? 'no context'}, runs ${call.durationMs}ms, ${call.outcome})`,
      );
      const event: ModelEvent = { key: call.key, callId };
      const context =
        call.remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => deadlineMs - Date.now() };
      currentCall.run(callId, () => {
        const answer = context === undefined ? wrapper?.(event) : wrapper?.(event, context);
        answer?.then(
          (value) => model.callSettled(callId, { value }),
          (error: unknown) => model.callSettled(callId, { error }),
        );
      });
    }, startMs - T0);
  });
  for (const sweepAtMs of scenario.sweepsAtMs) setTimeout(() => void store.sweep(['a', 'b']), sweepAtMs);

  const horizonMs = atMs + 30_000;
  while (Date.now() < horizonMs && !(model.allAnswered() && store.pending === 0)) {
    await jest.advanceTimersByTimeAsync(100);
  }
  model.finish();
  return model;
};
