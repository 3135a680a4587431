import { type DecisionEvent, IdempotencyAlreadyInProgressError, InMemoryStore } from '@oncely/core';
import { idempotencyKey } from '@oncely/core/engine';
import { FaultyStore } from '@oncely/core/testing';
import { FakeClock, guardOn, lambdaContextOn, slowStore } from './fakeClock.js';

// The lease, lock-end and expiry timelines of edges.ts, policies.ts and faults.test.ts on a fake
// clock: each instant is exact, so none of them depends on how loaded the machine is.

// A handler held open until `gate` is opened, counting its runs.
const held = () => {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const state = { runs: 0 };
  const fn = async (_event: unknown): Promise<string> => {
    state.runs += 1;
    const run = state.runs;
    await gate;
    return `run ${run}`;
  };
  return { fn, open, state };
};

describe('a record whose expiry is shorter than its call', () => {
  it('still holds the key while the call runs past expiresAfterSeconds', async () => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    const call = held();
    const handler = guardOn(clock, call.fn, { store, keyPrefix: 'short-ttl', expiresAfterSeconds: 1 });
    // Timeline: t=0 lock taken with a 1 s expiry and a 10 s Lambda; t=1.3 s a duplicate
    // arrives after the expiry the option asked for, but before the lock's end.
    const first = handler({ id: 1 }, lambdaContextOn(clock, 10_000));
    await clock.advance(1_300);

    const duplicate = handler({ id: 1 }, lambdaContextOn(clock));

    await expect(duplicate).rejects.toThrow(IdempotencyAlreadyInProgressError);
    const record = await store.get(idempotencyKey('short-ttl', { id: 1 }, 'sha256'));
    expect((record?.expiresAtSec ?? 0) * 1000).toBeGreaterThanOrEqual(record?.lockedUntilMs ?? Number.NaN);
    call.open();
    await expect(first).resolves.toBe('run 1');
    expect(call.state.runs).toBe(1);
  });

  it('moves the expiry with a renewed lease', async () => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    const call = held();
    const handler = guardOn(clock, call.fn, {
      store,
      keyPrefix: 'short-ttl-lease',
      expiresAfterSeconds: 1,
      lock: { durationMs: 600 },
    });
    const first = handler({ id: 1 }, lambdaContextOn(clock, 10_000));
    // Past three lease terms and the record's own expiry: only renewals keep it alive.
    await clock.advance(2_200);

    await expect(handler({ id: 1 }, lambdaContextOn(clock))).rejects.toThrow(IdempotencyAlreadyInProgressError);
    const record = await store.get(idempotencyKey('short-ttl-lease', { id: 1 }, 'sha256'));
    expect(record?.lockedUntilMs).toBeGreaterThan(clock.now());
    expect((record?.expiresAtSec ?? 0) * 1000).toBeGreaterThanOrEqual(record?.lockedUntilMs ?? Number.NaN);
    call.open();
    await first;
    expect(call.state.runs).toBe(1);
  });
});

describe('heartbeat lease', () => {
  it('holds a call without a Lambda context as a renewed lease for as long as it runs', async () => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    const call = held();
    const handler = guardOn(clock, call.fn, { store, keyPrefix: 'no-context', lock: { durationMs: 500 } });
    const first = handler({ id: 1 });
    // Three lock durations later the first call still runs; a fixed lock would have ended.
    await clock.advance(1_500);

    await expect(handler({ id: 1 })).rejects.toThrow(IdempotencyAlreadyInProgressError);
    call.open();
    await expect(first).resolves.toBe('run 1');
    await expect(handler({ id: 1 })).resolves.toBe('run 1');
    expect(call.state.runs).toBe(1);
  });

  it('renews a short lease three times per term, so a duplicate never takes over', async () => {
    const clock = new FakeClock();
    const store = new FaultyStore(new InMemoryStore());
    const call = held();
    const handler = guardOn(clock, call.fn, { store, keyPrefix: 'beat', lock: { durationMs: 300 } });
    const first = handler({ id: 1 }, lambdaContextOn(clock, 600_000));

    for (let beat = 0; beat < 5; beat++) {
      await clock.advance(200);
      await expect(handler({ id: 1 }, lambdaContextOn(clock))).rejects.toThrow(IdempotencyAlreadyInProgressError);
    }
    call.open();

    await expect(first).resolves.toBe('run 1');
    expect(call.state.runs).toBe(1);
    // One renewal every 100 ms for 1 s.
    expect(store.calls.extend).toBe(10);
  });

  it('stops renewing when the handler ends, leaving no timer behind', async () => {
    const clock = new FakeClock();
    const store = new FaultyStore(new InMemoryStore());
    const handler = guardOn(
      clock,
      async () => {
        await clock.sleep(250);
        return 'ok';
      },
      { store, keyPrefix: 'stop', lock: { durationMs: 150 } },
    );
    await clock.until(handler({ id: 1 }, lambdaContextOn(clock)));
    const renewals = store.calls.extend;

    await clock.advance(400);

    expect(renewals).toBe(5);
    expect(store.calls.extend).toBe(renewals);
    expect(clock.pending).toBe(0);
  });

  it('frees the key when the lease of a holder that stopped renewing ends, and not a millisecond before', async () => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    const frozen = guardOn(clock, () => new Promise<never>(() => {}), {
      store,
      keyPrefix: 'f',
      lock: { durationMs: 400, renew: false },
    });
    const retry = guardOn(clock, async () => 'recovered', { store, keyPrefix: 'f' });
    void frozen({ id: 1 }, lambdaContextOn(clock, 600_000));
    await clock.advance(400);

    await expect(retry({ id: 1 }, lambdaContextOn(clock))).rejects.toThrow(IdempotencyAlreadyInProgressError);
    await clock.advance(1);
    await expect(retry({ id: 1 }, lambdaContextOn(clock))).resolves.toBe('recovered');
  });
});

describe('a call that outlived its lock', () => {
  it('reports lock-taken-over and leaves the record of the call that took over', async () => {
    // Timeline: t=0 A takes a 300 ms lock that is not renewed; t=400 B takes over and completes;
    // then A ends.
    const clock = new FakeClock();
    const store = new InMemoryStore();
    const events: DecisionEvent[] = [];
    const call = held();
    const zombie = guardOn(clock, call.fn, {
      store,
      keyPrefix: 'z',
      lock: { durationMs: 300, renew: false },
      onDecision: (event) => events.push(event),
    });
    const successor = guardOn(clock, async () => 'B', { store, keyPrefix: 'z' });
    const late = zombie({ id: 1 }, lambdaContextOn(clock));
    await clock.advance(400);

    await expect(successor({ id: 1 }, lambdaContextOn(clock))).resolves.toBe('B');
    call.open();

    await expect(late).resolves.toBe('run 1');
    await expect(successor({ id: 1 }, lambdaContextOn(clock))).resolves.toBe('B');
    expect(events.map((event) => event.decision)).toEqual(['lock-taken-over']);
  });

  it('is taken over once its Lambda deadline passes', async () => {
    const clock = new FakeClock();
    const store = new InMemoryStore();
    const call = held();
    const zombie = guardOn(clock, call.fn, { store, keyPrefix: 'dl' });
    const successor = guardOn(clock, async () => 'B', { store, keyPrefix: 'dl' });
    const late = zombie({ id: 1 }, lambdaContextOn(clock, 20));
    await clock.advance(20);
    await expect(successor({ id: 1 }, lambdaContextOn(clock))).rejects.toThrow(IdempotencyAlreadyInProgressError);
    await clock.advance(1);

    await expect(successor({ id: 1 }, lambdaContextOn(clock))).resolves.toBe('B');
    call.open();
    await expect(late).resolves.toBe('run 1');
    await expect(successor({ id: 1 }, lambdaContextOn(clock))).resolves.toBe('B');
  });
});

describe('a lease confirmed after a slow lock write', () => {
  it('is renewed before the handler starts, so a duplicate arriving then is refused', async () => {
    // Timeline: t=0 the lock write leaves with a 300 ms lease; the store applies it at t=400,
    // when that lease is already over; a duplicate arrives at t=450.
    const clock = new FakeClock();
    const inner = new InMemoryStore();
    const call = held();
    const handler = guardOn(clock, call.fn, {
      store: slowStore(inner, clock, { acquire: 400 }),
      keyPrefix: 'slow-lock',
      lock: { durationMs: 300 },
    });
    const duplicate = guardOn(clock, call.fn, { store: inner, keyPrefix: 'slow-lock' });
    const first = handler({ id: 1 }, lambdaContextOn(clock));
    await clock.advance(450);

    await expect(duplicate({ id: 1 }, lambdaContextOn(clock))).rejects.toThrow(IdempotencyAlreadyInProgressError);
    call.open();
    await expect(first).resolves.toBe('run 1');
    expect(call.state.runs).toBe(1);
  });
});
