import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

/** The tables of the stories; a suffix keeps runs against one DynamoDB apart. */
export interface Tables {
  balances: string;
  invoiceEvents: string;
  counters: string;
  accounts: string;
}

const create = async (client: DynamoDBClient, name: string, keys: [string, 'S' | 'N'][]) => {
  const KeySchema: KeySchemaElement[] = keys.map(([AttributeName], i) => ({
    AttributeName,
    KeyType: i === 0 ? 'HASH' : 'RANGE',
  }));
  const AttributeDefinitions: AttributeDefinition[] = keys.map(([AttributeName, AttributeType]) => ({
    AttributeName,
    AttributeType,
  }));
  await client.send(
    new CreateTableCommand({ TableName: name, KeySchema, AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST' }),
  );
  return name;
};

/** Creates the four tables. On AWS, also enable TTL on `expiration` of the counters table (token items). */
export const createTables = async (client: DynamoDBClient, suffix = ''): Promise<Tables> => ({
  balances: await create(client, `balances${suffix}`, [['accountId', 'S']]),
  invoiceEvents: await create(client, `invoice-events${suffix}`, [
    ['id', 'S'],
    ['seq', 'N'],
  ]),
  counters: await create(client, `counters${suffix}`, [['id', 'S']]),
  accounts: await create(client, `accounts${suffix}`, [['id', 'S']]),
});
