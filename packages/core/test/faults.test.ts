import {
  IdempotencyAlreadyInProgressError,
  IdempotencyPersistenceError,
  InMemoryStore,
  makeIdempotent,
} from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { deferred, lambdaContext, recordingLogger } from './fixtures.js';

const counter = () => {
  const state = { runs: 0 };
  const fn = async (event: { id: number }, _context?: unknown) => {
    state.runs += 1;
    return { id: event.id, run: state.runs };
  };
  return { state, fn };
};

describe('completion under store faults', () => {
  it('retries a failing completion, so a later replay does not run the handler again', async () => {
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'complete', fault: 'fail', times: 2 }]);
    const { state, fn } = counter();
    const handler = makeIdempotent(fn, { store });

    const first = await handler({ id: 1 }, lambdaContext());
    const replay = await handler({ id: 1 }, lambdaContext());

    expect(first).toEqual({ id: 1, run: 1 });
    expect(replay).toEqual(first);
    expect(state.runs).toBe(1);
    expect(store.calls.complete).toBe(3);
  });

  it('treats an applied completion that answered with an error as done', async () => {
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'complete', fault: 'ambiguous' }]);
    const { state, fn } = counter();
    const handler = makeIdempotent(fn, { store });

    await handler({ id: 1 }, lambdaContext());
    await handler({ id: 1 }, lambdaContext());

    expect(state.runs).toBe(1);
    expect(store.calls.complete).toBe(2);
  });

  it('still answers the caller when every completion attempt fails, logging the key', async () => {
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'complete', fault: 'fail', times: 100 }]);
    const logger = recordingLogger();
    const { state, fn } = counter();
    const handler = makeIdempotent(fn, { store, logger, keyPrefix: 'k' });

    const result = await handler({ id: 1 }, lambdaContext({ remainingMs: 60_000 }));
    const duplicate = handler({ id: 1 }, lambdaContext());

    expect(result).toEqual({ id: 1, run: 1 });
    await expect(duplicate).rejects.toThrow(IdempotencyAlreadyInProgressError);
    expect(state.runs).toBe(1);
    expect(store.calls.complete).toBe(6);
    const failure = logger.lines.find((line) => line.level === 'error');
    expect(failure?.message).toMatch(/Could not store the result after 6 attempt/);
    expect(failure?.extra[0]).toMatchObject({ key: expect.stringMatching(/^k#/) });
  });

  it('stops retrying the completion when the Lambda is about to time out', async () => {
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'complete', fault: 'fail', times: 100 }]);
    const handler = makeIdempotent(counter().fn, { store });

    await handler({ id: 1 }, lambdaContext({ remainingMs: 150 }));

    expect(store.calls.complete).toBe(1);
  });
});

describe('lock writes under store faults', () => {
  it('runs the handler once when the lock write was applied but answered with an error', async () => {
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'acquire', fault: 'ambiguous' }]);
    const { state, fn } = counter();
    const handler = makeIdempotent(fn, { store });

    const result = await handler({ id: 1 }, lambdaContext());

    expect(result).toEqual({ id: 1, run: 1 });
    expect(state.runs).toBe(1);
    expect(store.calls.acquire).toBe(2);
  });

  it('does not run the handler without a lock, and leaves no lock behind', async () => {
    const inner = new InMemoryStore();
    const store = new FaultyStore(inner, [{ operation: 'acquire', fault: 'ambiguous', times: 3 }]);
    const { state, fn } = counter();
    const handler = makeIdempotent(fn, { store, keyPrefix: 'k' });

    const failed = handler({ id: 1 }, lambdaContext());

    await expect(failed).rejects.toThrow(IdempotencyPersistenceError);
    await expect(failed).rejects.toThrow(/while taking the lock for key "k#.*The call did not run; retry it/s);
    expect(state.runs).toBe(0);
    expect(inner.size).toBe(0);
    expect(await handler({ id: 1 }, lambdaContext())).toEqual({ id: 1, run: 1 });
  });
});

describe('release under store faults', () => {
  it('rethrows the handler’s own error when the release fails, and logs the release failure', async () => {
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'release', fault: 'fail' }]);
    const logger = recordingLogger();
    const handler = makeIdempotent(
      async (_event?: unknown, _context?: unknown) => {
        throw new Error('handler broke');
      },
      { store, logger },
    );

    await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow('handler broke');
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      expect.stringMatching(/Could not release the lock; it frees itself at/),
    ]);
  });
});

describe('a call that outlived its lock', () => {
  it('cannot overwrite the result of the call that took over, and its caller still gets its own result', async () => {
    const store = new InMemoryStore();
    const logger = recordingLogger();
    const gate = deferred();
    const zombie = makeIdempotent(
      async (_event?: unknown, _context?: unknown) => {
        await gate.promise;
        return 'A';
      },
      { store, keyPrefix: 'z', logger },
    );
    const successor = makeIdempotent(async (_event?: unknown, _context?: unknown) => 'B', { store, keyPrefix: 'z' });

    const late = zombie({ id: 1 }, lambdaContext({ remainingMs: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await successor({ id: 1 }, lambdaContext())).toBe('B');
    gate.resolve();

    expect(await late).toBe('A');
    expect(await successor({ id: 1 }, lambdaContext())).toBe('B');
    expect(logger.lines.some((line) => line.level === 'warn' && /taken over/.test(line.message))).toBe(true);
  });
});

describe('the store contract', () => {
  it('is met by FaultyStore without rules, which only counts', async () => {
    const store = new FaultyStore(new InMemoryStore());
    await store.acquire({
      key: 'k',
      owner: 'o',
      lockedUntilMs: Date.now() + 1000,
      expiresAtSec: 2e9,
      nowMs: Date.now(),
    });
    await store.get('k');

    expect(store.calls).toEqual({ acquire: 1, complete: 0, release: 0, extend: 0, get: 1 });
  });

  it('injects a delay before applying the call', async () => {
    const store = new FaultyStore(new InMemoryStore()).inject({ operation: 'get', fault: 'delay', delayMs: 60 });
    const startedMs = Date.now();

    await store.get('k');

    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(55);
  });
});

describe('a lease confirmed after a slow lock write', () => {
  it('is renewed before the handler starts, so a duplicate arriving then is refused', async () => {
    // Timeline: t=0 the lock write leaves with a 300 ms lease; the store applies it at t=400,
    // when that lease is already over; a duplicate arrives at t=450.
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'acquire', fault: 'delay', delayMs: 400 }]);
    const gate = deferred();
    const started = deferred();
    let runs = 0;
    const handler = makeIdempotent(
      async (_event: { id: number }, _context?: unknown) => {
        runs += 1;
        started.resolve();
        await gate.promise;
        return 'done';
      },
      { store, keyPrefix: 'slow-lock', lock: { durationMs: 300 } },
    );
    const first = handler({ id: 1 }, lambdaContext());
    await started.promise;
    await new Promise((resolve) => setTimeout(resolve, 50));

    const duplicate = handler({ id: 1 }, lambdaContext());

    await expect(duplicate).rejects.toThrow(IdempotencyAlreadyInProgressError);
    gate.resolve();
    await expect(first).resolves.toBe('done');
    expect(runs).toBe(1);
  });
});
