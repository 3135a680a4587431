import { InMemoryStore, makeIdempotent } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { LocalCache } from '../src/localCache.js';

const entry = (data: string, expiresAtSec = 2e9) => ({ data, expiresAtSec, validation: undefined });

describe('LocalCache', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new LocalCache({ maxEntries: 2, maxBytes: 1e6 });
    cache.set('a', entry('1'));
    cache.set('b', entry('2'));
    cache.get('a', 0);

    cache.set('c', entry('3'));

    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 0)?.data).toBe('1');
    expect(cache.get('c', 0)?.data).toBe('3');
  });

  it('evicts old entries to stay within maxBytes and skips an entry larger than the whole cache', () => {
    const cache = new LocalCache({ maxEntries: 100, maxBytes: 1000 });
    cache.set('a', entry('x'.repeat(300)));
    cache.set('b', entry('y'.repeat(300)));

    cache.set('huge', entry('z'.repeat(10_000)));

    expect(cache.size).toBe(1);
    expect(cache.get('b', 0)).toBeDefined();
    expect(cache.bytes).toBeLessThanOrEqual(1000);
  });

  it('returns a fresh value of the result each time, equal to parsing its text', () => {
    const cache = new LocalCache({ maxEntries: 10, maxBytes: 1e6 });
    const cached = entry('{"lines":[{"sku":"a","qty":1}],"__proto__":{"x":1},"n":null}');
    cache.set('k', cached);

    const first = cache.result('k', cached) as { lines: { qty: number }[] };
    (first.lines[0] as { qty: number }).qty = 99;
    const second = cache.result('k', cached) as { lines: { qty: number }[] };
    second.lines.push({ qty: 2 });
    const third = cache.result('k', cached);

    expect(third).toStrictEqual(JSON.parse(cached.data));
    expect(Object.getPrototypeOf(third)).toBe(Object.prototype);
    expect(Object.keys(third as object)).toEqual(['lines', '__proto__', 'n']);
  });

  it('counts the parsed value kept for replays, and evicts to stay within maxBytes', () => {
    const cache = new LocalCache({ maxEntries: 10, maxBytes: 1000 });
    const old = entry(JSON.stringify('x'.repeat(150)));
    const recent = entry(JSON.stringify('y'.repeat(150)));
    cache.set('old', old);
    cache.set('recent', recent);
    const bytesBefore = cache.bytes;

    cache.result('recent', recent);

    expect(cache.bytes).toBeLessThanOrEqual(1000);
    expect(cache.bytes).toBeGreaterThan(bytesBefore / 2);
    expect(cache.get('old', 0)).toBeUndefined();
    expect(cache.get('recent', 0)).toBe(recent);
  });

  it('never returns an expired entry', () => {
    const cache = new LocalCache({ maxEntries: 10, maxBytes: 1e6 });
    cache.set('a', entry('1', 100));

    expect(cache.get('a', 100_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('copies every nested object or array of a result anew, at any depth, and keeps primitives as they are', () => {
    const cache = new LocalCache({ maxEntries: 10, maxBytes: 1e6 });
    const cached = entry('[1,[2,{"a":{"b":[3]}}],"s",{"__proto__":{"p":1}},[],{}]');
    const primitive = entry('"text"');
    cache.set('k', cached);
    cache.set('p', primitive);
    cache.result('k', cached);

    const first = cache.result('k', cached) as [
      number,
      [number, { a: { b: number[] } }],
      string,
      object,
      number[],
      object,
    ];
    first[1][1].a.b.push(4);
    // `__proto__` is an own data property here (JSON.parse made it), not the prototype.
    (Object.getOwnPropertyDescriptor(first[3], '__proto__')?.value as { p: number }).p = 2;
    first[4].push(5);
    (first[5] as Record<string, number>).x = 1;
    const second = cache.result('k', cached);

    expect(second).toStrictEqual(JSON.parse(cached.data));
    expect(Object.getPrototypeOf((second as object[])[3])).toBe(Object.prototype);
    expect(cache.result('p', primitive)).toBe('text');
    expect(cache.result('p', primitive)).toBe('text');
  });
});

describe('local cache in the wrapper', () => {
  it('answers a replay without a store request', async () => {
    const store = new FaultyStore(new InMemoryStore());
    const handler = makeIdempotent(async (_event?: unknown, _context?: unknown) => ({ ok: true }), {
      store,
      localCache: { maxEntries: 10 },
    });
    await handler({ id: 1 });
    const requestsAfterFirst = { ...store.calls };

    const replay = await handler({ id: 1 });

    expect(replay).toEqual({ ok: true });
    expect(store.calls).toEqual(requestsAfterFirst);
  });

  it('returns a fresh copy each time, so a caller mutating its replay cannot change the next one', async () => {
    const handler = makeIdempotent(async (_event?: unknown, _context?: unknown) => ({ items: [1] }), {
      store: new InMemoryStore(),
      localCache: {},
    });
    await handler({ id: 1 });

    const first = (await handler({ id: 1 })) as { items: number[] };
    first.items.push(2);

    expect(await handler({ id: 1 })).toEqual({ items: [1] });
  });

  it('keeps replays from the cache independent after many replays of a nested result', async () => {
    const handler = makeIdempotent(
      async (_event?: unknown, _context?: unknown) => ({ order: { lines: [{ sku: 'a', at: new Date(0) }] } }),
      { store: new InMemoryStore(), localCache: {} },
    );
    await handler({ id: 1 });

    for (let replay = 0; replay < 3; replay++) {
      const result = (await handler({ id: 1 })) as { order: { lines: { sku: string }[] } };
      (result.order.lines[0] as { sku: string }).sku = `mutated ${replay}`;
      result.order.lines.push({ sku: 'extra' });
    }

    expect(await handler({ id: 1 })).toStrictEqual({
      order: { lines: [{ sku: 'a', at: '1970-01-01T00:00:00.000Z' }] },
    });
  });

  it('caches a result replayed from the store', async () => {
    const store = new FaultyStore(new InMemoryStore());
    const writer = makeIdempotent(async (_event?: unknown, _context?: unknown) => 'stored', {
      store,
      keyPrefix: 'shared',
    });
    const reader = makeIdempotent(async (_event?: unknown, _context?: unknown) => 'not run', {
      store,
      keyPrefix: 'shared',
      localCache: {},
    });
    await writer({ id: 1 });

    await reader({ id: 1 });
    await reader({ id: 1 });

    expect(store.calls.acquire).toBe(2);
  });
});
