import { IdempotencyPersistenceError, makeIdempotent } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { lambdaContext } from '../../core/test/fixtures.js';
import { type Client, connectClient, lockFor, uniquePrefix } from './fixtures';
import { type RedisServer, startRedisServer } from './redisServer';

// A server of its own, stopped mid-file: the Lambda container lost its Redis.
let server: RedisServer;
let client: Client;

beforeAll(async () => {
  server = await startRedisServer();
  // A command timeout, as the README advises: without it, commands wait in the offline queue
  // for the reconnection as long as the Lambda lets them.
  client = await connectClient(server.url, {
    commandOptions: { timeout: 300 },
    socket: { reconnectStrategy: () => 100 },
  });
});

afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('a Redis that cannot be reached', () => {
  it('fails the call with IdempotencyPersistenceError naming the key, without running the handler', async () => {
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    let runs = 0;
    const handler = makeIdempotent(
      async (_event: unknown, _context?: unknown) => {
        runs++;
        return 'charged';
      },
      { store, key: 'orderId', keyPrefix: 'payments' },
    );
    expect(await handler({ orderId: 'o-before' }, lambdaContext())).toBe('charged');
    await server.stop();

    const error = await handler({ orderId: 'o-after' }, lambdaContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    const { key, message, cause } = error as IdempotencyPersistenceError;
    expect(key).toMatch(/^payments#/);
    expect(message).toContain(`Redis acquire of key "${key}"`);
    expect(message).toMatch(/reachable from the function/);
    expect((error as IdempotencyPersistenceError).retryable).toBe(true);
    expect(cause).toBeInstanceOf(Error);
    expect(runs).toBe(1);
  });

  it('fails a direct store call the same way', async () => {
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    const lock = lockFor();

    await expect(store.get(lock.key)).rejects.toThrow(IdempotencyPersistenceError);
    await expect(store.get(lock.key)).rejects.toThrow(`Redis get of key "${lock.key}"`);
  });
});

describe('a closed client', () => {
  it('fails saying to connect the client once per container', async () => {
    const other = await startRedisServer();
    const closed = await connectClient(other.url);
    await closed.close();
    await other.stop();
    const store = new RedisStore({ client: closed, keyPrefix: uniquePrefix() });

    const error = await store.acquire(lockFor()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect((error as Error).message).toMatch(/client is closed .*: create and connect it once per container/);
    expect((error as IdempotencyPersistenceError).retryable).toBe(false);
  });
});
