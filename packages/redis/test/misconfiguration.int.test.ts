import { IdempotencyPersistenceError } from '@oncely/core';
import { freePort } from '@oncely/dynamodb-local';
import { RedisStore } from '@oncely/redis';
import { createClient } from '@redis/client';
import { connectClient, lockFor, uniquePrefix, useRedis } from './fixtures';

// Each failure provoked on a real client and a real redis-server, as a function meets it: the
// advice must name what to fix, and what a retry cannot fix must say `retryable: false`.
const redis = useRedis();

/** The error a store on `client` throws for a lock on a fresh key. */
const acquireFails = async (store: RedisStore) => {
  const error = await store.acquire(lockFor()).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdempotencyPersistenceError);
  return error as IdempotencyPersistenceError;
};

/**
 * A client on `url` whose connection fails, as at a cold start with a wrong REDIS_URL: connect()
 * is not awaited (its failure is left to the commands) and the client does not reconnect.
 */
const unconnectedClient = (url: string) => {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on('error', () => undefined);
  const connecting = client.connect().catch(() => undefined);
  return { client, connecting };
};

describe('a client whose URL is wrong', () => {
  it('fails on a closed port saying to check the URL, retryable since a restarting Redis refuses too', async () => {
    const port = await freePort();
    const { client, connecting } = unconnectedClient(`redis://127.0.0.1:${port}`);
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });

    const error = await acquireFails(store);
    await connecting;

    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED', port });
    expect(error.message).toMatch(/nothing accepts connections at the client's URL, so nothing was written: check/);
    expect(error.message).not.toMatch(/transient/);
    expect(error.retryable).toBe(true);
  });

  it('fails on a host name that does not resolve saying to check the URL, not retryable', async () => {
    const { client, connecting } = unconnectedClient('redis://nonexistent.invalid:6379');
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });

    const error = await acquireFails(store);
    await connecting;

    expect(error.cause).toMatchObject({ code: 'ENOTFOUND', hostname: 'nonexistent.invalid' });
    expect(error.message).toMatch(
      /the host of the client's URL does not resolve, so nothing was written: check the URL/,
    );
    expect(error.retryable).toBe(false);
  });

  it('fails every later call on the client that gave up as closed, not retryable', async () => {
    const port = await freePort();
    const { client, connecting } = unconnectedClient(`redis://127.0.0.1:${port}`);
    await connecting;
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });

    const error = await acquireFails(store);

    expect(error.cause).toMatchObject({ message: 'The client is closed' });
    expect(error.message).toMatch(/the client is closed \(never connected, closed, or its reconnectStrategy gave up\)/);
    expect(error.retryable).toBe(false);
  });
});

describe('a Redis that refuses the script', () => {
  it('fails with WRONGTYPE when another value holds the key, saying to use a keyPrefix of its own, not retryable', async () => {
    const keyPrefix = uniquePrefix();
    const lock = lockFor();
    await redis.client.set(keyPrefix + lock.key, 'not a record');
    const store = new RedisStore({ client: redis.client, keyPrefix });

    const error = (await store.acquire(lock).catch((e: unknown) => e)) as IdempotencyPersistenceError;

    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(String(error.cause)).toMatch(/WRONGTYPE/);
    expect(error.message).toMatch(/holds another kind of value; give the store a keyPrefix that no other data uses/);
    expect(error.retryable).toBe(false);
  });

  it('fails with NOPERM for a user the ACL does not allow to run scripts, pointing to the ACL line, not retryable', async () => {
    await redis.client.sendCommand([
      'ACL',
      'SETUSER',
      'oncely-limited',
      'on',
      '>secret',
      '~*',
      '-@all',
      '+@connection',
    ]);
    const limited = await connectClient(redis.server.url.replace('redis://', 'redis://oncely-limited:secret@'));

    const error = await acquireFails(new RedisStore({ client: limited, keyPrefix: uniquePrefix() }));
    await limited.close();

    expect(String(error.cause)).toMatch(/NOPERM this user has no permissions to run the 'evalsha' command/);
    expect(error.message).toMatch(/the Redis user may not run this; allow EVAL, EVALSHA/);
    expect(error.retryable).toBe(false);
  });

  it('fails with READONLY on a replica, saying to connect to the primary, not retryable', async () => {
    const store = new RedisStore({ client: redis.client, keyPrefix: uniquePrefix() });
    // A replica of a primary that is not there: still a replica, so read-only.
    await redis.client.sendCommand(['REPLICAOF', '127.0.0.1', String(await freePort())]);
    let error: IdempotencyPersistenceError;
    try {
      error = await acquireFails(store);
    } finally {
      await redis.client.sendCommand(['REPLICAOF', 'NO', 'ONE']);
    }

    expect(String(error.cause)).toMatch(/READONLY You can't write against a read only replica/);
    expect(error.message).toMatch(/connected to a read-only replica .*; connect it to the primary endpoint/);
    expect(error.retryable).toBe(false);
  });
});
