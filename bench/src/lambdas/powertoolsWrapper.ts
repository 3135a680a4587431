import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';

const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = makeIdempotent(
  async (event: { orderId: string }) => ({ orderId: event.orderId, status: 'ACCEPTED' }),
  { persistenceStore, config: new IdempotencyConfig({ eventKeyJmesPath: 'orderId' }) },
);
