import { RedisStore } from '@oncely/redis';
import type { RedisClientOptions } from '@redis/client';
import { describeCounts as describeAnyCounts, faultReporter } from '../../../core/test/faults/report';
import type { FaultCounts } from '../../../dynamodb-local/src/faultProxyRules';
import * as scripts from '../../src/scripts';
import { type RedisFaultProxy, startRedisFaultProxy } from '../faultProxy';
import { type Client, connectClient, uniquePrefix } from '../fixtures';
import { type RedisServer, startRedisServer } from '../redisServer';

/**
 * The client timeout of the proxied clients. @redis/client 6 waits for the reply of a command
 * already written for ever unless `socket.socketTimeout` is set: then a socket idle that long
 * is destroyed (SocketTimeoutError) and the commands waiting on it are rejected.
 * `commandOptions: { timeout }` only bounds commands still queued. The default reconnect
 * strategy gives up on a socket timeout (the client closes for good), so the clients here
 * reconnect with a strategy of their own, as the store requires.
 */
export const CLIENT_TIMEOUT_MS = 300;

/** Options of a client whose commands fail after `socketTimeoutMs` without a reply. */
export const timeoutOptions = (socketTimeoutMs = CLIENT_TIMEOUT_MS): RedisClientOptions => ({
  socket: { socketTimeout: socketTimeoutMs, reconnectStrategy: (retries: number) => Math.min(20 * 2 ** retries, 200) },
});

/** A client through the proxy whose commands fail after `socketTimeoutMs` without a reply. */
export const proxiedClient = (proxy: RedisFaultProxy, socketTimeoutMs = CLIENT_TIMEOUT_MS): Promise<Client> =>
  connectClient(proxy.url, timeoutOptions(socketTimeoutMs));

/**
 * Caches the store's scripts on the server, so its first EVALSHA runs the script: a fault on
 * it then hits a real write, not a NOSCRIPT answer.
 */
export const loadScripts = async (client: Client): Promise<void> => {
  for (const script of [scripts.acquireScript, scripts.completeScript, scripts.releaseScript, scripts.extendScript]) {
    await client.sendCommand(['SCRIPT', 'LOAD', script.source]);
  }
  await client.sendCommand(['SCRIPT', 'LOAD', scripts.getScript.source]);
};

/**
 * The setup of a fault test file: a redis-server of its own with a `direct` client that
 * bypasses the proxy, and for every test a fresh fault proxy and a client through it.
 */
export const useProxiedRedis = () => {
  let server: RedisServer | undefined;
  let direct: Client | undefined;
  let proxy: RedisFaultProxy | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
    direct = await connectClient(server.url);
    await loadScripts(direct);
  });
  afterAll(async () => {
    await direct?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    proxy = await startRedisFaultProxy({ targetPort: made(server).port });
    client = await proxiedClient(proxy);
  });
  afterEach(async () => {
    client?.destroy();
    await proxy?.close();
  });
  const made = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useProxiedRedis: read the setup inside a test');
    return value;
  };
  return {
    get server(): RedisServer {
      return made(server);
    },
    get proxy(): RedisFaultProxy {
      return made(proxy);
    },
    /** A store through the proxy and one on the same keys that bypasses it. */
    stores: (keyPrefix = uniquePrefix()) => ({
      proxied: new RedisStore({ client: made(client), keyPrefix }),
      direct: new RedisStore({ client: made(direct), keyPrefix }),
    }),
  };
};

/** `acquire 3 (ambiguous 1, forwarded 2), complete 1 (forwarded 1)`, handshake commands left out. */
export const describeCounts = (counts: FaultCounts): string =>
  describeAnyCounts(counts, (operation) => operation === operation.toLowerCase() || operation.startsWith('EVAL'));

/** Prints `[faults] redis <scenario>: name=value ...`, as the DynamoDB fault tests do. */
export const report = faultReporter('redis');

export { lambdaContext, sleep, waitUntil } from '../../../core/test/faults/realTime';
