import middy from '@middy/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { idempotency } from '@oncely/middy';

const store = new DynamoDBStore({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = middy(async (event: { orderId: string }) => ({
  orderId: event.orderId,
  status: 'ACCEPTED',
})).use(idempotency({ store, key: 'orderId' }));
