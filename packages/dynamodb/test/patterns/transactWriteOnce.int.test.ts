import { GetItemCommand, type TransactWriteItem, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import {
  ClientRequestTokenMismatchError,
  clientRequestTokenFor,
  TransactionCanceledError,
  transactWriteOnce,
  WriteFailedError,
  WritePatternUsageError,
} from '@oncely/dynamodb/patterns';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { countRequests, injectFault, localClient, serverError } from '../fixtures';
import { recordingLogger } from './patternFixtures';

const client = localClient();
let table: TestTable;
let n = 0;
const freshId = () => `t-${++n}-${Date.now()}`;

beforeAll(async () => {
  table = await createTestTable(client);
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

const balanceOf = async (id: string) => {
  const key = { id: { S: id } };
  const { Item } = await client.send(
    new GetItemCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
  );
  return Number(Item?.balance?.N ?? 0);
};

/** A transfer: debit one account, credit another. */
const transfer = (from: string, to: string, amount: number): TransactWriteItem[] =>
  [
    [from, -amount],
    [to, amount],
  ].map(([id, delta]) => ({
    Update: {
      TableName: table.tableName,
      Key: { id: { S: String(id) } },
      UpdateExpression: 'ADD #balance :delta',
      ExpressionAttributeNames: { '#balance': 'balance' },
      ExpressionAttributeValues: { ':delta': { N: String(delta) } },
    },
  }));

describe('transactWriteOnce', () => {
  it('applies a retried transaction with the same intent once', async () => {
    const [from, to] = [freshId(), freshId()];
    const intent = ['transfer', from, to, 30];

    const first = await transactWriteOnce({ client, intent, items: transfer(from, to, 30) });
    const retry = await transactWriteOnce({ client, intent, items: transfer(from, to, 30) });

    expect(first).toEqual({ status: 'committed', clientRequestToken: clientRequestTokenFor(intent) });
    expect(retry).toEqual(first);
    expect([await balanceOf(from), await balanceOf(to)]).toEqual([-30, 30]);
  });

  it('applies the same items twice without a token (the control)', async () => {
    const [from, to] = [freshId(), freshId()];

    for (let i = 0; i < 2; i++)
      await client.send(new TransactWriteItemsCommand({ TransactItems: transfer(from, to, 30) }));

    expect(await balanceOf(to)).toBe(60);
  });

  it('applies another intent again', async () => {
    const [from, to] = [freshId(), freshId()];

    await transactWriteOnce({ client, intent: ['transfer', from, to, 'a'], items: transfer(from, to, 5) });
    await transactWriteOnce({ client, intent: ['transfer', from, to, 'b'], items: transfer(from, to, 5) });

    expect(await balanceOf(to)).toBe(10);
  });

  it('is applied once when the caller retries after an ambiguous 5xx (applied, then 500)', async () => {
    const faulty = localClient({ maxAttempts: 1 });
    injectFault(faulty, { command: 'TransactWriteItemsCommand', when: 'after', error: serverError });
    const [from, to] = [freshId(), freshId()];
    const intent = { transfer: [from, to], amount: 7 };

    const first = transactWriteOnce({ client: faulty, intent, items: transfer(from, to, 7) });
    await expect(first).rejects.toBeInstanceOf(WriteFailedError);
    await expect(first).rejects.toMatchObject({ maybeApplied: true });
    await transactWriteOnce({ client: faulty, intent, items: transfer(from, to, 7) });

    expect(await balanceOf(to)).toBe(7);
    faulty.destroy();
  });

  it('is applied once when the SDK retries it itself', async () => {
    const faulty = localClient({ maxAttempts: 3 });
    const requests = countRequests(faulty);
    injectFault(faulty, { command: 'TransactWriteItemsCommand', when: 'after', error: serverError });
    const [from, to] = [freshId(), freshId()];

    await transactWriteOnce({ client: faulty, clientRequestToken: `tok-${from}`, items: transfer(from, to, 9) });

    expect(requests.total).toBe(2);
    expect(await balanceOf(to)).toBe(9);
    faulty.destroy();
  });

  it('throws ClientRequestTokenMismatchError when a token is reused for other items', async () => {
    const [from, to] = [freshId(), freshId()];
    const clientRequestToken = `tok-${from}`;
    await transactWriteOnce({ client, clientRequestToken, items: transfer(from, to, 1) });

    const reused = transactWriteOnce({ client, clientRequestToken, items: transfer(from, to, 2) });

    await expect(reused).rejects.toBeInstanceOf(ClientRequestTokenMismatchError);
    await expect(reused).rejects.toThrow(/used within the last 10 minutes for a transaction with other items/);
    expect(await balanceOf(to)).toBe(1);
  });

  it('throws TransactionCanceledError naming the refused item, with its stored value, writing nothing', async () => {
    const [from, to] = [freshId(), freshId()];
    const items = transfer(from, to, 50);
    const debit = items[0]?.Update;
    if (debit === undefined) throw new Error('no debit');
    Object.assign(debit, {
      ConditionExpression: 'attribute_exists(#balance) AND #balance >= :amount',
      ExpressionAttributeValues: { ...debit.ExpressionAttributeValues, ':amount': { N: '50' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    const cancelled = transactWriteOnce({ client, intent: ['overdraft', from], items });

    await expect(cancelled).rejects.toBeInstanceOf(TransactionCanceledError);
    await expect(cancelled).rejects.toMatchObject({
      reasons: [{ index: 0, code: 'ConditionalCheckFailed', item: undefined }],
      message: expect.stringMatching(/item 0: ConditionalCheckFailed/),
    });
    expect(await balanceOf(to)).toBe(0);
  });

  it('logs the commit at debug with its token', async () => {
    const logger = recordingLogger();
    const [from, to] = [freshId(), freshId()];

    const { clientRequestToken } = await transactWriteOnce({
      client,
      logger,
      intent: [from],
      items: transfer(from, to, 1),
    });

    expect(logger.lines).toEqual([
      { level: 'debug', message: 'transactWriteOnce: committing', extra: [{ key: clientRequestToken, items: 2 }] },
    ]);
  });
});

describe('transactWriteOnce with an intent JSON does not represent', () => {
  it('refuses intents that differ only in a Map, naming the path, instead of sharing a token', async () => {
    const counted = localClient();
    const requests = countRequests(counted);
    const [from, to] = [freshId(), freshId()];
    const bonus = (campaign: string) => ['bonus', new Map([['campaign', campaign]])];

    const first = transactWriteOnce({ client: counted, intent: bonus('spring'), items: transfer(from, to, 5) });
    const second = transactWriteOnce({ client: counted, intent: bonus('autumn'), items: transfer(from, to, 5) });

    await expect(first).rejects.toBeInstanceOf(WritePatternUsageError);
    await expect(first).rejects.toThrow(/\$\[1\] is a Map; convert it to plain JSON/);
    await expect(second).rejects.toBeInstanceOf(WritePatternUsageError);
    expect(requests.sent).toEqual([]);
    expect(await balanceOf(to)).toBe(0);
    counted.destroy();
  });
});
