import {
  type DecisionEvent,
  errorNamed,
  getIdempotencyToken,
  httpResponses,
  IdempotencyAlreadyInProgressError,
  IdempotencyConfigError,
  type IdempotencyOptions,
  type IdempotencyStore,
  InMemoryStore,
  ReplayedError,
} from '@oncely/core';
import { jmespath } from '@oncely/core/jmespath';
import { FaultyStore } from '@oncely/core/testing';
import { deferred, lambdaContext } from './fixtures.js';
import type { FrontDoor } from './frontDoors.js';

/** An API Gateway REST event with a JSON body and headers. */
export const apiGatewayEvent = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  resource: '/payments',
  path: '/payments',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  multiValueHeaders: {},
  queryStringParameters: null,
  pathParameters: null,
  requestContext: { requestId: `r-${Math.random().toString(36).slice(2)}`, stage: 'prod' },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});

const created = async (event: { body: string }) => ({
  statusCode: 201,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ captured: JSON.parse(event.body).amount }),
});

/**
 * Policy behaviours (decisions, HTTP outcomes, header keys, tokens) that every front door must
 * have; `store` makes the store each test uses.
 */
export const describePolicies = (
  doors: FrontDoor[],
  makeStore: () => IdempotencyStore = () => new InMemoryStore(),
): void =>
  describe.each(doors)('policies through %s', (_door, wrap) => {
    const httpOptions = (extra: Partial<IdempotencyOptions> = {}): IdempotencyOptions => ({
      store: makeStore(),
      responses: httpResponses,
      key: jmespath('powertools_json(body).paymentId'),
      validate: jmespath('powertools_json(body).amount'),
      ...extra,
    });

    describe('decision events', () => {
      it('reports every decision once per invocation', async () => {
        const events: DecisionEvent[] = [];
        const onDecision = (event: DecisionEvent) => events.push(event);
        const store = makeStore();
        const gate = deferred();
        const started = deferred();
        const slow = wrap(
          async () => {
            started.resolve();
            await gate.promise;
            return 'slow';
          },
          { store, keyPrefix: 'slow', onDecision, whenInProgress: { waitMs: 5000 } },
        );
        const strict = wrap(async () => 'ok', { store, keyPrefix: 'slow', onDecision });
        const validated = wrap(async () => 'v', {
          store,
          keyPrefix: 'v',
          key: 'id',
          validate: 'amount',
          onDecision,
        });

        const first = slow({ id: 1 }, lambdaContext());

        await started.promise;
        await new Promise((resolve) => setTimeout(resolve, 20));
        await strict({ id: 1 }, lambdaContext()).catch(() => {}); // in-progress
        const waiter = slow({ id: 1 }, lambdaContext()); // waited
        setTimeout(() => gate.resolve(), 60);
        await Promise.all([first, waiter]); // executed, waited
        await strict({ id: 1 }, lambdaContext()); // replayed
        await validated({ id: 2, amount: 1 }, lambdaContext()); // executed
        await validated({ id: 2, amount: 9 }, lambdaContext()).catch(() => {}); // validation-failed
        await validated({ amount: 1 }, lambdaContext()).catch(() => {}); // no-key (an IdempotencyKeyError)

        expect(events.map((event) => event.decision).sort()).toEqual(
          ['executed', 'executed', 'in-progress', 'no-key', 'replayed', 'validation-failed', 'waited'].sort(),
        );
        for (const event of events) expect(event.durationMs).toBeGreaterThanOrEqual(0);
        expect(events.find((event) => event.decision === 'waited')?.durationMs).toBeGreaterThanOrEqual(30);
        expect(events.find((event) => event.decision === 'no-key')?.key).toBeUndefined();
        expect(events.find((event) => event.decision === 'replayed')?.key).toMatch(/^slow#/);
      });

      it('reports lock-taken-over when a late call finds its lock taken', async () => {
        const events: DecisionEvent[] = [];
        const store = makeStore();
        const gate = deferred();
        const started = deferred();
        // A short lease without renewal expires while the call still runs (Middy's own
        // timeout would end a call whose Lambda deadline passes, so the deadline stays far).
        const zombie = wrap(
          async () => {
            started.resolve();
            await gate.promise;
            return 'A';
          },
          {
            store,
            keyPrefix: 'z',
            lock: { durationMs: 300, renew: false },
            onDecision: (event) => events.push(event),
          },
        );
        const successor = wrap(async () => 'B', { store, keyPrefix: 'z' });

        const late = zombie({ id: 1 }, lambdaContext());
        await started.promise;
        // The successor is refused until the zombie's 300 ms lock ends (later on a loaded machine,
        // where a fixed 400 ms sleep was flaky), then takes the key over.
        for (;;) {
          const taken = await successor({ id: 1 }, lambdaContext()).then(
            () => true,
            (error: unknown) => {
              if (!(error instanceof IdempotencyAlreadyInProgressError)) throw error;
              return false;
            },
          );
          if (taken) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        gate.resolve();

        await expect(late).resolves.toBe('A');
        await expect(successor({ id: 1 }, lambdaContext())).resolves.toBe('B');
        expect(events.map((event) => event.decision)).toEqual(['lock-taken-over']);
      });

      it('reports disabled when ONCELY_DISABLED=true', async () => {
        process.env.ONCELY_DISABLED = 'true';
        try {
          const events: DecisionEvent[] = [];
          const handler = wrap(async () => 1, { store: makeStore(), onDecision: (event) => events.push(event) });

          await handler({ id: 1 }, lambdaContext());

          expect(events.map((event) => event.decision)).toEqual(['disabled']);
        } finally {
          delete process.env.ONCELY_DISABLED;
        }
      });

      it('keeps the call’s outcome when onDecision throws', async () => {
        const handler = wrap(async () => 'fine', {
          store: makeStore(),
          onDecision: () => {
            throw new Error('observer broke');
          },
        });

        await expect(handler({ id: 1 }, lambdaContext())).resolves.toBe('fine');
      });
    });

    describe('HTTP outcomes', () => {
      it('answers a duplicate in progress with 409, Retry-After and a problem document', async () => {
        const gate = deferred();
        const started = deferred();
        const handler = wrap(async (event) => {
          started.resolve();
          await gate.promise;
          return created(event);
        }, httpOptions());
        const first = handler(apiGatewayEvent({ paymentId: 'p-1', amount: 5 }), lambdaContext({ remainingMs: 4000 }));
        await started.promise;

        const duplicate = (await handler(apiGatewayEvent({ paymentId: 'p-1', amount: 5 }), lambdaContext())) as {
          statusCode: number;
          headers: Record<string, string>;
          body: string;
        };

        expect(duplicate.statusCode).toBe(409);
        expect(duplicate.headers['Content-Type']).toBe('application/problem+json');
        expect(Number(duplicate.headers['Retry-After'])).toBeGreaterThanOrEqual(3);
        expect(Number(duplicate.headers['Retry-After'])).toBeLessThanOrEqual(4);
        expect(JSON.parse(duplicate.body)).toMatchObject({ status: 409, type: 'urn:oncely:problem:in-progress' });
        gate.resolve();
        await first;
      });

      it('answers a replay with a changed amount with 422', async () => {
        const handler = wrap(created, httpOptions());
        await handler(apiGatewayEvent({ paymentId: 'p-1', amount: 5 }), lambdaContext());

        const tampered = (await handler(apiGatewayEvent({ paymentId: 'p-1', amount: 6 }), lambdaContext())) as {
          statusCode: number;
          body: string;
        };

        expect(tampered.statusCode).toBe(422);
        expect(JSON.parse(tampered.body).detail).toMatch(/first used with a different request/);
        // The internal key (prefix and digest) stays in the logs, never in an answer to the client.
        expect(tampered.body).not.toMatch(/#[A-Za-z0-9+/]{20,}/);
      });

      it('answers a missing key with 400 by default', async () => {
        const handler = wrap(created, httpOptions());

        const response = (await handler(apiGatewayEvent({ amount: 5 }), lambdaContext())) as { statusCode: number };

        expect(response.statusCode).toBe(400);
      });

      it('marks replays with Idempotent-Replayed: true and leaves first responses unmarked', async () => {
        const handler = wrap(created, httpOptions());

        const first = (await handler(apiGatewayEvent({ paymentId: 'p-1', amount: 5 }), lambdaContext())) as {
          headers: Record<string, string>;
        };
        const replay = (await handler(apiGatewayEvent({ paymentId: 'p-1', amount: 5 }), lambdaContext())) as {
          statusCode: number;
          headers: Record<string, string>;
          body: string;
        };

        expect(first.headers['Idempotent-Replayed']).toBeUndefined();
        expect(replay).toEqual({
          statusCode: 201,
          headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' },
          body: '{"captured":5}',
        });
      });
    });

    describe('Idempotency-Key header', () => {
      const keyed = (options: Partial<IdempotencyOptions> = {}) => {
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            return { statusCode: 201, body: String(runs) };
          },
          {
            store: makeStore(),
            key: { header: 'Idempotency-Key' },
            responses: httpResponses,
            scope: false,
            ...options,
          },
        );
        return { handler, runs: () => runs };
      };

      it('refuses to build without a scope: a client-chosen key must not reach another tenant', () => {
        expect(() => wrap(async () => 1, { store: makeStore(), key: { header: 'Idempotency-Key' } })).toThrow(
          IdempotencyConfigError,
        );
        expect(() => wrap(async () => 1, { store: makeStore(), key: { header: 'Idempotency-Key' } })).toThrow(
          /key: \{ header \}.*needs "scope".*scope: false/s,
        );
      });

      it('keys on the header whatever its case, with or without structured-field quotes', async () => {
        const { handler, runs } = keyed();

        await handler(apiGatewayEvent({ a: 1 }, { 'Idempotency-Key': 'k-123' }), lambdaContext());
        await handler(apiGatewayEvent({ a: 2 }, { 'idempotency-key': '"k-123"' }), lambdaContext());

        expect(runs()).toBe(1);
      });

      it('answers a malformed key with 400 without running the handler', async () => {
        const { handler, runs } = keyed();

        const tooLong = (await handler(
          apiGatewayEvent({}, { 'Idempotency-Key': 'x'.repeat(256) }),
          lambdaContext(),
        )) as {
          statusCode: number;
        };
        const badChars = (await handler(apiGatewayEvent({}, { 'Idempotency-Key': 'a b' }), lambdaContext())) as {
          statusCode: number;
          body: string;
        };

        expect(tooLong.statusCode).toBe(400);
        expect(badChars.statusCode).toBe(400);
        expect(JSON.parse(badChars.body).detail).toMatch(/Idempotency-Key header must be 1 to 255 visible ASCII/);
        expect(runs()).toBe(0);
      });

      it('answers a request without the header with 400 by default', async () => {
        const { handler, runs } = keyed();

        const response = (await handler(apiGatewayEvent({}), lambdaContext())) as { statusCode: number };

        expect(response.statusCode).toBe(400);
        expect(runs()).toBe(0);
      });

      it('runs without idempotency when the client sends no key and requireKey is false', async () => {
        const { handler, runs } = keyed({ requireKey: false });

        await handler(apiGatewayEvent({}), lambdaContext());
        await handler(apiGatewayEvent({}), lambdaContext());

        expect(runs()).toBe(2);
      });
    });

    describe('tenant scope', () => {
      it('gives two tenants sending the same client key separate results', async () => {
        const store = makeStore();
        let runs = 0;
        const handler = wrap(
          async (event: { headers: Record<string, string>; body: string }) => {
            runs += 1;
            return { tenant: event.headers['x-tenant'], order: JSON.parse(event.body).orderId };
          },
          {
            store,
            keyPrefix: 'tenants',
            key: jmespath('powertools_json(body).orderId'),
            scope: (event: unknown) => (event as { headers: Record<string, string> }).headers['x-tenant'],
          },
        );
        const order = (tenant: string) => apiGatewayEvent({ orderId: 'o-1' }, { 'x-tenant': tenant });

        const acme = await handler(order('acme'), lambdaContext());
        const globex = await handler(order('globex'), lambdaContext());
        const acmeAgain = await handler(order('acme'), lambdaContext());

        expect(acme).toEqual({ tenant: 'acme', order: 'o-1' });
        expect(globex).toEqual({ tenant: 'globex', order: 'o-1' });
        expect(acmeAgain).toEqual(acme);
        expect(runs).toBe(2);
      });
    });

    describe('error caching', () => {
      class CardDeclined extends Error {
        override name = 'CardDeclined';
        readonly statusCode = 402;
      }

      it('replays an accepted business error as the same error without running the handler', async () => {
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            throw new CardDeclined('card 4242 declined');
          },
          { store: makeStore(), cacheErrors: (error) => error instanceof CardDeclined },
        );
        await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow(CardDeclined);

        const replay = handler({ id: 1 }, lambdaContext());

        await expect(replay).rejects.toThrow(ReplayedError);
        await expect(replay).rejects.toMatchObject({
          name: 'CardDeclined',
          message: 'card 4242 declined',
          statusCode: 402,
        });
        expect(runs).toBe(1);
      });

      it('accepts errorNamed(...) to replay errors by name', async () => {
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            throw new CardDeclined('declined');
          },
          { store: makeStore(), cacheErrors: errorNamed('CardDeclined') },
        );

        await handler({ id: 1 }, lambdaContext()).catch(() => {});
        await handler({ id: 1 }, lambdaContext()).catch(() => {});

        expect(runs).toBe(1);
      });

      it('releases the lock for errors it does not accept, so a retry runs', async () => {
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            if (runs === 1) throw new Error('timeout talking to the bank');
            return 'captured';
          },
          { store: makeStore(), cacheErrors: errorNamed('CardDeclined') },
        );

        await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow('timeout talking to the bank');
        await expect(handler({ id: 1 }, lambdaContext())).resolves.toBe('captured');
        expect(runs).toBe(2);
      });
    });

    describe('heartbeat lease', () => {
      it('renews a short lease while the handler runs, so a duplicate never takes over', async () => {
        const store = new FaultyStore(makeStore());
        const gate = deferred();
        const started = deferred();
        const lease = { durationMs: 300 };
        let runs = 0;
        const handler = wrap(
          async () => {
            runs += 1;
            started.resolve();
            await gate.promise;
            return 'long job done';
          },
          { store, lock: lease },
        );
        const first = handler({ id: 1 }, lambdaContext({ remainingMs: 600_000 }));
        await started.promise;

        for (let beat = 0; beat < 5; beat++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow(IdempotencyAlreadyInProgressError);
        }
        gate.resolve();

        await expect(first).resolves.toBe('long job done');
        expect(runs).toBe(1);
        expect(store.calls.extend).toBeGreaterThanOrEqual(5);
      });

      it('stops renewing when the handler ends, leaving no timer behind', async () => {
        const store = new FaultyStore(makeStore());
        const handler = wrap(
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 250));
            return 'ok';
          },
          { store, lock: { durationMs: 150 } },
        );
        await handler({ id: 1 }, lambdaContext());
        const renewals = store.calls.extend;

        await new Promise((resolve) => setTimeout(resolve, 400));

        expect(renewals).toBeGreaterThanOrEqual(1);
        expect(store.calls.extend).toBe(renewals);
      });

      it('frees the key within one lease when the holder stops renewing', async () => {
        const store = makeStore();
        const started = deferred();
        // The frozen call hangs until the test ends; opening the gate then lets Middy clear
        // its timeout timer, so the test leaves nothing running.
        const gate = deferred();
        const frozen = wrap(
          () => {
            started.resolve();
            return gate.promise;
          },
          { store, keyPrefix: 'f', lock: { durationMs: 400, renew: false } },
        );
        const frozenCall = frozen({ id: 1 }, lambdaContext({ remainingMs: 600_000 })).catch(() => {});
        const retry = wrap(async () => 'recovered', { store, keyPrefix: 'f' });
        await started.promise;
        await expect(retry({ id: 1 }, lambdaContext())).rejects.toThrow(IdempotencyAlreadyInProgressError);

        await new Promise((resolve) => setTimeout(resolve, 450));

        await expect(retry({ id: 1 }, lambdaContext())).resolves.toBe('recovered');
        gate.resolve();
        await frozenCall;
      });
    });

    describe('idempotency token', () => {
      it('lets the handler read its key and owner token from its context while it runs', async () => {
        const tokens: unknown[] = [];
        const handler = wrap(
          async (_event, context) => {
            tokens.push(getIdempotencyToken(context));
            return 'ok';
          },
          { store: makeStore(), keyPrefix: 't' },
        );
        const context = lambdaContext();

        await handler({ id: 1 }, context);

        expect(tokens).toEqual([
          { key: expect.stringMatching(/^t#/), owner: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        ]);
        expect(getIdempotencyToken(context)).toBeUndefined();
      });
    });
  });
