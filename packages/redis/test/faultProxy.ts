import { createHash } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { FaultInjector } from '../../dynamodb-local/src/faultInjector';
import type { FaultCounts, FaultOutcome, FaultRule } from '../../dynamodb-local/src/faultProxyRules';
import * as powertoolsScripts from '../src/powertoolsScripts';
import * as scripts from '../src/scripts';

/**
 * A fault-injecting proxy for the Redis protocol (RESP2 and RESP3) on 127.0.0.1, with the rules
 * of the DynamoDB fault proxy (`FaultRules`, seeded, counted per operation and outcome). An
 * operation is the name of a store script (`acquire`, `complete`, `release`, `extend`, `get`,
 * `powertools-acquire`...) for EVALSHA and EVAL, or else the command's name (`HELLO`, `GET`).
 *
 * What each fault does to a command (the connection stays in step with the client: one reply
 * per command, in order, so commands are handled one at a time per connection):
 * - `ambiguous`: forwards it (Redis applies it), reads the real reply, and answers
 *   `-ERR injected fault (...)` instead: the client sees an error for a write that was applied.
 *   (An error reply rather than a dropped one: skipping a reply would shift every later reply of
 *   the pipeline onto the wrong command. `reset` is the dropped-connection variant.)
 * - `fail`: answers `-ERR injected fault (...)` without forwarding.
 * - `throttle`: as `fail` (Redis has no throttling reply; kept so DynamoDB rules carry over).
 * - `delay`: waits `delayMs`, then forwards it and relays the reply.
 * - `reset`: forwards it, reads the reply, then drops the client's connection without answering.
 * - `late`: holds it `delayMs` (past the client's socket timeout, which drops the connection),
 *   then forwards it and discards the reply: a write that reaches Redis after its caller moved on.
 *   Commands queued behind it on that connection are dropped unforwarded.
 *
 * A test utility: not for production traffic.
 */
export interface RedisFaultProxy {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`: point the client here. */
  readonly url: string;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** A copy of the commands counted so far (a `late` one once Redis has answered it). */
  counts(): FaultCounts;
  resetCounts(): void;
  /** Drops every client connection (as a network blip would); the proxy keeps listening. */
  dropConnections(): void;
  /** Stops listening, drops connections and held commands (never forwarded). */
  close(): Promise<void>;
}

export interface RedisFaultProxyOptions {
  /** Port of the redis-server on 127.0.0.1 commands are forwarded to. */
  targetPort: number;
  /** Seed of the RNG behind probabilistic rules. Default 1. */
  seed?: number;
  rules?: readonly FaultRule[];
}

const CRLF = Buffer.from('\r\n');

const lineEnd = (buffer: Buffer, from: number): number => {
  const at = buffer.indexOf(CRLF, from);
  return at === -1 ? -1 : at;
};

/**
 * The offset just past the RESP value that starts at `from`, or -1 when the buffer does not hold
 * all of it yet. Knows RESP2 (`+ - : $ *`) and RESP3 (`_ , # ( ! = % ~ | >`).
 */
export const skipValue = (buffer: Buffer, from: number): number => {
  if (from >= buffer.length) return -1;
  const type = String.fromCharCode(buffer[from] as number);
  const end = lineEnd(buffer, from);
  if (end === -1) return -1;
  const header = buffer.toString('utf8', from + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return next;
    case '$':
    case '!':
    case '=': {
      const length = Number(header);
      if (length < 0) return next;
      return buffer.length >= next + length + 2 ? next + length + 2 : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const length = Number(header);
      if (length < 0) return next;
      const items = type === '%' || type === '|' ? length * 2 : length;
      let at = next;
      for (let i = 0; i < items; i++) {
        at = skipValue(buffer, at);
        if (at === -1) return -1;
      }
      // An attribute map describes the value that follows it: that value is part of the reply.
      return type === '|' ? skipValue(buffer, at) : at;
    }
    default:
      throw new Error(`fault proxy: unknown RESP type byte ${JSON.stringify(type)} at offset ${from}`);
  }
};

/** A command: an array of bulk strings, as clients send them. Its arguments and its length. */
export const parseCommand = (buffer: Buffer, from: number): { args: string[]; end: number } | undefined => {
  const end = skipValue(buffer, from);
  if (end === -1) return undefined;
  if (buffer[from] !== 0x2a)
    throw new Error('fault proxy: expected a command array (inline commands are not supported)');
  const args: string[] = [];
  let at = lineEnd(buffer, from) + 2;
  while (at < end) {
    const headerEnd = lineEnd(buffer, at);
    const length = Number(buffer.toString('utf8', at + 1, headerEnd));
    args.push(buffer.toString('utf8', headerEnd + 2, headerEnd + 2 + length));
    at = headerEnd + 2 + length + 2;
  }
  return { args, end };
};

const scriptNames = new Map<string, string>(
  [...Object.values(scripts), ...Object.values(powertoolsScripts)]
    .filter((value): value is scripts.Script => typeof value === 'object' && value !== null && 'sha1' in value)
    .map((script) => [script.sha1, script.name]),
);

/** `acquire` for EVALSHA or EVAL of the store's acquire script; the command's name otherwise. */
export const operationOfCommand = (args: readonly string[]): string => {
  const command = (args[0] ?? 'unknown').toUpperCase();
  if (command === 'EVALSHA') return scriptNames.get((args[1] ?? '').toLowerCase()) ?? 'EVALSHA';
  if (command === 'EVAL') {
    const sha1 = createHash('sha1')
      .update(args[1] ?? '')
      .digest('hex');
    return scriptNames.get(sha1) ?? 'EVAL';
  }
  return command;
};

const injectedReply = (outcome: FaultOutcome, operation: string): Buffer =>
  Buffer.from(`-ERR injected fault (${outcome} ${operation})\r\n`);

/**
 * Starts the proxy on a free loopback port in front of the redis-server on `targetPort`.
 *
 * @example
 * ```ts
 * const proxy = await startRedisFaultProxy({ targetPort: server.port });
 * proxy.inject({ operations: 'acquire', fault: 'ambiguous', times: 1 });
 * const client = await connectClient(proxy.url);
 * ```
 */
export const startRedisFaultProxy = async (options: RedisFaultProxyOptions): Promise<RedisFaultProxy> => {
  const faults = new FaultInjector(options.seed, options.rules);
  const sockets = new Set<Socket>();
  let closed = false;

  const serve = (client: Socket): void => {
    const upstream = connect({ host: '127.0.0.1', port: options.targetPort });
    sockets.add(client);
    sockets.add(upstream);
    let pending = Buffer.alloc(0);
    let replies = Buffer.alloc(0);
    let waiting: ((reply: Buffer | undefined) => void) | undefined;
    let busy = false;
    let clientGone = false;
    let upstreamGone = false;

    const finish = () => {
      clientGone = true;
      client.destroy();
      if (!busy) upstream.destroy();
    };
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      sockets.delete(client);
      finish();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      upstreamGone = true;
      waiting?.(undefined);
      client.destroy();
    });

    // The next reply of Redis, out-of-band pushes (`>`) relayed to the client as they come.
    const nextReply = (): Promise<Buffer | undefined> =>
      new Promise((resolve) => {
        const take = (): boolean => {
          while (replies.length > 0) {
            const end = skipValue(replies, 0);
            if (end === -1) return false;
            const value = replies.subarray(0, end);
            replies = replies.subarray(end);
            if (value[0] === 0x3e) {
              if (!clientGone) client.write(value);
              continue;
            }
            resolve(value);
            return true;
          }
          return false;
        };
        if (take()) return;
        if (upstreamGone) return resolve(undefined);
        waiting = (reply) => {
          if (reply === undefined) {
            waiting = undefined;
            resolve(undefined);
          } else if (take()) waiting = undefined;
        };
      });
    upstream.on('data', (chunk: Buffer) => {
      replies = Buffer.concat([replies, chunk]);
      waiting?.(chunk);
    });

    const forward = async (raw: Buffer): Promise<Buffer | undefined> => {
      upstream.write(raw);
      return nextReply();
    };

    const handle = async (args: string[], raw: Buffer): Promise<void> => {
      const operation = operationOfCommand(args);
      const { outcome, delayMs } = faults.decide(operation);
      if (outcome === 'fail' || outcome === 'throttle') {
        client.write(injectedReply(outcome, operation));
        return;
      }
      if (outcome === 'delay' || outcome === 'late') await faults.hold(delayMs);
      if (closed) return;
      const reply = await forward(raw);
      if (outcome === 'late') {
        // The client gave up on this command; its reply goes nowhere.
        if (reply !== undefined) faults.countLate(operation);
        finish();
        return;
      }
      if (reply === undefined || clientGone) return;
      if (outcome === 'ambiguous') client.write(injectedReply(outcome, operation));
      else if (outcome === 'reset') finish();
      else client.write(reply);
    };

    const drain = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          if (clientGone) break;
          const command = parseCommand(pending, 0);
          if (command === undefined) break;
          const raw = pending.subarray(0, command.end);
          pending = pending.subarray(command.end);
          await handle(command.args, raw);
        }
      } finally {
        busy = false;
        if (clientGone) upstream.destroy();
      }
    };
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      drain().catch(() => finish());
    });
  };

  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    inject: (rule) => faults.inject(rule),
    clearFaults: () => faults.clearFaults(),
    counts: () => faults.counts(),
    resetCounts: () => faults.resetCounts(),
    dropConnections: dropAll,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        closed = true;
        faults.dropHeld();
        server.close(() => resolve());
        dropAll();
      })),
  };
};
