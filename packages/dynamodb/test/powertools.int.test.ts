import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { lockFor, useTestTable } from './fixtures';

const local = useTestTable();

// The item Powertools for AWS Lambda leaves after a completed call: no `owner`, data as JSON text.
const writePowertoolsRecord = async (key: string, nowMs: number) => {
  const expiresAtSec = Math.floor(nowMs / 1000) + 3600;
  await local.client.send(
    new PutItemCommand({
      TableName: local.table.tableName,
      Item: {
        id: { S: key },
        expiration: { N: String(expiresAtSec) },
        in_progress_expiration: { N: String(nowMs + 10_000) },
        status: { S: 'COMPLETED' },
        data: { S: '{"statusCode":200,"body":"captured"}' },
        validation: { S: 'a3f5' },
      },
    }),
  );
  return expiresAtSec;
};

describe('records written by Powertools', () => {
  it('are read by get', async () => {
    const nowMs = Date.now();
    const key = 'payments-capture#8e5b6c0f1a2d3e4f';
    const expiresAtSec = await writePowertoolsRecord(key, nowMs);

    const record = await local.store.get(key);

    expect(record).toEqual({
      key,
      status: 'COMPLETED',
      expiresAtSec,
      lockedUntilMs: nowMs + 10_000,
      data: '{"statusCode":200,"body":"captured"}',
      validation: 'a3f5',
    });
  });

  it('are returned by a conflicting acquire, so the replay gets the Powertools result', async () => {
    const nowMs = Date.now();
    const key = 'payments-capture#0c1d2e3f4a5b6c7d';
    await writePowertoolsRecord(key, nowMs);

    const result = await local.store.acquire(lockFor({ key, nowMs }));

    expect(result).toMatchObject({
      acquired: false,
      existing: { key, status: 'COMPLETED', data: '{"statusCode":200,"body":"captured"}' },
    });
  });

  it('read a result stored as a native DynamoDB map as JSON text', async () => {
    const key = `native#${Date.now()}`;
    await local.client.send(
      new PutItemCommand({
        TableName: local.table.tableName,
        Item: {
          id: { S: key },
          expiration: { N: '4102444800' },
          status: { S: 'COMPLETED' },
          data: { M: { ok: { BOOL: true }, n: { N: '7' } } },
        },
      }),
    );

    const record = await local.store.get(key);

    expect(JSON.parse(record?.data ?? 'null')).toEqual({ ok: true, n: 7 });
  });
});

// Powertools for AWS Lambda (Python) stores `json.dumps(result, sort_keys=True)` as a String and
// replays `json.loads` of it (persistence/base.py, save_success; datarecord.py).
describe("records in the Powertools for Python format (powertools: 'python')", () => {
  const pythonStore = () =>
    new DynamoDBStore({ tableName: local.table.tableName, client: local.client, powertools: 'python' });

  it.each<[string, unknown]>([
    ['the string "42"', '42'],
    ['a large object', { lines: Array.from({ length: 2_000 }, (_, i) => ({ sku: `sku-${i}`, qty: i })) }],
  ])('are written as JSON text, never compressed: %s', async (_kind, result) => {
    const store = pythonStore();
    const lock = lockFor();
    await store.acquire(lock);

    await store.complete({
      key: lock.key,
      owner: lock.owner,
      data: JSON.stringify(result),
      expiresAtSec: lock.expiresAtSec,
    });

    const { Item } = await local.client.send(
      new GetItemCommand({ TableName: local.table.tableName, Key: { id: { S: lock.key } }, ConsistentRead: true }),
    );
    expect(Item?.data).toEqual({ S: JSON.stringify(result) });
  });

  it('are read as the JSON text Python wrote', async () => {
    const key = `python#${Date.now()}`;
    await local.client.send(
      new PutItemCommand({
        TableName: local.table.tableName,
        Item: {
          id: { S: key },
          expiration: { N: '4102444800' },
          status: { S: 'COMPLETED' },
          data: { S: '{"amount": 10, "body": "captured", "ok": true}' },
        },
      }),
    );

    const record = await pythonStore().get(key);

    expect(JSON.parse(record?.data ?? 'null')).toEqual({ amount: 10, body: 'captured', ok: true });
  });
});
