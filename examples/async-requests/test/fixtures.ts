import { type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable } from '@oncely/dynamodb-local';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AcceptEvent } from '../src/accept';
import type { RequestInput } from '../src/requests';
import { RequestRejectedError, type Work } from '../src/work';

/** The requests table (with its stream) and the idempotency table of one test file. */
export const createTables = async (client: DynamoDBClient) => {
  const requests = await createTestTable(client, { partitionKey: 'requestId', stream: 'NEW_IMAGE' });
  const idempotency = await createTestTable(client);
  const countRequests = async () => {
    const { Count } = await client.send(new ScanCommand({ TableName: requests.tableName, Select: 'COUNT' }));
    return Count;
  };
  return {
    requestsTable: requests.tableName,
    streamArn: requests.streamArn ?? '',
    store: new DynamoDBStore({ tableName: idempotency.tableName, client }),
    countRequests,
    deleteTables: async () => {
      await requests.deleteTable();
      await idempotency.deleteTable();
    },
  };
};

export const post = (input: RequestInput, idempotencyKey: string, tenantId = 'acme'): AcceptEvent => ({
  headers: { 'Idempotency-Key': idempotencyKey, 'Content-Type': 'application/json' },
  body: JSON.stringify(input),
  requestContext: { authorizer: { tenantId } },
});

export const bodyOf = (response: APIGatewayProxyResult) => JSON.parse(response.body) as Record<string, unknown>;

/**
 * Stock reservation standing in for the real work. Counts calls per request; a SKU in
 * `transientFailures` fails that many calls first (a dependency down); more than 10 items are
 * refused for good.
 */
export const reserveStock = (transientFailures: Record<string, number> = {}) => {
  const calls: Record<string, number> = {};
  const completed: Record<string, number> = {};
  const left = { ...transientFailures };
  const work: Work = async (input, requestId) => {
    calls[requestId] = (calls[requestId] ?? 0) + 1;
    if ((left[input.sku] ?? 0) > 0) {
      left[input.sku] = (left[input.sku] ?? 0) - 1;
      throw new Error(`warehouse API unavailable for ${input.sku}`);
    }
    if (input.quantity > 10) throw new RequestRejectedError(`only 10 of ${input.sku} left`);
    completed[requestId] = (completed[requestId] ?? 0) + 1;
    return { reservationId: `res-${requestId}`, sku: input.sku, quantity: input.quantity };
  };
  return { work, calls, completed };
};
