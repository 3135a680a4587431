// The key is selected by a dotted path, which core reads without JMESPath.
import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';

const store = new DynamoDBStore({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = makeIdempotent(
  async (event: { orderId: string }) => ({ orderId: event.orderId, status: 'ACCEPTED' }),
  { store, key: 'orderId' },
);
