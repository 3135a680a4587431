import { IdempotencyKeyError, InMemoryStore, makeIdempotent } from '@oncely/core';
import { canonicalJson, isMissingKey } from '@oncely/core/engine';

class Wrapped {
  toJSON() {
    return 1;
  }
}

class Money {
  readonly #cents: number;
  constructor(cents: number) {
    this.#cents = cents;
  }
  get cents() {
    return this.#cents;
  }
}

const unrepresentable: [string, unknown, RegExp][] = [
  ['a Map', { tags: new Map([['a', 1]]) }, /^\$\.tags is a Map/],
  ['a Set', { tags: new Set(['a']) }, /^\$\.tags is a Set/],
  ['a class instance with private state', { price: new Money(5) }, /^\$\.price is an instance of Money/],
  ['an object with toJSON', { at: { toJSON: () => 'x' } }, /^\$\.at\.toJSON is a function/],
  ['a class instance with toJSON', { v: new Wrapped() }, /^\$\.v is an instance of Wrapped/],
  ['a Buffer', { blob: Buffer.from('ab') }, /^\$\.blob is an instance of Buffer/],
  ['a typed array', { blob: new Uint8Array([1]) }, /^\$\.blob is an instance of Uint8Array/],
  ['NaN', { body: { items: [{}, {}, { price: Number.NaN }] } }, /^\$\.body\.items\[2\]\.price is NaN/],
  ['Infinity', [Number.POSITIVE_INFINITY], /^\$\[0\] is Infinity/],
  ['-Infinity', { n: Number.NEGATIVE_INFINITY }, /^\$\.n is -Infinity/],
  ['an invalid Date', { at: new Date(Number.NaN) }, /^\$\.at is an invalid Date/],
  ['a BigInt', { n: 1n }, /^\$\.n is a BigInt/],
  ['a function', { fn: () => 1 }, /^\$\.fn is a function/],
  ['a symbol value', { s: Symbol('x') }, /^\$\.s is a symbol/],
  ['a symbol key', { a: 1, [Symbol('k')]: 2 }, /^\$ has a symbol key/],
  ['undefined in an array', { list: [1, undefined] }, /^\$\.list\[1\] is undefined/],
  // biome-ignore lint/suspicious/noSparseArray: the hole is the point
  ['a hole in an array', { list: [1, , 3] }, /^\$\.list\[1\] is a hole/],
  ['a key that is not an identifier', { 'a b': { 'c"': Number.NaN } }, /^\$\["a b"\]\["c\\""\] is NaN/],
];

describe('canonicalJson on values JSON does not represent', () => {
  it.each(unrepresentable)('throws a TypeError naming the path of %s', (_, value, message) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
    expect(() => canonicalJson(value)).toThrow(message);
    expect(() => canonicalJson(value, 'caseInsensitive')).toThrow(message);
  });

  it('advises converting the value to plain JSON', () => {
    expect(() => canonicalJson({ tags: new Set() })).toThrow(/convert it to plain JSON/);
  });

  it('names the cycle and where it leads back to', () => {
    const line: Record<string, unknown> = { sku: 'a' };
    const order = { id: 1, lines: [line] };
    line.order = order;

    expect(() => canonicalJson({ order })).toThrow(/^\$\.order\.lines\[0\]\.order is a cycle back to \$\.order/);
  });

  it('names deep nesting that is not a cycle', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 600; i++) deep = [deep];

    expect(() => canonicalJson(deep)).toThrow(/nests deeper than 512 levels/);
  });

  it('keys a valid Date like its ISO string', () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalJson({ at: new Date(0) })).toBe(canonicalJson({ at: '1970-01-01T00:00:00.000Z' }));
  });

  it('treats an undefined property as absent, as JSON does', () => {
    expect(canonicalJson({ a: 1, gone: undefined })).toBe('{"a":1}');
  });

  it('accepts null-prototype objects', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });

    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
  });
});

describe('isMissingKey', () => {
  it('treats only plain empty objects and arrays as missing', () => {
    expect(isMissingKey({})).toBe(true);
    expect(isMissingKey(Object.create(null))).toBe(true);
    expect(isMissingKey([])).toBe(true);
    expect(isMissingKey([null, undefined])).toBe(true);
    expect(isMissingKey(new Map([['orderId', 'o-1']]))).toBe(false);
    expect(isMissingKey(new Set(['o-1']))).toBe(false);
    expect(isMissingKey(new Money(5))).toBe(false);
    expect(isMissingKey({ [Symbol('k')]: 1 })).toBe(false);
  });
});

describe('makeIdempotent with a key JSON does not represent', () => {
  it('keeps two orders with different Maps apart by refusing both with IdempotencyKeyError naming the path', async () => {
    const runs: unknown[] = [];
    const handler = makeIdempotent(
      async (event: { body: { orderId: string; lines: Map<string, number> } }) => {
        runs.push(event.body.lines);
        return [...event.body.lines.keys()];
      },
      { store: new InMemoryStore(), key: 'body', keyPrefix: 'orders' },
    );

    const [first, second] = await Promise.allSettled([
      handler({ body: { orderId: 'o-1', lines: new Map([['apple', 1]]) } }),
      handler({ body: { orderId: 'o-1', lines: new Map([['pear', 9]]) } }),
    ]);

    expect(first).toMatchObject({ status: 'rejected', reason: expect.any(IdempotencyKeyError) });
    expect(first).toMatchObject({ reason: { message: expect.stringMatching(/\$\.lines is a Map/) } });
    expect(second).toMatchObject({ status: 'rejected', reason: expect.any(IdempotencyKeyError) });
    expect(runs).toEqual([]);
  });

  it('refuses a top-level Map instead of running it unguarded', async () => {
    let runs = 0;
    const handler = makeIdempotent(
      async (_order: Map<string, string>) => {
        runs += 1;
      },
      { store: new InMemoryStore(), requireKey: false, keyPrefix: 'maps' },
    );

    const refused = handler(new Map([['orderId', 'o-1']]));

    await expect(refused).rejects.toThrow(IdempotencyKeyError);
    await expect(refused).rejects.toThrow(/: \$ is a Map/);
    expect(runs).toBe(0);
  });
});
