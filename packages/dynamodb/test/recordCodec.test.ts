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

    const stored = encodeData(data, 4096);

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
