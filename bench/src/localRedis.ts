import { spawnSync } from 'node:child_process';
import { createClient } from '@redis/client';
// The test suites' starter: a free loopback port, no persistence, ready once it answers PING.
import { startRedisServer } from '../../packages/redis/test/redisServer.js';

// A socket timeout and a reconnect strategy, as the @oncely/redis README advises (the store warns
// without a socket timeout).
const newClient = (url: string) => createClient({ url, socket: { socketTimeout: 2000, reconnectStrategy: 100 } });

/** A connected client and the number of commands it has sent. */
export interface CountedClient {
  readonly client: ReturnType<typeof newClient>;
  /** Commands sent so far (a script's inner commands are not commands on the wire). */
  readonly commands: () => number;
}

/** A redis-server for the run, stopped by `stop` (clients first). */
export interface LocalRedis {
  readonly url: string;
  /** A new connected client whose commands are counted. */
  connect(): Promise<CountedClient>;
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port, or returns undefined when it is not installed
 * (the bench then skips its Redis sections).
 *
 * @example
 * ```ts
 * const redis = await startLocalRedis();
 * const { client, commands } = await redis!.connect();
 * ```
 */
export const startLocalRedis = async (): Promise<LocalRedis | undefined> => {
  if (spawnSync('redis-server', ['--version']).error !== undefined) return undefined;
  const server = await startRedisServer();
  const clients: CountedClient['client'][] = [];
  return {
    url: server.url,
    async connect() {
      const client = newClient(server.url);
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      // Every command of @redis/client (GET, SET, DEL, EVALSHA, EVAL, …) ends in
      // `this._self.sendCommand(args)`, where `_self` is the client instance behind the object
      // `createClient` returns (an `Object.create` of it): counting there counts what goes on the wire.
      let sent = 0;
      const self = (client as unknown as { _self: { sendCommand: typeof client.sendCommand } })._self;
      const sendCommand = self.sendCommand.bind(self);
      self.sendCommand = ((...args: Parameters<typeof sendCommand>) => {
        sent++;
        return sendCommand(...args);
      }) as typeof client.sendCommand;
      return { client, commands: () => sent };
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      await server.stop();
    },
  };
};
