import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyConfigError, type IdempotencyLogger, IdempotencyPersistenceError } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { createClient, createCluster, type RedisClientOptions } from '@redis/client';
import { type ServerProcess, startServer } from './clusterServer';
import { lockFor, uniquePrefix } from './fixtures';

// The settings the README recommends: a socket timeout bounds a command already written (the
// command timeout only bounds one still queued), and a reconnect strategy that does not give up
// on a socket timeout (@redis/client's default does) lets the next call reconnect.
const SOCKET_TIMEOUT_MS = 500;
const bounded: RedisClientOptions = {
  socket: { socketTimeout: SOCKET_TIMEOUT_MS, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
  commandOptions: { timeout: SOCKET_TIMEOUT_MS },
};

const connected = async (url: string, options: RedisClientOptions) => {
  const client = createClient({ url, ...options });
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

/** A loopback TCP proxy whose `mute()` stops the replies of the connections open now. */
const startProxy = async (targetPort: number) => {
  const muted = new WeakSet<Socket>();
  const open = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    open.add(downstream);
    const upstream = tcpConnect({ host: '127.0.0.1', port: targetPort });
    downstream.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!muted.has(downstream)) downstream.write(chunk);
    });
    const close = () => {
      open.delete(downstream);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    mute: () => {
      for (const socket of open) muted.add(socket);
    },
    stop: () => {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

let server: ServerProcess;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const elapsedMs = async (call: () => Promise<unknown>) => {
  const startMs = Date.now();
  const error = await call().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { error, ms: Date.now() - startMs };
};

describe('a command Redis never answers', () => {
  it('waits past the command timeout without a socket timeout (what the settings fix)', async () => {
    const proxy = await startProxy(server.port);
    const client = await connected(proxy.url, { commandOptions: { timeout: 200 } });
    proxy.mute();

    const pending = client.get('never-answered').then(
      () => 'answered',
      () => 'failed',
    );
    const outcome = await Promise.race([pending, sleep(1_000).then(() => 'still pending')]);

    expect(outcome).toBe('still pending');
    client.destroy();
    await proxy.stop();
  });

  it('fails the store call within the socket timeout, and the next call reconnects', async () => {
    const proxy = await startProxy(server.port);
    const client = await connected(proxy.url, bounded);
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    const lock = lockFor();
    proxy.mute();

    const unanswered = await elapsedMs(() => store.acquire(lock));
    const retried = await store.acquire(lock);

    expect(unanswered.error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(unanswered.ms).toBeLessThan(SOCKET_TIMEOUT_MS + 1_000);
    // The lock write reached Redis; only its reply was lost. The retry with the same owner is ours.
    expect(retried).toEqual({ acquired: true });
    client.destroy();
    await proxy.stop();
  });
});

describe('a server that stops answering mid-call', () => {
  it('fails the call in time while the server is stopped, and serves calls again once it resumes', async () => {
    const client = await connected(server.url, bounded);
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    const lock = lockFor();

    // SIGSTOP: the connection stays open and the kernel accepts the command, but nothing answers.
    server.child.kill('SIGSTOP');
    const stalled = await elapsedMs(() => store.acquire(lock));
    server.child.kill('SIGCONT');
    const resumed = await store.acquire(lock);
    const record = await store.get(lock.key);

    expect(stalled.error).toBeInstanceOf(IdempotencyPersistenceError);
    expect(String(stalled.error)).toMatch(/may have been applied/);
    expect(stalled.ms).toBeLessThan(SOCKET_TIMEOUT_MS + 1_000);
    expect(resumed).toEqual({ acquired: true });
    expect(record?.owner).toBe(lock.owner);
    client.destroy();
  });
});

describe('checking the client at construction', () => {
  const recording = () => {
    const warnings: string[] = [];
    const ignore = () => undefined;
    const logger: IdempotencyLogger = { debug: ignore, info: ignore, error: ignore, warn: (m) => warnings.push(m) };
    return { logger, warnings };
  };

  it('warns when the client has no socket timeout', () => {
    const { logger, warnings } = recording();

    new RedisStore({ client: createClient({ url: server.url }), logger });

    expect(warnings).toEqual([
      expect.stringMatching(/no socket\.socketTimeout.*commandOptions\.timeout does not bound/),
    ]);
  });

  it('rejects a socket timeout with the reconnect strategy that gives up on it', () => {
    const givingUp = [{}, { reconnectStrategy: false as const }];

    for (const strategy of givingUp) {
      const client = createClient({ url: server.url, socket: { socketTimeout: 1_000, ...strategy } });
      expect(() => new RedisStore({ client })).toThrow(IdempotencyConfigError);
      expect(() => new RedisStore({ client })).toThrow(/closes the client for good/);
    }
  });

  it('accepts the recommended settings on a client and, under defaults, on a cluster without a warning', () => {
    const { logger, warnings } = recording();

    new RedisStore({ client: createClient({ url: server.url, ...bounded }), logger });
    new RedisStore({ client: createCluster({ rootNodes: [{ url: server.url }], defaults: bounded }), logger });

    expect(warnings).toEqual([]);
  });
});
