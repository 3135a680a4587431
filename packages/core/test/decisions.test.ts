import { type DecisionEvent, errorNamed, type IdempotencyOptions, InMemoryStore, silentLogger } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { FakeClock, guardOn, lambdaContextOn } from './fakeClock.js';

/** A guarded function (one container) that keeps the decisions it reported. */
type Guarded = ((event: unknown) => Promise<unknown>) & { readonly events: DecisionEvent[] };
type Guard = (
  fn: (event: unknown) => Promise<unknown>,
  options?: Partial<IdempotencyOptions>,
  env?: Record<string, string | undefined>,
) => Guarded;

interface Path {
  /** The decision the invocation under test reports. */
  decision: DecisionEvent['decision'];
  /** Makes earlier calls, then returns the container under test and its invocation. */
  arrange: (guard: Guard, clock: FakeClock) => Promise<{ under: Guarded; invoke: () => Promise<unknown> }>;
}

const ok = async () => 'ok';
const slow = (clock: FakeClock, ms: number) => async () => {
  await clock.sleep(ms);
  return 'slow';
};
const declined = async () => {
  throw Object.assign(new Error('declined'), { name: 'CardDeclined' });
};
const once = (under: Guarded, event: unknown = { id: 1 }) => ({ under, invoke: () => under(event) });

// Two containers of one function: the holder runs in one, the call under test arrives in the other.
const whileRunning = async (
  guard: Guard,
  clock: FakeClock,
  options: Partial<IdempotencyOptions>,
  events: [unknown, unknown] = [{ id: 1 }, { id: 1 }],
) => {
  void guard(slow(clock, 200), options)(events[0]);
  await clock.advance(10);
  return once(guard(ok, options), events[1]);
};

const paths: [string, Path][] = [
  ['a call that runs and stores its result', { decision: 'executed', arrange: async (guard) => once(guard(ok)) }],
  [
    'a replay from the store',
    {
      decision: 'replayed',
      arrange: async (guard) => {
        const handler = guard(ok);
        await handler({ id: 1 });
        return once(handler);
      },
    },
  ],
  [
    'a replay from the local cache',
    {
      decision: 'replayed',
      arrange: async (guard) => {
        const handler = guard(ok, { localCache: { maxEntries: 4 } });
        await handler({ id: 1 });
        return once(handler);
      },
    },
  ],
  [
    'a duplicate that waits for the running call',
    {
      decision: 'waited',
      arrange: (guard, clock) => whileRunning(guard, clock, { whenInProgress: { waitMs: 5_000 } }),
    },
  ],
  [
    'a duplicate refused while the first call runs',
    { decision: 'in-progress', arrange: (guard, clock) => whileRunning(guard, clock, {}) },
  ],
  [
    'a waiter that gives up',
    {
      decision: 'in-progress',
      arrange: (guard, clock) => whileRunning(guard, clock, { whenInProgress: { waitMs: 50 } }),
    },
  ],
  [
    'a replay with a changed validated part',
    {
      decision: 'validation-failed',
      arrange: async (guard) => {
        const handler = guard(ok, { key: 'id', validate: 'amount' });
        await handler({ id: 1, amount: 1 });
        return once(handler, { id: 1, amount: 2 });
      },
    },
  ],
  [
    'a waiter whose validated part differs',
    {
      decision: 'validation-failed',
      arrange: (guard, clock) =>
        whileRunning(guard, clock, { key: 'id', validate: 'amount', whenInProgress: { waitMs: 5_000 } }, [
          { id: 1, amount: 1 },
          { id: 1, amount: 2 },
        ]),
    },
  ],
  ['a payload without its key', { decision: 'no-key', arrange: async (guard) => once(guard(ok, { key: 'id' }), {}) }],
  [
    'a payload without its key, with requireKey: false',
    { decision: 'no-key', arrange: async (guard) => once(guard(ok, { key: 'id', requireKey: false }), {}) },
  ],
  [
    'a call while idempotency is disabled',
    { decision: 'disabled', arrange: async (guard) => once(guard(ok, {}, { ONCELY_DISABLED: 'true' })) },
  ],
  [
    'a failing call whose error is cached',
    {
      decision: 'executed',
      arrange: async (guard) => once(guard(declined, { cacheErrors: errorNamed('CardDeclined') })),
    },
  ],
  [
    'a replay of a cached error',
    {
      decision: 'replayed',
      arrange: async (guard) => {
        const handler = guard(declined, { cacheErrors: errorNamed('CardDeclined') });
        await handler({ id: 1 }).catch(() => {});
        return once(handler);
      },
    },
  ],
  [
    'a failing call whose lock is released',
    {
      decision: 'executed',
      arrange: async (guard) =>
        once(
          guard(async () => {
            throw new Error('broke');
          }),
        ),
    },
  ],
  [
    'a call whose result cannot be stored',
    { decision: 'result-not-stored', arrange: async (guard) => once(guard(async () => ({ amount: 10n }))) },
  ],
  [
    'a call whose lock writes all fail',
    {
      decision: 'store-failed',
      arrange: async (guard) =>
        once(
          guard(ok, {
            store: new FaultyStore(new InMemoryStore(), [{ operation: 'acquire', fault: 'fail', times: 99 }]),
          }),
        ),
    },
  ],
  [
    'a call whose store rejects with nothing at all',
    {
      decision: 'store-failed',
      arrange: async (guard) => {
        const inner = new InMemoryStore();
        const store = {
          acquire: () => Promise.reject(undefined),
          complete: inner.complete.bind(inner),
          release: inner.release.bind(inner),
          extend: inner.extend.bind(inner),
          get: inner.get.bind(inner),
        };
        return once(guard(ok, { store }));
      },
    },
  ],
  [
    'a call whose store keeps failing while it waits',
    {
      decision: 'store-failed',
      arrange: async (guard, clock) => {
        const store = new FaultyStore(new InMemoryStore());
        void guard(slow(clock, 200), { store })({ id: 1 });
        await clock.advance(10);
        store.inject({ operation: 'get', fault: 'fail', times: 99 });
        return once(guard(ok, { store, whenInProgress: { waitMs: 1000 } }));
      },
    },
  ],
  [
    'a call that outlived its lock',
    {
      decision: 'lock-taken-over',
      arrange: async (guard, clock) => {
        // Timeline: t=0 the zombie takes a 300 ms lock; t=400 the successor takes over; t=500 the zombie ends.
        const zombie = guard(slow(clock, 500), { lock: { durationMs: 300, renew: false } });
        const successor = guard(ok);
        return {
          under: zombie,
          invoke: async () => {
            const late = zombie({ id: 1 });
            await clock.advance(400);
            await successor({ id: 1 });
            return late;
          },
        };
      },
    },
  ],
];

describe('onDecision', () => {
  it.each(paths)('reports exactly one decision for %s', async (_path, { decision, arrange }) => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    // Every container of a path shares the prefix: they are one function's calls.
    const guard: Guard = (fn, options = {}, env = {}) => {
      const events: DecisionEvent[] = [];
      const onDecision = (event: DecisionEvent) => events.push(event);
      const handler = guardOn(clock, fn, { store, keyPrefix: 'p', logger: silentLogger, onDecision, ...options }, env);
      return Object.assign((event: unknown) => handler(event, lambdaContextOn(clock)), { events });
    };
    const { under, invoke } = await arrange(guard, clock);
    const before = under.events.length;

    await clock.until(invoke().catch(() => {}));
    await clock.advance(5_000);

    expect(under.events.slice(before).map((event) => event.decision)).toEqual([decision]);
  });
});
