import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createTestTable, localClientConfig, startDynamoDBLocal } from '@oncely/dynamodb-local';

const isRunning = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startDynamoDBLocal', () => {
  it('starts DynamoDB Local on a loopback port, answering requests, and stops it', async () => {
    const dynamodb = await startDynamoDBLocal();
    const client = new DynamoDBClient(localClientConfig(dynamodb.endpoint));

    const table = await createTestTable(client, { sortKey: 'sk' });
    const { TableNames } = await client.send(new ListTablesCommand({}));
    await dynamodb.stop();

    expect(dynamodb.endpoint).toBe(`http://127.0.0.1:${dynamodb.port}`);
    expect(TableNames).toContain(table.tableName);
    expect(isRunning(dynamodb.pid)).toBe(false);
    client.destroy();
  });

  it('says how to install Java when there is none', async () => {
    const starting = startDynamoDBLocal({ java: '/nonexistent/bin/java' });

    await expect(starting).rejects.toThrow(/apt-get install openjdk-17-jre-headless/);
  });
});
