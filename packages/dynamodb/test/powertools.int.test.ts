import { PutItemCommand } from '@aws-sdk/client-dynamodb';
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
