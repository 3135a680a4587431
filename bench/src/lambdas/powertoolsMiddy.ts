import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import middy from '@middy/core';

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = middy(async (event: { orderId: string }) => ({
  orderId: event.orderId,
  status: 'ACCEPTED',
})).use(makeHandlerIdempotent({ persistenceStore, config: new IdempotencyConfig({ eventKeyJmesPath: 'orderId' }) }));
