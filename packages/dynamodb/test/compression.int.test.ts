import { randomBytes } from 'node:crypto';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { IdempotencyPersistenceError } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { localClient, lockFor, useTestTable } from './fixtures';

const local = useTestTable();

const rawItem = async (key: string) =>
  (await local.client.send(new GetItemCommand({ TableName: local.table.tableName, Key: { id: { S: key } } }))).Item;

// ~200 KB of JSON that looks like an API response: repetitive, so it compresses well.
const compressibleResult = (): string =>
  JSON.stringify(
    Array.from({ length: 1500 }, (_, i) => ({
      orderId: `order-${i}`,
      amount: i * 3.5,
      currency: 'EUR',
      status: 'captured',
    })),
  );

// About 1.1 KB of order lines: 2 write units as text, 1 compressed.
const orderLines = (): string =>
  JSON.stringify(
    Array.from({ length: 22 }, (_, i) => ({ sku: `SKU-${i % 4}`, quantity: 1 + (i % 3), warehouse: 'DUB-1' })),
  );

// Asks DynamoDB for the consumed capacity of every request and keeps the write units by command.
const recordWriteUnits = (client: DynamoDBClient) => {
  const units: { command: string; writeUnits: number }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
      units.push({ command: context.commandName ?? 'unknown', writeUnits: consumed?.CapacityUnits ?? Number.NaN });
      return result;
    },
    { step: 'initialize', name: 'recordWriteUnits' },
  );
  return units;
};

describe('compression of large results', () => {
  it('stores a result above the threshold compressed as a binary, and reads it back unchanged', async () => {
    const lock = lockFor();
    await local.store.acquire(lock);
    const data = compressibleResult();

    await local.store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });

    const stored = (await rawItem(lock.key))?.data;
    expect(Buffer.byteLength(data)).toBeGreaterThan(100_000);
    expect(stored?.S).toBeUndefined();
    expect(stored?.B?.byteLength).toBeLessThan(Buffer.byteLength(data) / 5);
    expect((await local.store.get(lock.key))?.data).toBe(data);
  });

  it('returns the decompressed result from a conflicting acquire', async () => {
    const lock = lockFor();
    await local.store.acquire(lock);
    const data = compressibleResult();
    await local.store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });

    const replay = await local.store.acquire(lockFor({ key: lock.key }));

    expect(replay).toMatchObject({ acquired: false, existing: { status: 'COMPLETED', data } });
  });

  it('stores a result at or below the threshold as a string, in the Powertools layout, when compressing saves no write unit', async () => {
    const lock = lockFor();
    await local.store.acquire(lock);
    const data = JSON.stringify('x'.repeat(800));

    await local.store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });

    expect((await rawItem(lock.key))?.data).toEqual({ S: data });
  });

  it('refuses a result too large even compressed, naming the key, and leaves the lock in place', async () => {
    const lock = lockFor();
    await local.store.acquire(lock);
    // Random bytes as base64: ~600 KB of JSON that brotli cannot shrink below 400 KB.
    const data = JSON.stringify(randomBytes(450_000).toString('base64'));

    const completing = local.store.complete({
      key: lock.key,
      owner: lock.owner,
      data,
      expiresAtSec: lock.expiresAtSec,
    });

    await expect(completing).rejects.toThrow(IdempotencyPersistenceError);
    await expect(completing).rejects.toMatchObject({
      key: lock.key,
      message: expect.stringContaining(`key "${lock.key}" is too large to store`),
    });
    expect((await local.store.get(lock.key))?.status).toBe('INPROGRESS');
  });

  it("maps DynamoDB's own item-size refusal to the same error", async () => {
    // The size check before sending cannot see the validation hash written by acquire; DynamoDB can.
    const lock = lockFor({ validation: 'v'.repeat(350_000) });
    await local.store.acquire(lock);
    const data = JSON.stringify(randomBytes(100_000).toString('base64'));

    const completing = local.store.complete({
      key: lock.key,
      owner: lock.owner,
      data,
      expiresAtSec: lock.expiresAtSec,
    });

    await expect(completing).rejects.toMatchObject({
      name: 'IdempotencyPersistenceError',
      key: lock.key,
      message: expect.stringContaining('too large to store'),
      cause: expect.objectContaining({ name: 'ValidationException' }),
    });
  });

  it('stores a result below the threshold compressed when that saves a write unit, and replays it unchanged', async () => {
    const client = localClient();
    const units = recordWriteUnits(client);
    const store = new DynamoDBStore({ tableName: local.table.tableName, client });
    const lock = lockFor();
    await store.acquire(lock);
    const data = orderLines();

    await store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });

    expect((await rawItem(lock.key))?.data?.B).toBeInstanceOf(Uint8Array);
    expect(units.find((unit) => unit.command === 'UpdateItemCommand')?.writeUnits).toBe(1);
    expect(await store.acquire(lockFor({ key: lock.key }))).toMatchObject({
      acquired: false,
      existing: { status: 'COMPLETED', data },
    });
    client.destroy();
  });

  it('spends the second write unit on the same result stored as text (compressAboveBytes: Infinity)', async () => {
    const client = localClient();
    const units = recordWriteUnits(client);
    const store = new DynamoDBStore({ tableName: local.table.tableName, client, compressAboveBytes: Infinity });
    const lock = lockFor();
    await store.acquire(lock);
    const data = orderLines();

    await store.complete({ key: lock.key, owner: lock.owner, data, expiresAtSec: lock.expiresAtSec });

    expect((await rawItem(lock.key))?.data).toEqual({ S: data });
    expect(units.find((unit) => unit.command === 'UpdateItemCommand')?.writeUnits).toBe(2);
    client.destroy();
  });
});
