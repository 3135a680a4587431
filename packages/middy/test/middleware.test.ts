import httpJsonBodyParser from '@middy/http-json-body-parser';
import { IdempotencyConfigError, InMemoryStore } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { cleanupIdempotency, idempotency } from '@oncely/middy';
import { deferred, lambdaContext } from '../../core/test/fixtures.js';
import { middyVersions } from './doors.js';

// biome-ignore lint/suspicious/noExplicitAny: Middy requests in tests are loosely typed
type AnyRequest = any;

describe.each(middyVersions)('on %s', (_name, middy) => {
  const tracking = () => {
    const seen: string[] = [];
    const middleware = (name: string, before?: (request: AnyRequest) => unknown) => ({
      before: async (request: AnyRequest) => {
        seen.push(`${name}.before`);
        return before?.(request);
      },
      after: async () => {
        seen.push(`${name}.after`);
      },
    });
    return { seen, middleware };
  };

  describe('replay', () => {
    it('answers from before, skipping the handler and later middlewares', async () => {
      const { seen, middleware } = tracking();
      let runs = 0;
      const handler = middy(async () => {
        runs += 1;
        return { statusCode: 201, body: 'captured' };
      })
        .use(idempotency({ store: new InMemoryStore() }))
        .use(middleware('later'));
      await handler({ id: 1 }, lambdaContext());
      seen.length = 0;

      const replay = await handler({ id: 1 }, lambdaContext());

      expect(replay).toEqual({ statusCode: 201, body: 'captured' });
      expect(runs).toBe(1);
      expect(seen).toEqual([]);
    });

    it('stores the response as the middlewares registered after oncely left it', async () => {
      const serializer = {
        after: async (request: AnyRequest) => {
          request.response = { statusCode: 200, body: JSON.stringify(request.response) };
        },
      };
      const handler = middy(async () => ({ total: 3 }))
        .use(idempotency({ store: new InMemoryStore() }))
        .use(serializer);

      const first = await handler({ id: 1 }, lambdaContext());
      const replay = await handler({ id: 1 }, lambdaContext());

      expect(first).toEqual({ statusCode: 200, body: '{"total":3}' });
      expect(replay).toEqual(first);
    });
  });

  describe('in a real chain', () => {
    it('keys on the parsed body after @middy/http-json-body-parser', async () => {
      let runs = 0;
      const handler = middy(async (event: { body: { paymentId: string } }) => {
        runs += 1;
        return { paymentId: event.body.paymentId };
      })
        .use(httpJsonBodyParser())
        .use(idempotency({ store: new InMemoryStore(), key: 'body.paymentId' }));
      const request = (body: string) => ({ headers: { 'Content-Type': 'application/json' }, body });

      await handler(request('{"paymentId":"p-1","note":"a"}'), lambdaContext());
      const replay = await handler(request('{"note":"b","paymentId":"p-1"}'), lambdaContext());

      expect(replay).toEqual({ paymentId: 'p-1' });
      expect(runs).toBe(1);
    });

    it('leaves no lock when an earlier middleware returns early', async () => {
      const store = new InMemoryStore();
      const { middleware } = tracking();
      const handler = middy(async () => 'ran')
        .use(middleware('guard', () => ({ statusCode: 400 })))
        .use(idempotency({ store }));

      expect(await handler({ id: 1 }, lambdaContext())).toEqual({ statusCode: 400 });
      expect(store.size).toBe(0);
    });

    it('frees the lock when a later middleware returns early and calls cleanupIdempotency', async () => {
      const store = new InMemoryStore();
      const { middleware } = tracking();
      const handler = middy(async () => 'ran')
        .use(idempotency({ store }))
        .use(
          middleware('guard', async (request) => {
            await cleanupIdempotency(request);
            return { statusCode: 400 };
          }),
        );

      expect(await handler({ id: 1 }, lambdaContext())).toEqual({ statusCode: 400 });
      expect(store.size).toBe(0);
    });

    it('registers its cleanup where Powertools’ cleanupMiddlewares looks for it', async () => {
      const store = new InMemoryStore();
      const handler = middy(async () => 'ran')
        .use(idempotency({ store }))
        .use({
          before: async (request: AnyRequest) => {
            // What @aws-lambda-powertools/commons cleanupMiddlewares(request) does for idempotency.
            await request.internal['powertools-for-aws.idempotency'](request);
            return { statusCode: 403 };
          },
        });

      await handler({ id: 1 }, lambdaContext());

      expect(store.size).toBe(0);
    });

    it('keeps the completed record when an outer middleware fails after oncely stored the result', async () => {
      const store = new FaultyStore(new InMemoryStore());
      let runs = 0;
      const handler = middy(async () => {
        runs += 1;
        return 'stored';
      })
        .use({
          after: async () => {
            throw new Error('outer after failed');
          },
        })
        .use(idempotency({ store }));

      await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow('outer after failed');
      expect(store.calls.release).toBe(0);
      await expect(handler({ id: 1 }, lambdaContext())).resolves.toBe('stored');
      expect(runs).toBe(1);
    });

    it('releases the lock when the handler fails, and lets the error continue', async () => {
      const store = new InMemoryStore();
      const handler = middy(async () => {
        throw new Error('declined');
      }).use(idempotency({ store }));

      await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow('declined');
      expect(store.size).toBe(0);
    });
  });

  describe('interleaved invocations in one container', () => {
    it('keep their own locks: one fails, the other completes, neither touches the other’s record', async () => {
      const store = new InMemoryStore();
      const gates = { a: deferred(), b: deferred() };
      const handler = middy(async (event: { id: 'a' | 'b' }) => {
        await gates[event.id].promise;
        if (event.id === 'a') throw new Error('a failed');
        return 'b done';
      }).use(idempotency({ store, key: 'id' }));

      const a = handler({ id: 'a' }, lambdaContext());
      const b = handler({ id: 'b' }, lambdaContext());
      gates.b.resolve();
      await expect(b).resolves.toBe('b done');
      gates.a.resolve();
      await expect(a).rejects.toThrow('a failed');

      expect(store.size).toBe(1);
      await expect(handler({ id: 'b' }, lambdaContext())).resolves.toBe('b done');
    });
  });

  describe('ONCELY_DISABLED', () => {
    afterEach(() => {
      delete process.env.ONCELY_DISABLED;
    });

    it('runs the handler on every call and takes no lock', async () => {
      process.env.ONCELY_DISABLED = 'true';
      const store = new InMemoryStore();
      let runs = 0;
      const handler = middy(async () => {
        runs += 1;
      }).use(idempotency({ store }));

      await handler({ id: 1 }, lambdaContext());
      await handler({ id: 1 }, lambdaContext());

      expect(runs).toBe(2);
      expect(store.size).toBe(0);
    });
  });
});

describe('default key prefix', () => {
  const previousName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  afterEach(() => {
    if (previousName === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = previousName;
  });

  it('refuses a second middleware with the same default prefix at construction: two chains would share results', () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'payments';
    const store = new InMemoryStore();
    idempotency({ store });

    const second = () => idempotency({ store });

    expect(second).toThrow(IdempotencyConfigError);
    expect(second).toThrow(/default key prefix "payments" \(the Middy idempotency\(\) middleware\).*keyPrefix/);
    expect(() => idempotency({ store, keyPrefix: 'payments.refund' })).not.toThrow();
  });
});
