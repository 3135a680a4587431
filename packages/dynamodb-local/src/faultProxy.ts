import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector } from './faultInjector.js';
import { type FaultCounts, type FaultRule, operationOf } from './faultProxyRules.js';

/**
 * Options of {@link startFaultProxy}.
 *
 * @example
 * ```ts
 * await startFaultProxy({ target: dynamodb.endpoint, seed: 7, rules: [{ fault: 'throttle', probability: 0.04 }] });
 * ```
 */
export interface FaultProxyOptions {
  /** The DynamoDB endpoint requests are forwarded to (`http://127.0.0.1:<port>`). */
  target: string;
  /** Seed of the RNG behind probabilistic rules. Default 1. */
  seed?: number;
  rules?: readonly FaultRule[];
}

/**
 * A running fault-injection proxy.
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient(localClientConfig(proxy.endpoint));
 * proxy.inject({ operations: 'PutItem', fault: 'ambiguous', times: 1 });
 * ```
 */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point the SDK client here. */
  readonly endpoint: string;
  readonly port: number;
  /** Adds a rule after the existing ones. */
  inject(rule: FaultRule): void;
  /** Removes every rule: requests pass through again. */
  clearFaults(): void;
  /** A copy of the requests counted so far. */
  counts(): FaultCounts;
  resetCounts(): void;
  /**
   * Stops listening, drops open connections and the requests held by `delay` and `late` faults
   * (they are never forwarded), and waits until the server is closed.
   */
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

// Headers about one connection, not the message; the proxy sets its own.
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const readBody = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const forward = (target: URL, agent: Agent, incoming: IncomingMessage, body: Buffer): Promise<Upstream> =>
  new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host, 'content-length': String(body.length) },
      },
      (response) => {
        readBody(response).then(
          (responseBody) =>
            resolve({ status: response.statusCode ?? 502, headers: response.headers, body: responseBody }),
          reject,
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });

const relay = (res: ServerResponse, upstream: Upstream): void => {
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !hopByHop.has(name)) res.setHeader(name, value);
  }
  res.setHeader('content-length', upstream.body.length);
  res.writeHead(upstream.status).end(upstream.body);
};

// The shape DynamoDB answers errors in, so the SDK parses it as it would the real service's.
const answerError = (res: ServerResponse, status: number, type: string, message: string): void => {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  res
    .writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': `fault-proxy-${Date.now()}`,
    })
    .end(body);
};

/**
 * Starts an HTTP proxy on 127.0.0.1 (a free port) in front of DynamoDB Local that injects
 * faults per operation (read from `X-Amz-Target`): `ambiguous`, `fail`, `throttle`, `delay`,
 * `reset` and `late`, on the next N matching requests or with a seeded probability. It counts
 * every request per operation and per outcome (a `late` one once DynamoDB has answered it).
 * Closing it drops the requests it still holds, unforwarded. A test utility: not for
 * production traffic.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ target: localEndpoint() });
 * proxy.inject({ operations: 'PutItem', fault: 'ambiguous', times: 1 });
 * const client = new DynamoDBClient(localClientConfig(proxy.endpoint));
 * // ...
 * console.log(proxy.counts().byOperation.PutItem); // { requests: 2, ambiguous: 1, forwarded: 1 }
 * await proxy.close();
 * ```
 */
export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  // Requests held by `delay` and `late` faults: close() drops them unforwarded, so no write
  // reaches DynamoDB after the proxy (and the test that owned it) is gone.
  const faults = new FaultInjector(options.seed, options.rules);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const operation = operationOf(req.headers['x-amz-target']);
    const { outcome, delayMs } = faults.decide(operation);
    const injected = `injected by the fault proxy (${outcome} ${operation})`;

    if (outcome === 'fail') return answerError(res, 500, 'InternalServerError', injected);
    if (outcome === 'throttle') return answerError(res, 400, 'ThrottlingException', injected);
    if (outcome === 'delay' || outcome === 'late') await faults.hold(delayMs);
    const upstream = await forward(target, agent, req, body);
    if (outcome === 'late') {
      // The client has given up on this request by now (or would see its connection drop).
      faults.countLate(operation);
      req.socket.destroy();
      return;
    }
    if (outcome === 'ambiguous') return answerError(res, 500, 'InternalServerError', injected);
    if (outcome === 'reset') {
      req.socket.destroy();
      return;
    }
    relay(res, upstream);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) answerError(res, 502, 'ProxyError', `fault proxy could not forward: ${String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    inject: (rule) => faults.inject(rule),
    clearFaults: () => faults.clearFaults(),
    counts: () => faults.counts(),
    resetCounts: () => faults.resetCounts(),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        faults.dropHeld();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
};
