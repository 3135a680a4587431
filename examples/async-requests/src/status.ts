import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getRequest } from './requests.js';

export interface StatusDependencies {
  client: DynamoDBClient;
  requestsTable: string;
}

/**
 * `GET /requests/{requestId}`: the request's status, with its result or error once processed.
 * Reads are naturally idempotent: no oncely here.
 *
 * @example
 * ```ts
 * export const handler = statusHandler({ client, requestsTable: 'requests' });
 * ```
 */
export const statusHandler =
  ({ client, requestsTable }: StatusDependencies) =>
  async (event: Pick<APIGatewayProxyEvent, 'pathParameters'>): Promise<APIGatewayProxyResult> => {
    const requestId = event.pathParameters?.requestId ?? '';
    const request = requestId === '' ? undefined : await getRequest(client, requestsTable, requestId);
    return request === undefined
      ? { statusCode: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"no such request"}' }
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) };
  };
