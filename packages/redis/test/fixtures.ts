import { randomUUID } from 'node:crypto';
import type { LockRequest } from '@oncely/core';
import { type RedisScriptingClient, RedisStore } from '@oncely/redis';
import { createClient, type RedisClientOptions } from '@redis/client';
import { type RedisServer, startRedisServer } from './redisServer';

/** A client connected to `url`; connection errors are left to the commands to report. */
export const connectClient = async (url: string, options: RedisClientOptions = {}) => {
  const client = createClient({ url, ...options });
  // Without a listener, a lost connection would be an unhandled 'error' event.
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

export type Client = Awaited<ReturnType<typeof connectClient>>;

/** A key prefix of the caller's own, so stores on one server never meet. */
export const uniquePrefix = (): string => `test:${randomUUID()}:`;

/**
 * A redis-server of this test file's own and a client on it, started before the file's tests
 * and stopped after them. Read `server` and `client` inside tests, not at load time.
 */
export const useRedis = () => {
  let server: RedisServer | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
    client = await connectClient(server.url);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });
  const made = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useRedis: the server starts in beforeAll; read it inside a test');
    return value;
  };
  return {
    get server(): RedisServer {
      return made(server);
    },
    get client(): Client {
      return made(client);
    },
    store: (over: RedisScriptingClient = made(client)) => new RedisStore({ client: over, keyPrefix: uniquePrefix() }),
  };
};

/**
 * Wraps a client so every command the store sends is counted: the store reaches Redis only
 * through `eval` and `evalSha`, each one command and one round trip.
 */
export const countCommands = (client: RedisScriptingClient) => {
  const sent: string[] = [];
  const counting: RedisScriptingClient = {
    eval: (script, call) => {
      sent.push('EVAL');
      return client.eval(script, call);
    },
    evalSha: (sha1, call) => {
      sent.push('EVALSHA');
      return client.evalSha(sha1, call);
    },
  };
  return {
    client: counting,
    sent,
    reset: () => {
      sent.length = 0;
    },
  };
};

/** A lock request on a fresh key, held for 30 s, its record living an hour. */
export const lockFor = (overrides: Partial<LockRequest> = {}): LockRequest => {
  const nowMs = overrides.nowMs ?? Date.now();
  return {
    key: `fn#${randomUUID()}`,
    owner: randomUUID(),
    nowMs,
    lockedUntilMs: nowMs + 30_000,
    expiresAtSec: Math.floor(nowMs / 1000) + 3600,
    ...overrides,
  };
};

/**
 * Creates a Redis user allowed only `acl` on keys under `keyPattern`, and returns a store on a
 * client logged in as it, with its own prefix under that pattern. Close `client` afterwards.
 */
export const restrictedStore = async (
  admin: Client,
  serverUrl: string,
  user: { name: string; acl: string; keyPrefix: string },
  options: Partial<ConstructorParameters<typeof RedisStore>[0]> = {},
) => {
  await admin.sendCommand([
    'ACL',
    'SETUSER',
    user.name,
    'on',
    '>secret',
    'resetkeys',
    `~${user.keyPrefix}*`,
    ...user.acl.split(' '),
  ]);
  const client = await connectClient(serverUrl.replace('redis://', `redis://${user.name}:secret@`));
  const store = new RedisStore({ ...options, client, keyPrefix: `${user.keyPrefix}${randomUUID()}:` });
  return { client, store };
};

/** Takes, renews, completes, reads and releases one lock: every operation a store runs. */
export const runEveryOperation = async (store: RedisStore) => {
  const lock = lockFor();
  expect(await store.acquire(lock)).toEqual({ acquired: true });
  expect(await store.extend(lock.key, lock.owner, lock.lockedUntilMs + 1, lock.expiresAtSec)).toBe('ok');
  expect(await store.complete({ key: lock.key, owner: lock.owner, data: '1', expiresAtSec: lock.expiresAtSec })).toBe(
    'ok',
  );
  expect((await store.get(lock.key))?.status).toBe('COMPLETED');
  expect(await store.release(lock.key, lock.owner)).toBe('ok');
};
