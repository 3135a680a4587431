import { createHash } from 'node:crypto';
import { canonicalJson, hashValue } from '@oncely/core/engine';
import fc from 'fast-check';

const shuffleKeys = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort((a, b) => ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7) || (seed % 2 ? 1 : -1));
  return Object.fromEntries(entries.reverse().map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
};

describe('canonicalJson', () => {
  it('sorts object keys recursively by code unit', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], B: true })).toBe('{"B":true,"a":[{"c":3,"d":2}],"b":1}');
  });

  it('gives {a, A} the same text in either order', () => {
    expect(canonicalJson({ a: 1, A: 2 })).toBe(canonicalJson({ A: 2, a: 1 }));
  });

  it('orders keys case-insensitively for Powertools compatibility, with a code-unit tie-break', () => {
    expect(canonicalJson({ b: 1, A: 2 }, 'caseInsensitive')).toBe('{"A":2,"b":1}');
    expect(canonicalJson({ B: 1, a: 2 }, 'caseInsensitive')).toBe('{"a":2,"B":1}');
    expect(canonicalJson({ a: 1, A: 2 }, 'caseInsensitive')).toBe(canonicalJson({ A: 2, a: 1 }, 'caseInsensitive'));
  });

  it('keys a valid Date as its ISO string and drops undefined properties, as JSON does', () => {
    const value = { at: new Date(0), gone: undefined, list: [null, 1] };
    expect(canonicalJson(value)).toBe('{"at":"1970-01-01T00:00:00.000Z","list":[null,1]}');
    expect(canonicalJson(undefined)).toBeUndefined();
  });

  it('rejects what JSON would drop or turn into null, BigInt and cycles with a TypeError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalJson({ fn: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson([Number.NaN])).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
    expect(() => canonicalJson(cyclic)).toThrow(/^\$\.self is a cycle back to \$;/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('parses back to a value deep-equal to JSON.parse(JSON.stringify(value))', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value) ?? 'null')).toEqual(JSON.parse(JSON.stringify(value) ?? 'null'));
      }),
    );
  });
});

describe('hashValue', () => {
  it('gives equal JSON values in any key order the same hash', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
        expect(hashValue(shuffleKeys(value, seed), 'sha256')).toBe(hashValue(value, 'sha256'));
      }),
    );
  });

  it('gives different JSON values different hashes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        expect(hashValue(a, 'sha256')).not.toBe(hashValue(b, 'sha256'));
      }),
    );
  });

  it('separates a scoped value from the same value in another scope or without one', () => {
    const value = { orderId: 'o-1' };
    const hashes = new Set([
      hashValue(value, 'sha256'),
      hashValue(value, 'sha256', 't1'),
      hashValue(value, 'sha256', 't2'),
    ]);
    expect(hashes.size).toBe(3);
  });

  it('hashes a payload of many chunks like its whole canonical text, with and without a scope', () => {
    // About 300 KB: the text reaches the hash in pieces, some of them ending next to multi-byte characters.
    const lines = Array.from({ length: 3000 }, (_, index) => ({
      sku: `KB-${index}`,
      name: index % 3 === 0 ? 'Écran 27" 🖥️' : 'Keyboard\n',
      quantity: index % 5,
      unitPriceCents: 499.5 + index,
    }));
    const value = { orderId: 'o-1', lines };
    const digest = (algorithm: string, text: string, scope?: string): string => {
      const hash = createHash(algorithm);
      if (scope !== undefined) hash.update(`${JSON.stringify(scope)}\u0000`);
      return hash.update(text).digest('base64');
    };

    expect(hashValue(value, 'sha256')).toBe(digest('sha256', canonicalJson(value) ?? ''));
    expect(hashValue(value, 'sha256', 't1')).toBe(digest('sha256', canonicalJson(value) ?? '', 't1'));
    expect(hashValue(value, 'md5')).toBe(digest('md5', canonicalJson(value, 'caseInsensitive') ?? ''));
  });

  it('matches the Powertools digest (md5, base64 of the deep-sorted JSON) in md5 mode', () => {
    // Powertools: createHash('md5').update(JSON.stringify(deepSort(payload))).digest('base64')
    const expected = createHash('md5').update('{"amount":10,"orderId":"o-1"}').digest('base64');
    expect(hashValue({ orderId: 'o-1', amount: 10 }, 'md5')).toBe(expected);
  });
});

describe('canonicalJson edge keys', () => {
  it('orders integer-like keys numerically, as JavaScript objects do, whatever the input order', () => {
    const text = canonicalJson({ b: 1, 10: 'x', 9: 'y' });

    expect(text).toBe('{"9":"y","10":"x","b":1}');
    expect(canonicalJson(JSON.parse('{"9":"y","b":1,"10":"x"}'))).toBe(text);
  });

  it('keeps a "__proto__" key from parsed JSON as data', () => {
    const parsed = JSON.parse('{"z":1,"__proto__":{"polluted":true}}');

    expect(canonicalJson(parsed)).toBe('{"__proto__":{"polluted":true},"z":1}');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('returns the same text for an object whose keys are already sorted', () => {
    const value = { a: 1, b: { c: [1, { d: 2, e: 3 }] } };

    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });

  it('pairs each key with its own value when a getter deletes a later key while it is read', () => {
    const value: Record<string, unknown> = { c: 3 };
    Object.defineProperty(value, 'a', {
      enumerable: true,
      get: () => {
        delete value.b;
        return 1;
      },
    });
    value.b = 2;

    expect(canonicalJson(value)).toBe('{"a":1,"c":3}');
  });

  it('escapes a string as JSON.stringify does from its first character that is not plain ASCII', () => {
    const text = 'plain "quoted" \\ \b\t\n\f\r\u0001\u001f\u007f é € 😀 \ud800 x \udc00';

    expect(canonicalJson({ text, [text]: 1 })).toBe(`{${JSON.stringify(text)}:1,"text":${JSON.stringify(text)}}`);
    expect(canonicalJson([`${text}\ud83d`])).toBe(`[${JSON.stringify(`${text}\ud83d`)}]`);
  });

  it('writes values by key in canonical order for objects of one shape listed in different orders', () => {
    const value = [
      { z: 1, a: 'x', m: [2] },
      { a: 'y', m: [3], z: 4 },
      { m: [5], z: 6, a: 'w' },
    ];

    expect(canonicalJson(value)).toBe('[{"a":"x","m":[2],"z":1},{"a":"y","m":[3],"z":4},{"a":"w","m":[5],"z":6}]');
  });
});

describe('canonicalJson against a reference', () => {
  // The plain definition: every object rebuilt with its keys sorted, integer-like keys first
  // (a null-prototype object lists them so, and keeps `__proto__` as data).
  const reference = (value: unknown, compare?: (a: string, b: string) => number): unknown => {
    if (Array.isArray(value)) return value.map((item) => reference(item, compare));
    if (value === null || typeof value !== 'object') return value;
    const copy = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value).sort(compare)) {
      copy[key] = reference((value as Record<string, unknown>)[key], compare);
    }
    return copy;
  };
  const lowerFirst = (a: string, b: string): number =>
    a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : a > b ? 1 : 0;
  // Few key names, so arrays hold many records of one shape in several key orders.
  const keyName = fc.constantFrom('a', 'b', 'B', 'c', 'Z', '9', '10', '0', '01', '__proto__', '', 'é');
  const record = fc.dictionary(keyName, fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxKeys: 6 });
  const document = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      record,
      fc.array(record, { maxLength: 8 }),
      fc.dictionary(keyName, tie('value'), { maxKeys: 4 }),
      fc.array(tie('value'), { maxLength: 4 }),
    ),
  })).value;

  it('sorts keys as the reference does, records of one shape in arrays included', () => {
    fc.assert(
      fc.property(document, (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(reference(value)));
        expect(canonicalJson(value, 'caseInsensitive')).toBe(JSON.stringify(reference(value, lowerFirst)));
      }),
      { numRuns: 500 },
    );
  });

  // The text is written as UTF-8 bytes into a reused buffer and hashed from there: any string
  // (full Unicode, lone surrogates) and number must give the reference's text and digest.
  const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
  const anyJson = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      anyText,
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.maxSafeInteger(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(anyText, tie('value'), { maxKeys: 5 }),
    ),
  })).value;

  it('writes and hashes any JSON value as the reference text, Unicode and numbers included', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const text = JSON.stringify(reference(value));
        expect(canonicalJson(value)).toBe(text);
        expect(hashValue(value, 'sha256')).toBe(createHash('sha256').update(text).digest('base64'));
        const insensitive = JSON.stringify(reference(value, lowerFirst));
        expect(hashValue(value, 'md5', 's')).toBe(
          createHash('md5').update('"s"\u0000').update(insensitive).digest('base64'),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('hashes a payload past the 64 KB buffer with multi-byte characters across its edges', () => {
    const big = {
      a: 'é'.repeat(40_000),
      b: '🖥'.repeat(30_000),
      c: 'x\ud800y'.repeat(20_000),
      d: Array.from({ length: 5000 }, (_, i) => ({ n: -i * 1.5, s: `ü${i}`, m: -i })),
    };
    const text = JSON.stringify(reference(big));

    expect(canonicalJson(big)).toBe(text);
    expect(hashValue(big, 'sha256')).toBe(createHash('sha256').update(text).digest('base64'));
    expect(hashValue(big, 'sha256', 'x')).toBe(createHash('sha256').update('"x"\u0000').update(text).digest('base64'));
  });

  it.each([
    [-0, '0'],
    [2 ** 53 - 1, '9007199254740991'],
    [-(2 ** 53 - 1), '-9007199254740991'],
    [1e21, '1e+21'],
    [0.1, '0.1'],
    ['\ufeffa', '"\ufeffa"'],
  ])('writes %p as JSON.stringify does', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('sorts each record of an array whose records share keys in different orders', () => {
    const lines = [
      { b: 1, a: 2 },
      { b: 3, a: 4 },
      { a: 5, b: 6 },
      { b: 7, a: 8 },
    ];

    expect(canonicalJson(lines)).toBe('[{"a":2,"b":1},{"a":4,"b":3},{"a":5,"b":6},{"a":8,"b":7}]');
  });
});
