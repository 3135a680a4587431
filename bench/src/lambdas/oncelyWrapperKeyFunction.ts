// The same minimal handler in every bundle: key by orderId, DynamoDB store, module-scope setup.
// Here the key is selected by a function: no JMESPath in the bundle.
import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';

const store = new DynamoDBStore({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = makeIdempotent(
  async (event: { orderId: string }) => ({ orderId: event.orderId, status: 'ACCEPTED' }),
  { store, key: (event) => event.orderId },
);
