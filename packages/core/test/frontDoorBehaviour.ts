import {
  IdempotencyAlreadyInProgressError,
  IdempotencyKeyError,
  IdempotencyResultNotStoredError,
  type IdempotencyStore,
  IdempotencyValidationError,
  InMemoryStore,
} from '@oncely/core';
import { idempotencyKey } from '@oncely/core/engine';
import { jmespath } from '@oncely/core/jmespath';
import { deferred, lambdaContext, orderEvent, recordingLogger } from './fixtures.js';
import type { FrontDoor, Handler } from './frontDoors.js';

/**
 * The behaviours every front door (wrapper, decorator, Middy middleware) must have, on the
 * in-memory store. Each package runs it with its own doors.
 */
export const describeFrontDoorBehaviour = (
  doors: FrontDoor[],
  makeStore: () => IdempotencyStore = () => new InMemoryStore(),
): void =>
  describe.each(doors)('through %s', (_door, wrap) => {
    const counting = (
      result: (event: { body: { amount?: unknown } }) => unknown = (event) => ({ charged: event.body.amount }),
    ) => {
      const calls: unknown[] = [];
      const fn: Handler = async (event) => {
        calls.push(event);
        return result(event);
      };
      return { fn, calls };
    };

    describe('first call', () => {
      it('runs the handler and returns its result', async () => {
        const { fn, calls } = counting();
        const handler = wrap(fn, { store: makeStore(), key: 'body.orderId' });

        const result = await handler(orderEvent({ orderId: 'o-1', amount: 5 }), lambdaContext());

        expect(result).toEqual({ charged: 5 });
        expect(calls).toHaveLength(1);
      });

      it('leaves a completed record with the result', async () => {
        const store = makeStore();
        const handler = wrap(counting().fn, { store, key: 'body.orderId', keyPrefix: 'p' });

        await handler(orderEvent({ orderId: 'o-1', amount: 5 }), lambdaContext());

        const record = await store.get(idempotencyKey('p', 'o-1', 'sha256'));
        expect(record).toMatchObject({ status: 'COMPLETED', data: '{"charged":5}' });
      });
    });

    describe('replay', () => {
      it('returns the stored result without running the handler again', async () => {
        const { fn, calls } = counting();
        const handler = wrap(fn, { store: makeStore(), key: 'body.orderId' });
        await handler(orderEvent({ orderId: 'o-1', amount: 5 }), lambdaContext());

        const replayed = await handler(orderEvent({ orderId: 'o-1', amount: 5 }), lambdaContext());

        expect(replayed).toEqual({ charged: 5 });
        expect(calls).toHaveLength(1);
      });

      it('runs again for another key', async () => {
        const { fn, calls } = counting();
        const handler = wrap(fn, { store: makeStore(), key: 'body.orderId' });

        await handler(orderEvent({ orderId: 'o-1', amount: 5 }), lambdaContext());
        await handler(orderEvent({ orderId: 'o-2', amount: 5 }), lambdaContext());

        expect(calls).toHaveLength(2);
      });

      it.each([
        ['undefined', undefined],
        ['null', null],
        ['0', 0],
        ['false', false],
        ['an empty string', ''],
        ['an empty object', {}],
        ['an empty array', []],
      ])('replays %s as itself', async (_name, value) => {
        const { fn, calls } = counting(() => value);
        const handler = wrap(fn, { store: makeStore(), key: 'body.orderId' });
        const first = await handler(orderEvent({ orderId: 'o-1' }));

        const replayed = await handler(orderEvent({ orderId: 'o-1' }));

        expect(replayed).toStrictEqual(first);
        expect(calls).toHaveLength(1);
      });

      it('replays dates as ISO strings and drops nested undefined, as JSON does', async () => {
        const handler = wrap(async () => ({ at: new Date(0), gone: undefined, kept: 1 }), {
          store: makeStore(),
        });
        await handler({ id: 1 });

        expect(await handler({ id: 1 })).toStrictEqual({ at: '1970-01-01T00:00:00.000Z', kept: 1 });
      });

      it('passes the stored result through onReplay', async () => {
        const handler = wrap(counting().fn, {
          store: makeStore(),
          key: 'body.orderId',
          onReplay: (response, record) => ({ ...(response as object), replayedFrom: record.status }),
        });
        await handler(orderEvent({ orderId: 'o-1', amount: 5 }));

        expect(await handler(orderEvent({ orderId: 'o-1', amount: 5 }))).toEqual({
          charged: 5,
          replayedFrom: 'COMPLETED',
        });
      });

      it('keys on the whole payload by default, whatever its key order', async () => {
        const { fn, calls } = counting(() => 'done');
        const handler = wrap(fn, { store: makeStore() });

        await handler({ a: 1, b: { c: 2, d: 3 } });
        await handler({ b: { d: 3, c: 2 }, a: 1 });

        expect(calls).toHaveLength(1);
      });
    });

    describe('handler failure', () => {
      it('releases the lock and rethrows, so a retry runs the handler', async () => {
        let attempts = 0;
        const handler = wrap(
          async () => {
            attempts += 1;
            if (attempts === 1) throw new Error('card declined');
            return 'captured';
          },
          { store: makeStore(), key: 'body.orderId' },
        );

        await expect(handler(orderEvent({ orderId: 'o-1' }))).rejects.toThrow('card declined');
        expect(await handler(orderEvent({ orderId: 'o-1' }))).toBe('captured');
        expect(attempts).toBe(2);
      });
    });

    describe('in progress', () => {
      it('throws IdempotencyAlreadyInProgressError naming the key while the first call runs', async () => {
        const gate = deferred();
        const started = deferred();
        const handler = wrap(
          async () => {
            started.resolve();
            await gate.promise;
            return 'first';
          },
          { store: makeStore(), key: 'body.orderId', keyPrefix: 'pay' },
        );
        const first = handler(orderEvent({ orderId: 'o-1' }), lambdaContext());
        await started.promise;

        const second = handler(orderEvent({ orderId: 'o-1' }), lambdaContext());

        await expect(second).rejects.toThrow(IdempotencyAlreadyInProgressError);
        await expect(second).rejects.toThrow(/key "pay#.*" is already in progress.*whenInProgress: \{ waitMs \}/);
        gate.resolve();
        expect(await first).toBe('first');
      });

      it('waits for the running call and returns its result with whenInProgress { waitMs }', async () => {
        const gate = deferred();
        const started = deferred();
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            started.resolve();
            await gate.promise;
            return { n: runs };
          },
          { store: makeStore(), key: 'body.orderId', whenInProgress: { waitMs: 5000 } },
        );
        const first = handler(orderEvent({ orderId: 'o-1' }), lambdaContext());
        await started.promise;
        const waiters = Array.from({ length: 5 }, () => handler(orderEvent({ orderId: 'o-1' }), lambdaContext()));

        setTimeout(() => gate.resolve(), 120);

        expect(await Promise.all([first, ...waiters])).toEqual(Array(6).fill({ n: 1 }));
        expect(runs).toBe(1);
      });

      it('gives up waiting after whenInProgress.waitMs with IdempotencyAlreadyInProgressError', async () => {
        const gate = deferred();
        const started = deferred();
        const handler = wrap(
          () => {
            started.resolve();
            return gate.promise;
          },
          {
            store: makeStore(),
            whenInProgress: { waitMs: 150 },
          },
        );
        const first = handler({ id: 1 }, lambdaContext());
        await started.promise;

        await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow(
          /did not finish within whenInProgress.waitMs/,
        );
        gate.resolve();
        await first;
      });

      it('takes over a lock whose Lambda ran out of time', async () => {
        const store = makeStore();
        const never = new Promise(() => {});
        const stuck = wrap(() => never as Promise<unknown>, { store, keyPrefix: 'k' });
        // Middy's early timeout rejects the stuck call; the wrapper leaves it pending.
        stuck({ id: 1 }, lambdaContext({ remainingMs: 0 })).catch(() => {});
        await new Promise((r) => setTimeout(r, 5));
        const { fn, calls } = counting(() => 'recovered');
        const retry = wrap(fn, { store, keyPrefix: 'k' });

        expect(await retry({ id: 1 }, lambdaContext())).toBe('recovered');
        expect(calls).toHaveLength(1);
      });
    });

    describe('validation', () => {
      it('rejects a replay whose validated value differs, without returning the stored result', async () => {
        const handler = wrap(counting().fn, {
          store: makeStore(),
          key: 'body.orderId',
          validate: 'body.amount',
        });
        await handler(orderEvent({ orderId: 'o-1', amount: 5 }));

        const tampered = handler(orderEvent({ orderId: 'o-1', amount: 500 }));

        await expect(tampered).rejects.toThrow(IdempotencyValidationError);
        await expect(tampered).rejects.toThrow(/validated part \(validate\)/);
      });

      it('replays when the validated value is the same', async () => {
        const handler = wrap(counting().fn, {
          store: makeStore(),
          key: 'body.orderId',
          validate: 'body.amount',
        });
        await handler(orderEvent({ orderId: 'o-1', amount: 5, note: 'a' }));

        expect(await handler(orderEvent({ orderId: 'o-1', amount: 5, note: 'b' }))).toEqual({ charged: 5 });
      });
    });

    describe('missing key', () => {
      it.each([
        ['absent', {}],
        ['null', { orderId: null }],
        ['an empty string', { orderId: '' }],
      ])(
        'throws IdempotencyKeyError by default when the key is %s, without running the handler',
        async (_name, body) => {
          const { fn, calls } = counting();
          const handler = wrap(fn, { store: makeStore(), key: 'body.orderId' });

          await expect(handler(orderEvent(body))).rejects.toThrow(IdempotencyKeyError);
          await expect(handler(orderEvent(body))).rejects.toThrow(/key "body.orderId" selected/);
          expect(calls).toHaveLength(0);
        },
      );

      it('runs without idempotency, with a warning, when requireKey is false', async () => {
        const { fn, calls } = counting(() => 'ran');
        const logger = recordingLogger();
        const handler = wrap(fn, { store: makeStore(), key: 'body.orderId', requireKey: false, logger });

        await handler(orderEvent({}));
        await handler(orderEvent({}));

        expect(calls).toHaveLength(2);
        expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(2);
      });

      it('names the string-body mistake: a key path into an API Gateway body that is still JSON text', async () => {
        const { fn, calls } = counting();
        const handler = wrap(fn, { store: makeStore(), key: 'body.orderId' });

        const rawEvent = { body: JSON.stringify({ orderId: 'o-1', amount: 5 }) };

        await expect(handler(rawEvent)).rejects.toThrow(/powertools_json\(body\)/);
        expect(calls).toHaveLength(0);
      });

      it('throws IdempotencyKeyError when a JMESPath function fails on the payload', async () => {
        const handler = wrap(counting().fn, { store: makeStore(), key: jmespath('powertools_json(body).orderId') });

        await expect(handler({ body: 42 })).rejects.toThrow(IdempotencyKeyError);
      });
    });

    describe('results that cannot be stored', () => {
      it.each([
        ['a BigInt', () => ({ n: 1n })],
        [
          'a cycle',
          () => {
            const value: Record<string, unknown> = {};
            value.self = value;
            return value;
          },
        ],
        ['a function', () => () => 1],
      ])(
        'gives %s to its caller once, then never runs again: replays get IdempotencyResultNotStoredError',
        async (_name, result) => {
          const store = makeStore();
          const first = result();
          let runs = 0;
          const handler = wrap(
            async () => {
              runs++;
              return first;
            },
            { store, keyPrefix: 'r', logger: recordingLogger() },
          );

          await expect(handler({ id: 1 })).resolves.toBe(first);
          const replay = handler({ id: 1 });

          await expect(replay).rejects.toThrow(IdempotencyResultNotStoredError);
          await expect(handler({ id: 1 })).rejects.toThrow(
            /ran once, but its result could not be stored: .*not JSON-serialisable/,
          );
          expect(runs).toBe(1);
          expect(await store.get(idempotencyKey('r', { id: 1 }, 'sha256'))).toMatchObject({ status: 'COMPLETED' });
        },
      );
    });
  });
