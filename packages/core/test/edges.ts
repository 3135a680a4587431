import { IdempotencyAlreadyInProgressError, type IdempotencyStore, InMemoryStore } from '@oncely/core';
import { idempotencyKey } from '@oncely/core/engine';
import { deferred, lambdaContext, recordingLogger } from './fixtures.js';
import type { FrontDoor } from './frontDoors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Edges where a handler could run twice or a key stay locked (issue "guarantees at every edge"),
 * for every front door and store. Each package runs it with its own doors and store.
 */
export const describeEdges = (
  doors: FrontDoor[],
  makeStore: () => IdempotencyStore = () => new InMemoryStore(),
): void =>
  describe.each(doors)('edges through %s', (_door, wrap) => {
    // A handler that holds its call open until released, counting its runs.
    const held = () => {
      const gate = deferred();
      const started = deferred();
      let runs = 0;
      const fn = async (_event?: unknown, _context?: unknown) => {
        runs += 1;
        started.resolve();
        await gate.promise;
        return `run ${runs}`;
      };
      return { fn, gate, started, runs: () => runs };
    };

    describe('a record whose expiry is shorter than its call', () => {
      it('still holds the key while the call runs past expiresAfterSeconds', async () => {
        const store = makeStore();
        const call = held();
        const handler = wrap(call.fn, { store, keyPrefix: 'short-ttl', expiresAfterSeconds: 1 });
        // Timeline: t=0 lock taken with a 1 s expiry and a 10 s Lambda; t=1.3 s a duplicate
        // arrives after the expiry the option asked for, but before the lock's end.
        const first = handler({ id: 1 }, lambdaContext({ remainingMs: 10_000 }));
        await call.started.promise;
        await sleep(1300);

        const duplicate = handler({ id: 1 }, lambdaContext());

        await expect(duplicate).rejects.toThrow(IdempotencyAlreadyInProgressError);
        const record = await store.get(idempotencyKey('short-ttl', { id: 1 }, 'sha256'));
        expect((record?.expiresAtSec ?? 0) * 1000).toBeGreaterThanOrEqual(record?.lockedUntilMs ?? Number.NaN);
        call.gate.resolve();
        await expect(first).resolves.toBe('run 1');
        expect(call.runs()).toBe(1);
      });

      it('moves the expiry with a renewed lease', async () => {
        const store = makeStore();
        const call = held();
        const handler = wrap(call.fn, {
          store,
          keyPrefix: 'short-ttl-lease',
          expiresAfterSeconds: 1,
          lock: { durationMs: 600 },
        });
        const first = handler({ id: 1 }, lambdaContext({ remainingMs: 10_000 }));
        await call.started.promise;
        // Past three lease terms and the record's own expiry: only renewals keep it alive.
        await sleep(2200);

        await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow(IdempotencyAlreadyInProgressError);
        const record = await store.get(idempotencyKey('short-ttl-lease', { id: 1 }, 'sha256'));
        expect((record?.expiresAtSec ?? 0) * 1000).toBeGreaterThanOrEqual(record?.lockedUntilMs ?? Number.NaN);
        call.gate.resolve();
        await first;
        expect(call.runs()).toBe(1);
      });
    });

    describe('a call without a Lambda context', () => {
      it('holds its lock as a renewed lease for as long as it runs', async () => {
        const store = makeStore();
        const call = held();
        const handler = wrap(call.fn, { store, keyPrefix: 'no-context', lock: { durationMs: 500 } });
        const first = handler({ id: 1 });
        await call.started.promise;
        // Three lock durations later the first call still runs; a fixed lock would have ended.
        await sleep(1500);

        await expect(handler({ id: 1 })).rejects.toThrow(IdempotencyAlreadyInProgressError);
        call.gate.resolve();
        await expect(first).resolves.toBe('run 1');
        await expect(handler({ id: 1 })).resolves.toBe('run 1');
        expect(call.runs()).toBe(1);
      });
    });

    describe('a cacheErrors predicate that throws', () => {
      it('rethrows the handler’s own error, releases the lock and logs the predicate’s', async () => {
        const store = makeStore();
        const logger = recordingLogger();
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            if (runs === 1) throw Object.assign(new Error('card declined'), { name: 'CardDeclined' });
            return 'charged';
          },
          {
            store,
            keyPrefix: 'predicate',
            logger,
            cacheErrors: () => {
              throw new TypeError('predicate bug');
            },
          },
        );

        await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow('card declined');
        await expect(handler({ id: 1 }, lambdaContext())).resolves.toBe('charged');

        expect(runs).toBe(2);
        const logged = logger.lines.find((line) => line.level === 'error');
        expect(logged?.message).toMatch(/cacheErrors predicate threw/);
        expect(logged?.extra[0]).toMatchObject({ error: expect.objectContaining({ message: 'predicate bug' }) });
      });
    });
  });
