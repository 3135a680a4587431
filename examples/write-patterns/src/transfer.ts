import { DynamoDBClient, GetItemCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { transactWriteOnce, WriteFailedError } from '@oncely/dynamodb/patterns';
import { localClientConfig } from '@oncely/dynamodb-local';
import { failAfterApplying } from './faults.js';

const move = (tableName: string, accountId: string, delta: number): TransactWriteItem => ({
  Update: {
    TableName: tableName,
    Key: { id: { S: accountId } },
    UpdateExpression: 'ADD #balance :delta',
    ExpressionAttributeNames: { '#balance': 'balance' },
    ExpressionAttributeValues: { ':delta': { N: String(delta) } },
  },
});

/** Transfers 25 from alice to bob; the commit is applied and answered with a 500, and the caller retries. */
export const transferStory = async (endpoint: string, tableName: string) => {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const transfer = { id: 'tr-42', from: 'alice', to: 'bob', amount: 25 };
  const request = {
    client,
    intent: transfer,
    items: [move(tableName, transfer.from, -transfer.amount), move(tableName, transfer.to, transfer.amount)],
  };
  const lines: string[] = [];
  try {
    failAfterApplying(client, 'TransactWriteItemsCommand')(1);
    try {
      await transactWriteOnce(request);
    } catch (error) {
      if (!(error instanceof WriteFailedError && error.maybeApplied)) throw error;
      lines.push('first attempt: 500 after commit (maybe applied)');
    }
    const retry = await transactWriteOnce(request);
    lines.push(`retry with the same intent: ${retry.status} (token ${retry.clientRequestToken.slice(0, 8)}…)`);
    const balance = async (id: string) =>
      Number(
        (await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true })))
          .Item?.balance?.N,
      );
    return { lines, alice: await balance('alice'), bob: await balance('bob') };
  } finally {
    client.destroy();
  }
};
