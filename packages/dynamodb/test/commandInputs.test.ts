import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { IdempotencyPersistenceError } from '@oncely/core';
import { buildAcquireInput, buildCompleteInput, buildGetInput, buildReleaseInput } from '../src/commandInputs.js';
import { compressText } from '../src/compression.js';
import { resolveStoreOptions } from '../src/options.js';
import { decodeData } from '../src/recordCodec.js';
import { lockFor } from './fixtures';

const layout = resolveStoreOptions({ tableName: 'idempotency' });
const sortKeyLayout = resolveStoreOptions({
  tableName: 'shared',
  sortKey: { attribute: 'sk', partitionValue: 'orders' },
});

describe('buildAcquireInput', () => {
  it('writes an INPROGRESS record owned by the caller, in the Powertools layout', () => {
    const lock = lockFor({ key: 'k1', owner: 'o1', nowMs: 1_700_000_000_000, validation: 'v1' });

    const input = buildAcquireInput(layout, lock);

    expect(input.TableName).toBe('idempotency');
    expect(input.Item).toEqual({
      id: { S: 'k1' },
      status: { S: 'INPROGRESS' },
      expiration: { N: String(lock.expiresAtSec) },
      in_progress_expiration: { N: String(lock.lockedUntilMs) },
      owner: { S: 'o1' },
      validation: { S: 'v1' },
    });
  });

  it('asks for the existing item on conflict, so a replay costs one round trip', () => {
    expect(buildAcquireInput(layout, lockFor()).ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('compares expiry in seconds and the lock in milliseconds of the given clock', () => {
    const input = buildAcquireInput(layout, lockFor({ nowMs: 1_700_000_000_999 }));

    expect(input.ExpressionAttributeValues?.[':nowSec']).toEqual({ N: '1700000000' });
    expect(input.ExpressionAttributeValues?.[':nowMs']).toEqual({ N: '1700000000999' });
  });

  it('omits validation when the lock has none', () => {
    expect(buildAcquireInput(layout, lockFor()).Item).not.toHaveProperty('validation');
  });

  it('puts the static partition value and the key into the sort key in sort-key mode', () => {
    const input = buildAcquireInput(sortKeyLayout, lockFor({ key: 'k2' }));

    expect(input.Item).toMatchObject({ id: { S: 'orders' }, sk: { S: 'k2' } });
  });
});

describe('buildCompleteInput', () => {
  const completion = { key: 'k1', owner: 'o1', expiresAtSec: 1_700_003_600 };

  it('stores a small result as a string', () => {
    const input = buildCompleteInput(layout, { ...completion, data: '{"a":1}' });

    expect(input.Key).toEqual({ id: { S: 'k1' } });
    expect(input.ExpressionAttributeValues?.[':data']).toEqual({ S: '{"a":1}' });
    expect(input.ExpressionAttributeValues?.[':owner']).toEqual({ S: 'o1' });
  });

  it('stores a result above the threshold compressed, which decodes to the original', () => {
    const data = JSON.stringify({ items: Array.from({ length: 500 }, (_, i) => ({ i, name: 'item' })) });

    const stored = buildCompleteInput(layout, { ...completion, data }).ExpressionAttributeValues?.[':data'];

    expect(stored?.B).toBeInstanceOf(Uint8Array);
    expect(decodeData(stored as AttributeValue)).toBe(data);
  });

  it('keeps a result uncompressed when compression would not make it smaller', () => {
    const eager = resolveStoreOptions({ tableName: 't', compressAboveBytes: 0 });

    const stored = buildCompleteInput(eager, { ...completion, data: '1' }).ExpressionAttributeValues?.[':data'];

    expect(stored).toEqual({ S: '1' });
  });

  it('compresses a result below the threshold when that saves a write unit', () => {
    const data = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ sku: `SKU-${i % 4}`, quantity: i % 3 })));

    const stored = buildCompleteInput(layout, { ...completion, data }).ExpressionAttributeValues?.[':data'];

    expect(Buffer.byteLength(data)).toBeGreaterThan(1024);
    expect(Buffer.byteLength(data)).toBeLessThan(4096);
    expect(stored?.B?.byteLength).toBeLessThan(900);
    expect(decodeData(stored as AttributeValue)).toBe(data);
  });

  it('keeps a result below the threshold as a string when compressing it saves no write unit', () => {
    // Base64 digests: brotli takes a quarter off 1.4 KB, and the item still needs 2 write units.
    let digests = '';
    for (let i = 0; digests.length < 1400; i++) digests += createHash('sha256').update(String(i)).digest('base64');
    const data = JSON.stringify(digests);
    const small = JSON.stringify('x'.repeat(800));

    const stored = buildCompleteInput(layout, { ...completion, data }).ExpressionAttributeValues?.[':data'];

    expect(compressText(data).byteLength).toBeLessThan(Buffer.byteLength(data));
    expect(stored).toEqual({ S: data });
    expect(buildCompleteInput(layout, { ...completion, data: small }).ExpressionAttributeValues?.[':data']).toEqual({
      S: small,
    });
  });

  it('never compresses with compressAboveBytes: Infinity', () => {
    const never = resolveStoreOptions({ tableName: 't', compressAboveBytes: Number.POSITIVE_INFINITY });
    const data = JSON.stringify('a'.repeat(100_000));

    expect(buildCompleteInput(never, { ...completion, data }).ExpressionAttributeValues?.[':data']).toEqual({
      S: data,
    });
  });

  it('removes data for an undefined result', () => {
    const input = buildCompleteInput(layout, completion);

    expect(input.ExpressionAttributeValues).not.toHaveProperty(':data');
    expect(input.UpdateExpression).toMatch(/REMOVE .*#data/);
  });

  it('throws IdempotencyPersistenceError naming the key when the result cannot fit', () => {
    const data = JSON.stringify(Array.from({ length: 60_000 }, (_, i) => Math.sin(i)));
    const never = resolveStoreOptions({ tableName: 't', compressAboveBytes: Number.POSITIVE_INFINITY });

    expect(() => buildCompleteInput(never, { ...completion, data })).toThrow(IdempotencyPersistenceError);
    expect(() => buildCompleteInput(never, { ...completion, data })).toThrow(/key "k1" is too large to store/);
  });
});

describe('buildReleaseInput and buildGetInput', () => {
  it('address the record by its primary key', () => {
    expect(buildReleaseInput(sortKeyLayout, 'k3', 'o3').Key).toEqual({ id: { S: 'orders' }, sk: { S: 'k3' } });
    expect(buildGetInput(layout, 'k3').Key).toEqual({ id: { S: 'k3' } });
  });

  it('reads strongly consistent', () => {
    expect(buildGetInput(layout, 'k3').ConsistentRead).toBe(true);
  });
});
