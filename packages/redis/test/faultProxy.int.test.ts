import { RedisStore } from '@oncely/redis';
import { type RedisFaultProxy, skipValue, startRedisFaultProxy } from './faultProxy';
import { proxiedClient, sleep, waitUntil } from './faults/faultFixtures';
import { type Client, connectClient, lockFor, uniquePrefix, useRedis } from './fixtures';

const redis = useRedis();
let proxy: RedisFaultProxy;
let client: Client;

beforeEach(async () => {
  proxy = await startRedisFaultProxy({ targetPort: redis.server.port });
  client = await proxiedClient(proxy);
});

afterEach(async () => {
  client.destroy();
  await proxy.close();
});

const key = () => `${uniquePrefix()}k`;

describe('skipValue', () => {
  it.each([
    ['+OK\r\n', 5],
    ['$3\r\nabc\r\n', 9],
    ['$-1\r\n', 5],
    ['*2\r\n:1\r\n$1\r\na\r\n', 15],
    ['%1\r\n+a\r\n_\r\n', 11],
    ['|1\r\n+k\r\n+v\r\n:1\r\n', 16],
    ['~1\r\n,1.5\r\n', 10],
    ['=7\r\ntxt:abc\r\n', 13],
  ])('finds the end of %j', (text, end) => {
    expect(skipValue(Buffer.from(`${text}+next\r\n`), 0)).toBe(end);
  });

  it('says a value cut in the middle is not complete', () => {
    expect(skipValue(Buffer.from('*2\r\n:1\r\n$5\r\nab'), 0)).toBe(-1);
  });
});

describe('the Redis fault proxy', () => {
  it('passes commands through over RESP3 and names store scripts by operation', async () => {
    const store = new RedisStore({ client, keyPrefix: uniquePrefix() });
    const lock = lockFor();

    await client.set('plain', 'value');
    const value = await client.get('plain');
    const acquired = await store.acquire(lock);
    const record = await store.get(lock.key);

    expect(value).toBe('value');
    expect(acquired).toEqual({ acquired: true });
    expect(record).toMatchObject({ status: 'INPROGRESS', owner: lock.owner });
    expect(proxy.counts().byOperation).toMatchObject({
      HELLO: { requests: 1 },
      SET: { requests: 1, forwarded: 1 },
      // EVALSHA (NOSCRIPT on a fresh server), then EVAL of the source.
      acquire: { requests: 2, forwarded: 2 },
      get: { requests: 2, forwarded: 2 },
    });
  });

  it('answers an error without forwarding on fail', async () => {
    const name = key();
    proxy.inject({ operations: 'SET', fault: 'fail', times: 1 });

    const failed = await client.set(name, 'v').catch((error: unknown) => error);

    expect(String(failed)).toContain('injected fault (fail SET)');
    expect(await redis.client.get(name)).toBeNull();
    expect(await client.get(name)).toBeNull();
  });

  it('applies the command and answers an error on ambiguous, and the connection stays in step', async () => {
    const name = key();
    proxy.inject({ operations: 'SET', fault: 'ambiguous', times: 1 });

    const [failed, read] = await Promise.all([
      client.set(name, 'v').catch((error: unknown) => error),
      client.get(name),
    ]);

    expect(String(failed)).toContain('injected fault (ambiguous SET)');
    expect(read).toBe('v');
  });

  it('applies the command and drops the connection on reset; the client reconnects', async () => {
    const name = key();
    proxy.inject({ operations: 'SET', fault: 'reset', times: 1 });

    const failed = await client.set(name, 'v').catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(Error);
    expect(await redis.client.get(name)).toBe('v');
    await waitUntil(() => client.isReady);
    expect(await client.get(name)).toBe('v');
  });

  it('delays a command and then relays its reply', async () => {
    proxy.inject({ operations: 'GET', fault: 'delay', delayMs: 150, times: 1 });
    const startedMs = Date.now();

    const read = await client.get(key());

    expect(read).toBeNull();
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(140);
  });

  it('applies a late command after the client timed out on it', async () => {
    const name = key();
    proxy.inject({ operations: 'SET', fault: 'late', delayMs: 600, times: 1 });
    const startedMs = Date.now();

    const failed = await client.set(name, 'v').catch((error: unknown) => error);
    const gaveUpAfterMs = Date.now() - startedMs;
    const beforeLanding = await redis.client.get(name);
    await waitUntil(() => proxy.counts().byOutcome.late === 1);

    expect(failed).toBeInstanceOf(Error);
    expect(gaveUpAfterMs).toBeLessThan(600);
    expect(beforeLanding).toBeNull();
    expect(await redis.client.get(name)).toBe('v');
  });

  it('never forwards the commands it holds once closed', async () => {
    const name = key();
    const other = await connectClient(proxy.url);
    other.on('error', () => undefined);
    proxy.inject({ operations: 'SET', fault: 'late', delayMs: 200, times: 1 });

    const pending = other.set(name, 'v').catch((error: unknown) => error);
    await sleep(50);
    await proxy.close();
    await sleep(300);

    expect(await pending).toBeInstanceOf(Error);
    expect(await redis.client.get(name)).toBeNull();
    other.destroy();
  });
});
