import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { storeContract } from '@oncely/core/testing';
import { createIdempotencyTable, DynamoDBStore } from '@oncely/dynamodb';
import { localClient } from './fixtures';

const client = localClient();
const tableName = `created-${randomUUID()}`;

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

describe('createIdempotencyTable', () => {
  it('creates an on-demand table with TTL on expiration', async () => {
    const result = await createIdempotencyTable({ client, tableName });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(result).toEqual({ created: true });
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiration', TimeToLiveStatus: 'ENABLED' });
  });

  it('leaves an existing table as it is', async () => {
    const result = await createIdempotencyTable({ client, tableName });

    expect(result).toEqual({ created: false });
  });

  it('makes a table the store works with', async () => {
    const store = new DynamoDBStore({ tableName, client });
    const [first] = storeContract;

    await first?.run(store);
  });

  it('creates a composite key for sort-key mode', async () => {
    const sortKeyTable = `created-sk-${randomUUID()}`;

    await createIdempotencyTable({ client, tableName: sortKeyTable, sortKey: { attribute: 'sk' } });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: sortKeyTable }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'id', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    await client.send(new DeleteTableCommand({ TableName: sortKeyTable }));
  });
});
