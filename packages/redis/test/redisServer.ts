import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@oncely/dynamodb-local';

/** A redis-server child process on 127.0.0.1. */
export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, then SIGKILL); resolves once it has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;

const missingServer = () =>
  new Error(
    'redis-server was not found on PATH. The @oncely/redis tests run against a real Redis: install it ' +
      '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and run the tests again.',
  );

/** True when something on `port` answers PING with PONG. */
const answersPing = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

const startOnce = async (requestedPort?: number): Promise<RedisServer | 'port-taken'> => {
  const port = requestedPort ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? missingServer() : error)),
  );
  spawnFailed.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    }
  };
  const deadlineMs = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadlineMs) {
    await Promise.race([sleep(50), spawnFailed]);
    if (child.exitCode !== null) {
      if (/address already in use/i.test(output)) return 'port-taken';
      throw new Error(`redis-server exited with code ${child.exitCode}:\n${output}`);
    }
    if (await answersPing(port)) return { port, url: `redis://127.0.0.1:${port}`, stop };
  }
  await stop();
  throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
};

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * The port to listen on, e.g. the port of a server just stopped, to restart it "in place"
   * (clients reconnect to the same URL). Default: a free port.
   */
  port?: number;
}

/**
 * Starts `redis-server` on a free loopback port (or `options.port`), without persistence
 * (`--save '' --appendonly no`: a restart loses every key), and waits until it answers PING.
 * Fails with a clear message when redis-server is not installed.
 */
export const startRedisServer = async (options: RedisServerOptions = {}): Promise<RedisServer> => {
  for (let attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
    const started = await startOnce(options.port);
    if (started !== 'port-taken') return started;
    if (options.port !== undefined) await sleep(200);
  }
  throw new Error(`redis-server could not bind a free port in ${PORT_ATTEMPTS} attempts`);
};
