// The key is selected by a JMESPath expression, as Powertools' eventKeyJmesPath selects it:
// jmespath() is the one import that brings JMESPath into the bundle.
import { makeIdempotent } from '@oncely/core';
import { jmespath } from '@oncely/core/jmespath';
import { DynamoDBStore } from '@oncely/dynamodb';

const store = new DynamoDBStore({ tableName: process.env.TABLE_NAME ?? 'idempotency' });

export const handler = makeIdempotent(
  async (event: { orderId: string }) => ({ orderId: event.orderId, status: 'ACCEPTED' }),
  { store, key: jmespath('orderId') },
);
