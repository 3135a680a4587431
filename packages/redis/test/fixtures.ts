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
