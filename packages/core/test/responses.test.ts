import {
  httpResponses,
  type IdempotencyError,
  type IdempotencyOptions,
  InMemoryStore,
  type Responses,
} from '@oncely/core';
import { jmespath } from '@oncely/core/jmespath';
import { deferred, lambdaContext } from './fixtures.js';
import { coreFrontDoors } from './frontDoors.js';
import { apiGatewayEvent } from './policies.js';

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const created = async (event: { body: string }) => ({
  statusCode: 201,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ captured: JSON.parse(event.body).amount }),
});

describe.each(coreFrontDoors)('responses through %s', (_door, wrap) => {
  describe('httpResponses', () => {
    const payments = (): IdempotencyOptions => ({
      store: new InMemoryStore(),
      key: 'headers.x-payment-id',
      validate: jmespath('powertools_json(body).amount'),
      responses: httpResponses,
    });
    const payment = (id: string | undefined, amount: number) =>
      apiGatewayEvent({ amount }, id === undefined ? {} : { 'x-payment-id': id });

    it('answers a replay with the stored response marked Idempotent-Replayed', async () => {
      const handler = wrap(created, payments());

      const first = (await handler(payment('p-1', 5), lambdaContext())) as Answer;
      const replay = (await handler(payment('p-1', 5), lambdaContext())) as Answer;

      expect(first.headers['Idempotent-Replayed']).toBeUndefined();
      expect(replay).toEqual({ ...first, headers: { ...first.headers, 'Idempotent-Replayed': 'true' } });
    });

    it('answers a duplicate in progress with a 409 problem', async () => {
      const gate = deferred();
      const started = deferred();
      const handler = wrap(async (event) => {
        started.resolve();
        await gate.promise;
        return created(event);
      }, payments());
      const first = handler(payment('p-1', 5), lambdaContext());
      await started.promise;

      const duplicate = (await handler(payment('p-1', 5), lambdaContext())) as Answer;

      expect(duplicate.statusCode).toBe(409);
      expect(duplicate.headers['Retry-After']).toMatch(/^\d+$/);
      expect(JSON.parse(duplicate.body)).toMatchObject({ type: 'urn:oncely:problem:in-progress', status: 409 });
      gate.resolve();
      await first;
    });

    it('answers a changed payload with a 422 problem', async () => {
      const handler = wrap(created, payments());
      await handler(payment('p-1', 5), lambdaContext());

      const changed = (await handler(payment('p-1', 6), lambdaContext())) as Answer;

      expect(changed.statusCode).toBe(422);
      expect(JSON.parse(changed.body)).toMatchObject({ type: 'urn:oncely:problem:payload-mismatch', status: 422 });
    });

    it('answers a missing key with a 400 problem, without running the handler', async () => {
      let runs = 0;
      const handler = wrap(async () => {
        runs += 1;
        return { statusCode: 201 };
      }, payments());

      const missing = (await handler(payment(undefined, 5), lambdaContext())) as Answer;

      expect(missing.statusCode).toBe(400);
      expect(JSON.parse(missing.body)).toMatchObject({ type: 'urn:oncely:problem:bad-key', status: 400 });
      expect(runs).toBe(0);
    });
  });

  describe('a Responses object of its own', () => {
    const seen: { errors: string[]; nowMs: number[] } = { errors: [], nowMs: [] };
    const wrapped: Responses = {
      replay: (result) => ({ replayed: result }),
      error: (error: IdempotencyError, nowMs: number) => {
        seen.errors.push(error.code);
        seen.nowMs.push(nowMs);
        return error.code === 'idempotency.validation' ? { refused: error.code } : undefined;
      },
    };
    const options = () => ({ store: new InMemoryStore(), key: 'id', validate: 'amount', responses: wrapped });

    beforeEach(() => {
      seen.errors.length = 0;
      seen.nowMs.length = 0;
    });

    it('maps replays and leaves first results alone', async () => {
      const handler = wrap(async (event) => ({ charged: event.amount }), options());

      const first = await handler({ id: 1, amount: 5 }, lambdaContext());
      const replay = await handler({ id: 1, amount: 5 }, lambdaContext());

      expect(first).toEqual({ charged: 5 });
      expect(replay).toEqual({ replayed: { charged: 5 } });
    });

    it('answers an idempotency error with what error returns, given the time', async () => {
      const handler = wrap(async () => 'ok', options());
      await handler({ id: 1, amount: 5 }, lambdaContext());
      const beforeMs = Date.now();

      const answer = await handler({ id: 1, amount: 6 }, lambdaContext());

      expect(answer).toEqual({ refused: 'idempotency.validation' });
      expect(seen.errors).toEqual(['idempotency.validation']);
      expect(seen.nowMs[0]).toBeGreaterThanOrEqual(beforeMs);
    });

    it('throws the error when error returns undefined', async () => {
      const handler = wrap(async () => 'ok', options());

      await expect(handler({ amount: 5 }, lambdaContext())).rejects.toThrow(/has no idempotency key/);
      expect(seen.errors).toEqual(['idempotency.key']);
    });

    it('leaves the handler’s own errors alone', async () => {
      const handler = wrap(async () => {
        throw new Error('bank down');
      }, options());

      await expect(handler({ id: 1, amount: 5 }, lambdaContext())).rejects.toThrow('bank down');
      expect(seen.errors).toEqual([]);
    });
  });
});
