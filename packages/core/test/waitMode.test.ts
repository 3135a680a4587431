import { IdempotencyAlreadyInProgressError, type IdempotencyStore, InMemoryStore } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { FakeClock, guardOn, lambdaContextOn } from './fakeClock.js';

const requests = (store: FaultyStore): number => Object.values(store.calls).reduce((sum, n) => sum + n, 0);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

// A handler that takes `runMs` on the clock, counting its runs.
const slowHandler = (clock: FakeClock, runMs: number) => {
  const state = { runs: 0, endedAtMs: Number.NaN };
  const fn = async (event: { id: number }) => {
    state.runs += 1;
    const run = state.runs;
    await clock.sleep(runMs);
    state.endedAtMs = clock.now();
    return { id: event.id, run };
  };
  return { fn, state };
};

describe('wait mode', () => {
  it('answers 30 duplicates in one container with one shared read per beat, soon after the result is stored', async () => {
    const clock = new FakeClock();
    const store = new FaultyStore(new InMemoryStore());
    const { fn, state } = slowHandler(clock, 200);
    const handler = guardOn(clock, fn, { store, keyPrefix: 'w', whenInProgress: { waitMs: 10_000 } });
    const first = handler({ id: 1 }, lambdaContextOn(clock));
    await clock.advance(0);
    const answeredAtMs: number[] = [];

    const waiters = Array.from({ length: 30 }, () =>
      handler({ id: 1 }, lambdaContextOn(clock)).then((result) => {
        answeredAtMs.push(clock.now());
        return result;
      }),
    );
    await clock.until(Promise.all([first, ...waiters]));

    await expect(Promise.all(waiters)).resolves.toEqual(Array(30).fill({ id: 1, run: 1 }));
    expect(state.runs).toBe(1);
    // The holder's lock write and completion, then the waiters' refused lock writes and shared reads.
    expect((requests(store) - 2) / 30).toBeLessThanOrEqual(2);
    expect(median(answeredAtMs) - state.endedAtMs).toBeLessThanOrEqual(50);
  });

  it('costs a lone waiter in its own container its lock write and six reads for a 200 ms call', async () => {
    const clock = new FakeClock();
    const shared = new InMemoryStore();
    const { fn, state } = slowHandler(clock, 200);
    const holder = guardOn(clock, fn, { store: shared, keyPrefix: 'w' });
    const own = new FaultyStore(shared);
    const waiter = guardOn(clock, fn, { store: own, keyPrefix: 'w', whenInProgress: { waitMs: 10_000 } });
    const first = holder({ id: 1 }, lambdaContextOn(clock));
    await clock.advance(0);

    const second = waiter({ id: 1 }, lambdaContextOn(clock));
    const waitedMs = await clock.until(second);

    await expect(second).resolves.toEqual({ id: 1, run: 1 });
    await first;
    expect(own.calls).toMatchObject({ acquire: 1, get: 6 });
    // Read at 25, 50, 75, 112, 169 and 253 ms: answered within half the holder's run time.
    expect(waitedMs - 200).toBeLessThanOrEqual(100);
    expect(state.runs).toBe(1);
  });

  it('takes over the lock of a holder that crashed as soon as the lock ends', async () => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    let runs = 0;
    const crashed = guardOn(
      clock,
      async () => {
        runs += 1;
        return new Promise<never>(() => {}); // frozen: never ends, never renews
      },
      { store, keyPrefix: 'c', lock: { durationMs: 1_000, renew: false } },
    );
    const retry = guardOn(
      clock,
      async () => {
        runs += 1;
        return 'recovered';
      },
      { store, keyPrefix: 'c', whenInProgress: { waitMs: 5_000 } },
    );
    void crashed({ id: 1 }, lambdaContextOn(clock, 600_000));
    await clock.advance(0);

    const waiter = retry({ id: 1 }, lambdaContextOn(clock));
    const waitedMs = await clock.until(waiter);

    await expect(waiter).resolves.toBe('recovered');
    expect(runs).toBe(2);
    // The lock ran until t=1000 ms; it may be taken over from t=1001.
    expect(waitedMs).toBe(1_001);
  });

  it('gives up at waitMs with the in-progress error, after a last look at the record', async () => {
    const clock = new FakeClock();
    const shared = new InMemoryStore();
    const { fn } = slowHandler(clock, 10_000);
    const holder = guardOn(clock, fn, { store: shared, keyPrefix: 'g' });
    const own = new FaultyStore(shared);
    const waiter = guardOn(clock, fn, { store: own, keyPrefix: 'g', whenInProgress: { waitMs: 500 } });
    const first = holder({ id: 1 }, lambdaContextOn(clock));
    await clock.advance(0);

    const second = waiter({ id: 1 }, lambdaContextOn(clock));
    const waitedMs = await clock.until(second);

    await expect(second).rejects.toThrow(IdempotencyAlreadyInProgressError);
    await expect(second).rejects.toThrow(/did not finish within whenInProgress\.waitMs; retry later/);
    expect(waitedMs).toBe(500);
    // Read at 25, 50, 75, 112, 169, 253, 380 ms, and at 500 ms, its deadline.
    expect(own.calls.get).toBe(8);
    await clock.until(first);
  });

  it('gives up before the Lambda deadline, keeping its margin', async () => {
    const clock = new FakeClock();
    const store: IdempotencyStore = new InMemoryStore();
    const { fn } = slowHandler(clock, 10_000);
    const holder = guardOn(clock, fn, { store, keyPrefix: 'd' });
    const waiter = guardOn(clock, fn, { store, keyPrefix: 'd', whenInProgress: { waitMs: 10_000 } });
    const first = holder({ id: 1 }, lambdaContextOn(clock));
    await clock.advance(0);

    const second = waiter({ id: 1 }, lambdaContextOn(clock, 1_000));
    const waitedMs = await clock.until(second);

    await expect(second).rejects.toThrow(IdempotencyAlreadyInProgressError);
    expect(waitedMs).toBe(800);
    await clock.until(first);
  });

  it('answers at once, without waiting, when the record is already complete', async () => {
    const clock = new FakeClock();
    const store = new FaultyStore(new InMemoryStore());
    const { fn } = slowHandler(clock, 10);
    const handler = guardOn(clock, fn, { store, keyPrefix: 'r', whenInProgress: { waitMs: 10_000 } });
    await clock.until(handler({ id: 1 }, lambdaContextOn(clock)));
    const before = requests(store);

    const replay = handler({ id: 1 }, lambdaContextOn(clock));

    expect(await clock.until(replay)).toBe(0);
    expect(requests(store) - before).toBe(1);
  });
});
