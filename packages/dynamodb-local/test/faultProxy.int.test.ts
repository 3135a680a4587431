import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FaultProxy, startFaultProxy } from '@oncely/dynamodb-local';

// A stand-in for DynamoDB Local that records what reaches it: the proxy's behaviour does not
// depend on what answers behind it, and this needs no Java.
let upstream: Server;
let upstreamEndpoint: string;
const received: { target: string | undefined; body: string }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        target: req.headers['x-amz-target'] as string | undefined,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamEndpoint = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

let proxy: FaultProxy;

beforeEach(async () => {
  received.length = 0;
  proxy = await startFaultProxy({ target: upstreamEndpoint, seed: 42 });
});

afterEach(async () => {
  await proxy.close();
});

const send = (operation: string, body = '{"TableName":"t"}') =>
  fetch(proxy.endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': `DynamoDB_20120810.${operation}`, 'content-type': 'application/x-amz-json-1.0' },
    body,
  });

const waitFor = async (check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadlineMs = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadlineMs) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('startFaultProxy', () => {
  it('forwards requests without a matching rule untouched and counts them per operation', async () => {
    const response = await send('PutItem', '{"Item":1}');
    await send('GetItem');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(received).toEqual([
      { target: 'DynamoDB_20120810.PutItem', body: '{"Item":1}' },
      { target: 'DynamoDB_20120810.GetItem', body: '{"TableName":"t"}' },
    ]);
    expect(proxy.counts()).toEqual({
      total: 2,
      byOperation: { PutItem: { requests: 1, forwarded: 1 }, GetItem: { requests: 1, forwarded: 1 } },
      byOutcome: { forwarded: 2 },
    });
  });

  it('answers an ambiguous fault with a DynamoDB-shaped 500 after the request reached DynamoDB', async () => {
    proxy.inject({ operations: 'PutItem', fault: 'ambiguous' });

    const response = await send('PutItem');

    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' });
    expect(received).toHaveLength(1);
  });

  it('answers fail with a 500 and throttle with a 400 ThrottlingException, forwarding neither', async () => {
    proxy.inject({ operations: 'PutItem', fault: 'fail' });
    proxy.inject({ operations: 'UpdateItem', fault: 'throttle' });

    const failed = await send('PutItem');
    const throttled = await send('UpdateItem');

    expect(failed.status).toBe(500);
    expect(throttled.status).toBe(400);
    expect(await throttled.json()).toMatchObject({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException' });
    expect(received).toHaveLength(0);
    expect(proxy.counts().byOutcome).toEqual({ fail: 1, throttle: 1 });
  });

  it('delays a request by delayMs, then forwards it', async () => {
    proxy.inject({ operations: 'GetItem', fault: 'delay', delayMs: 150 });
    const startedMs = Date.now();

    const response = await send('GetItem');

    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('drops the connection of a reset request after forwarding it', async () => {
    proxy.inject({ operations: 'DeleteItem', fault: 'reset' });

    const sending = send('DeleteItem');

    await expect(sending).rejects.toThrow();
    expect(received).toHaveLength(1);
  });

  it('holds a late request past the client giving up, then forwards it and counts it once answered', async () => {
    proxy.inject({ operations: 'PutItem', fault: 'late', delayMs: 400, times: 1 });

    const sending = fetch(proxy.endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: '{"Item":"late"}',
      signal: AbortSignal.timeout(100),
    });

    await expect(sending).rejects.toThrow(/aborted/i);
    expect(received).toHaveLength(0);
    expect(proxy.counts().byOutcome).toEqual({});
    await waitFor(() => proxy.counts().byOutcome.late === 1);
    expect(received).toEqual([{ target: 'DynamoDB_20120810.PutItem', body: '{"Item":"late"}' }]);
    expect(proxy.counts().byOperation.PutItem).toEqual({ requests: 1, late: 1 });
  });

  it('drops the connection of a late request the client still waits for, after forwarding it', async () => {
    proxy.inject({ operations: 'PutItem', fault: 'late', delayMs: 100 });

    const sending = send('PutItem');

    await expect(sending).rejects.toThrow();
    expect(received).toHaveLength(1);
  });

  it('drops the requests it holds, unforwarded, when closed', async () => {
    proxy.inject({ operations: 'PutItem', fault: 'late', delayMs: 200 });
    const sending = send('PutItem').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50)); // on loopback it arrives well within this

    await proxy.close();
    await sending;
    await new Promise((resolve) => setTimeout(resolve, 400));

    expect(received).toHaveLength(0);
  });

  it('hits only the next N matching requests', async () => {
    proxy.inject({ operations: ['PutItem'], fault: 'fail', times: 2 });

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send('PutItem')).status);
    statuses.push((await send('GetItem')).status);

    expect(statuses).toEqual([500, 500, 200, 200, 200]);
    expect(proxy.counts().byOperation.PutItem).toEqual({ requests: 4, fail: 2, forwarded: 2 });
  });

  it('hits matching requests with a seeded probability, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const seeded = await startFaultProxy({
        target: upstreamEndpoint,
        seed,
        rules: [{ fault: 'fail', probability: 0.3 }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await fetch(seeded.endpoint, { method: 'POST', headers: { 'x-amz-target': 'X.GetItem' } });
        statuses.push(response.status);
      }
      await seeded.close();
      return statuses;
    };

    const first = await run(7);
    const again = await run(7);
    const other = await run(8);
    const failed = first.filter((status) => status === 500).length;

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(failed).toBeGreaterThan(4);
    expect(failed).toBeLessThan(24);
  });

  it('passes requests through again once its faults are cleared', async () => {
    proxy.inject({ fault: 'fail' });
    const before = await send('PutItem');

    proxy.clearFaults();
    const after = await send('PutItem');

    expect([before.status, after.status]).toEqual([500, 200]);
  });

  it('stops listening when closed', async () => {
    await proxy.close();

    await expect(send('GetItem')).rejects.toThrow();
  });
});
