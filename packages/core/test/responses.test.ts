import { type IdempotencyError, InMemoryStore, type Responses } from '@oncely/core';
import { lambdaContext } from './fixtures.js';
import { coreFrontDoors } from './frontDoors.js';

describe.each(coreFrontDoors)('responses through %s', (_door, wrap) => {
  // httpResponses itself (409, 422, 400, Idempotent-Replayed) is checked on every front door by
  // the policies suite (policies.ts, 'HTTP outcomes').
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
