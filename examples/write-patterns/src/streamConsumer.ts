import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { putIfNewer } from '@oncely/dynamodb/patterns';

/** A Kinesis-like record: the balance of an account after its `sequence`-th change. */
export interface BalanceRecord {
  accountId: string;
  sequence: number;
  balance: number;
}

/** Two accounts' records as a shard delivers them after a retry: out of order, some twice. */
export const deliveredRecords: BalanceRecord[] = [
  { accountId: 'acct-1', sequence: 1, balance: 100 },
  { accountId: 'acct-1', sequence: 3, balance: 70 },
  { accountId: 'acct-2', sequence: 1, balance: 500 },
  { accountId: 'acct-1', sequence: 2, balance: 90 }, // late
  { accountId: 'acct-1', sequence: 3, balance: 70 }, // redelivered
  { accountId: 'acct-2', sequence: 2, balance: 450 },
  { accountId: 'acct-2', sequence: 1, balance: 500 }, // redelivered and late
];

/** Applies each record with putIfNewer; returns one line per record and the final balances. */
export const consumeStream = async (client: DynamoDBClient, tableName: string, records = deliveredRecords) => {
  const lines: string[] = [];
  for (const record of records) {
    const outcome = await putIfNewer({
      client,
      tableName,
      key: { accountId: { S: record.accountId } },
      version: record.sequence,
      versionAttribute: 'sequence',
      item: { balance: { N: String(record.balance) } },
    });
    const what =
      outcome.status === 'written' ? 'written' : `skipped (${outcome.reason}, stored #${outcome.storedVersion})`;
    lines.push(`${record.accountId} #${record.sequence} balance ${record.balance}: ${what}`);
  }
  const balances: Record<string, number> = {};
  for (const accountId of new Set(records.map((record) => record.accountId))) {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { accountId: { S: accountId } }, ConsistentRead: true }),
    );
    balances[accountId] = Number(Item?.balance?.N);
  }
  return { lines, balances };
};
