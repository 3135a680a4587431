import { IdempotencyKeyError, InMemoryStore, makeIdempotent } from '@oncely/core';
import { defaultKeyPrefix } from '@oncely/core/engine';
import { jmespath } from '@oncely/core/jmespath';
import { FaultyStore } from '@oncely/core/testing';
import { lambdaContext, orderEvent } from './fixtures.js';

// Records the keys a store is asked to lock.
const keyRecordingStore = () => {
  const store = new InMemoryStore();
  const keys: string[] = [];
  const acquire = store.acquire.bind(store);
  store.acquire = (lock) => {
    keys.push(lock.key);
    return acquire(lock);
  };
  return { store, keys };
};

describe('key prefix', () => {
  it('defaults to the Lambda function name and the wrapped function name', () => {
    expect(defaultKeyPrefix('capture', { AWS_LAMBDA_FUNCTION_NAME: 'payments' })).toBe('payments.capture');
    expect(defaultKeyPrefix('', { AWS_LAMBDA_FUNCTION_NAME: 'payments' })).toBe('payments');
    expect(defaultKeyPrefix('capture', {})).toBe('capture');
    expect(defaultKeyPrefix('', {})).toBe('oncely');
  });

  it('keeps two wrapped functions with the same payload apart', async () => {
    const { store } = keyRecordingStore();
    const runs: string[] = [];
    const charge = makeIdempotent(
      async function charge(_e: unknown) {
        runs.push('charge');
      },
      { store },
    );
    const email = makeIdempotent(
      async function email(_e: unknown) {
        runs.push('email');
      },
      { store },
    );

    await charge({ orderId: 1 });
    await email({ orderId: 1 });

    expect(runs).toEqual(['charge', 'email']);
  });

  it('uses keyPrefix when given', async () => {
    const { store, keys } = keyRecordingStore();
    await makeIdempotent(async (_event?: unknown, _context?: unknown) => 1, { store, keyPrefix: 'my-service' })({
      a: 1,
    });

    expect(keys[0]).toMatch(/^my-service#[A-Za-z0-9+/]{43}=$/);
  });
});

describe('key selection', () => {
  it('keys on a typed extractor', async () => {
    const { store, keys } = keyRecordingStore();
    const handler = makeIdempotent(async (event: { tenant: string; orderId: number; at: number }) => event.at, {
      store,
      key: (event) => [event.tenant, event.orderId],
    });

    await handler({ tenant: 't', orderId: 1, at: 1 });
    const replay = await handler({ tenant: 't', orderId: 1, at: 2 });

    expect(replay).toBe(1);
    expect(new Set(keys).size).toBe(1);
  });

  it('reads JSON strings with powertools_json', async () => {
    let runs = 0;
    const handler = makeIdempotent(
      async (_event?: unknown, _context?: unknown) => {
        runs += 1;
      },
      { store: new InMemoryStore(), key: jmespath('powertools_json(body).orderId') },
    );

    await handler({ body: '{"orderId":"o-1","n":1}' });
    await handler({ body: '{"n":2,"orderId":"o-1"}' });

    expect(runs).toBe(1);
  });

  it('takes the payload from payloadArgument for plain functions', async () => {
    const sent: string[] = [];
    const send = makeIdempotent(
      async (mailer: { name: string }, invoice: { number: string }) => {
        sent.push(`${mailer.name}:${invoice.number}`);
        return invoice.number;
      },
      { store: new InMemoryStore(), payloadArgument: 1, key: 'number' },
    );

    await send({ name: 'smtp' }, { number: 'INV-1' });
    await send({ name: 'other' }, { number: 'INV-1' });
    await send({ name: 'smtp' }, { number: 'INV-2' });

    expect(sent).toEqual(['smtp:INV-1', 'smtp:INV-2']);
  });

  it('binds the key before the handler runs, so mutating the event cannot change it', async () => {
    const store = new FaultyStore(new InMemoryStore());
    const handler = makeIdempotent(
      async (event: { body: { orderId: string } }) => {
        event.body.orderId = 'changed';
        return 'done';
      },
      { store, key: 'body.orderId' },
    );

    await handler(orderEvent({ orderId: 'o-1' }) as unknown as { body: { orderId: string } });
    const replay = await handler(orderEvent({ orderId: 'o-1' }) as unknown as { body: { orderId: string } });

    expect(replay).toBe('done');
    expect(store.calls).toEqual({ acquire: 2, complete: 1, release: 0, extend: 0, get: 0 });
  });
});

describe('scope', () => {
  const scoped = (store: InMemoryStore) =>
    makeIdempotent(async (event: { tenant?: string; orderId: string }) => `${event.tenant}:${event.orderId}`, {
      store,
      keyPrefix: 'orders',
      key: 'orderId',
      scope: (event) => event.tenant,
    });

  it('keeps two tenants with the same client key apart', async () => {
    const handler = scoped(new InMemoryStore());

    expect(await handler({ tenant: 'a', orderId: 'o-1' })).toBe('a:o-1');
    expect(await handler({ tenant: 'b', orderId: 'o-1' })).toBe('b:o-1');
    expect(await handler({ tenant: 'a', orderId: 'o-1' })).toBe('a:o-1');
  });

  it('fails with IdempotencyKeyError when the scope is missing', async () => {
    await expect(scoped(new InMemoryStore())({ orderId: 'o-1' })).rejects.toThrow(IdempotencyKeyError);
    await expect(scoped(new InMemoryStore())({ orderId: 'o-1' })).rejects.toThrow(
      /scope\(\) option returned undefined/,
    );
  });

  it('passes the Lambda context to scope', async () => {
    const seen: unknown[] = [];
    const context = lambdaContext();
    const handler = makeIdempotent(async (_event?: unknown, _context?: unknown) => 1, {
      store: new InMemoryStore(),
      scope: (_event, ctx) => {
        seen.push(ctx);
        return 'tenant';
      },
    });

    await handler({ a: 1 }, context);

    expect(seen).toEqual([context]);
  });
});
