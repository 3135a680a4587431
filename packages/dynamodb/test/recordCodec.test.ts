import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { IdempotencyPersistenceError } from '@oncely/core';
import { compressText } from '../src/compression.js';
import { resolveStoreOptions } from '../src/options.js';
import { decodeData, decodeRecord, encodeData } from '../src/recordCodec.js';

const layout = resolveStoreOptions({ tableName: 'idempotency' });

describe('decodeRecord', () => {
  it('reads a record written by this store', () => {
    const record = decodeRecord(layout, {
      id: { S: 'k' },
      status: { S: 'INPROGRESS' },
      expiration: { N: '1700003600' },
      in_progress_expiration: { N: '1700000030000' },
      validation: { S: 'v' },
      owner: { S: 'o' },
    });

    expect(record).toEqual({
      key: 'k',
      status: 'INPROGRESS',
      expiresAtSec: 1_700_003_600,
      lockedUntilMs: 1_700_000_030_000,
      validation: 'v',
      owner: 'o',
    });
  });

  it('reads a Powertools record without owner or lock expiry', () => {
    const record = decodeRecord(layout, {
      id: { S: 'fn#abc' },
      status: { S: 'COMPLETED' },
      expiration: { N: '1700003600' },
      data: { S: '{"ok":true}' },
    });

    expect(record).toEqual({ key: 'fn#abc', status: 'COMPLETED', expiresAtSec: 1_700_003_600, data: '{"ok":true}' });
  });

  it('takes the key from the sort key in sort-key mode', () => {
    const sortKeyLayout = resolveStoreOptions({ tableName: 't', sortKey: { attribute: 'sk' } });

    const record = decodeRecord(sortKeyLayout, {
      id: { S: 'idempotency' },
      sk: { S: 'k' },
      status: { S: 'COMPLETED' },
      expiration: { N: '1' },
    });

    expect(record.key).toBe('k');
  });

  it.each([
    ['no key', { status: { S: 'COMPLETED' }, expiration: { N: '1' } }, /"id"/],
    ['an unknown status', { id: { S: 'k' }, status: { S: 'EXPIRED' }, expiration: { N: '1' } }, /"status"/],
    ['no expiration', { id: { S: 'k' }, status: { S: 'COMPLETED' } }, /"expiration"/],
  ])('rejects an item with %s, naming the attribute', (_case, item, message) => {
    expect(() => decodeRecord(layout, item)).toThrow(message);
  });
});

describe('encodeData and decodeData', () => {
  it('round-trip a compressed result', () => {
    const data = JSON.stringify({ text: 'zß水🙂'.repeat(2000) });

    const stored = encodeData(data, layout);

    expect(stored.B).toBeDefined();
    expect(decodeData(stored)).toBe(data);
  });

  it('read a binary as brotli-compressed JSON text', () => {
    expect(decodeData({ B: compressText('[1,2,3]') })).toBe('[1,2,3]');
  });

  it.each([
    [{ M: { a: { N: '1' }, b: { L: [{ S: 'x' }, { NULL: true }] } } }, { a: 1, b: ['x', null] }],
    [{ N: '42' }, 42],
    [{ BOOL: false }, false],
    [{ NULL: true }, null],
  ])('read a native DynamoDB value %j as JSON text', (value, expected) => {
    expect(JSON.parse(decodeData(value))).toEqual(expected);
  });
});

// The `data` attribute as Powertools for AWS Lambda (TypeScript) 2.35 writes it: the result
// marshalled with `@aws-sdk/util-dynamodb` (a string as S, a number as N, an object as M...).
const nativeResults: [string, unknown, AttributeValue][] = [
  ['an object', { statusCode: 201, body: '{"id":1}' }, { M: { statusCode: { N: '201' }, body: { S: '{"id":1}' } } }],
  ['an array', [1, 'two', null, [true]], { L: [{ N: '1' }, { S: 'two' }, { NULL: true }, { L: [{ BOOL: true }] }] }],
  ['a string', 'hello', { S: 'hello' }],
  ['the string "42"', '42', { S: '42' }],
  ['the string "true"', 'true', { S: 'true' }],
  ['the string "null"', 'null', { S: 'null' }],
  ['an empty string', '', { S: '' }],
  ['a number', 42.5, { N: '42.5' }],
  ['a boolean', false, { BOOL: false }],
  ['null', null, { NULL: true }],
  ['an empty object', {}, { M: {} }],
];

describe("data with powertools: 'typescript'", () => {
  const typescript = resolveStoreOptions({ tableName: 't', powertools: 'typescript' });

  it.each(nativeResults)('writes %s as Powertools does', (_case, result, stored) => {
    expect(encodeData(JSON.stringify(result), typescript)).toEqual(stored);
  });

  it.each(nativeResults)('reads %s written by Powertools with its type and value', (_case, result, stored) => {
    expect(decodeData(stored, 'typescript')).toBe(JSON.stringify(result));
  });

  it('never compresses, since Powertools could not read it', () => {
    const large = JSON.stringify({ text: 'zß水🙂'.repeat(20_000) });

    expect(encodeData(large, typescript, 900)).toEqual({ M: { text: { S: 'zß水🙂'.repeat(20_000) } } });
  });

  it('still reads a result this store compressed before the option was set', () => {
    expect(decodeData({ B: compressText('[1,2,3]') }, 'typescript')).toBe('[1,2,3]');
  });
});

describe("data with powertools: 'python'", () => {
  const python = resolveStoreOptions({ tableName: 't', powertools: 'python' });

  it('writes JSON text as Powertools for Python does, never compressed', () => {
    const large = JSON.stringify({ text: 'zß水🙂'.repeat(20_000) });

    expect(encodeData('"42"', python)).toEqual({ S: '"42"' });
    expect(encodeData(large, python, 900)).toEqual({ S: large });
  });

  it('reads the JSON text Powertools for Python writes (json.dumps, sort_keys)', () => {
    expect(decodeData({ S: '{"amount": 10, "ok": true}' }, 'python')).toBe('{"amount": 10, "ok": true}');
  });
});

describe('data of a record written by another library, without the powertools option', () => {
  const foreign = (data: AttributeValue) => ({
    id: { S: 'orders#abc' },
    status: { S: 'COMPLETED' },
    expiration: { N: '1700003600' },
    data,
  });

  it('reads a native DynamoDB value with its type and value', () => {
    expect(decodeRecord(layout, foreign({ M: { ok: { BOOL: true } } })).data).toBe('{"ok":true}');
  });

  it('reads JSON text as it is (the Powertools for Python format)', () => {
    expect(decodeRecord(layout, foreign({ S: '{"ok": true}' })).data).toBe('{"ok": true}');
  });

  it("refuses a string that is not JSON text with an error that names powertools: 'typescript'", () => {
    const read = () => decodeRecord(layout, foreign({ S: 'hello' }));

    expect(read).toThrow(IdempotencyPersistenceError);
    expect(read).toThrow(/powertools: 'typescript'/);
  });

  it("refuses it with powertools: 'python' too, naming 'typescript'", () => {
    const python = resolveStoreOptions({ tableName: 't', powertools: 'python' });

    expect(() => decodeRecord(python, foreign({ S: 'hello' }))).toThrow(/powertools: 'typescript'/);
  });
});
