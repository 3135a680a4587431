// The same minimal handler for every bundle: key by orderId, DynamoDB store, module-scope setup.
import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';

const store = new DynamoDBStore({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = makeIdempotent(
  async (event: { orderId: string }) => ({ orderId: event.orderId, status: 'ACCEPTED' }),
  { store, keyPath: 'orderId' },
);
