import { createHash, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getIdempotencyToken, httpResponses, type IdempotencyStore, makeIdempotent } from '@oncely/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { putRequest, type RequestInput } from './requests.js';

/**
 * The parts of an API Gateway (REST, proxy) event the accept handler reads: the headers, the
 * body, and the tenant the authorizer vouched for.
 */
export type AcceptEvent = Pick<APIGatewayProxyEvent, 'headers' | 'body'> & {
  requestContext?: { authorizer?: { tenantId?: string } | null };
};

export interface AcceptDependencies {
  client: DynamoDBClient;
  requestsTable: string;
  store: IdempotencyStore;
}

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

const parseInput = (body: string | null): RequestInput | undefined => {
  try {
    const input = JSON.parse(body ?? '') as Partial<RequestInput>;
    const valid = typeof input.sku === 'string' && Number.isInteger(input.quantity) && (input.quantity ?? 0) > 0;
    return valid ? { sku: input.sku as string, quantity: input.quantity as number } : undefined;
  } catch {
    return undefined;
  }
};

// The request id is derived from the idempotency key, so even an attempt that stored the request
// and crashed before its result was recorded leads its retry to the same request.
const requestIdOf = (context: Context): string => {
  const key = getIdempotencyToken(context)?.key;
  return key === undefined ? randomUUID() : createHash('sha256').update(key).digest('base64url').slice(0, 22);
};

/**
 * `POST /requests` with an `Idempotency-Key` header: stores the request as PENDING and answers
 * 202 with its id and status URL at once. A retried POST (same key, same body) replays the
 * first answer (`Idempotent-Replayed: true`) and stores nothing; the same key with another body
 * gets 422, a POST while the first is still running 409, a POST without the header 400.
 *
 * @example
 * ```ts
 * export const handler = acceptHandler({ client, requestsTable: 'requests', store });
 * ```
 */
export const acceptHandler = ({ client, requestsTable, store }: AcceptDependencies) =>
  makeIdempotent(
    async (event: AcceptEvent, context: Context): Promise<APIGatewayProxyResult> => {
      const input = parseInput(event.body);
      if (input === undefined) return json(400, { message: 'body must be { "sku": string, "quantity": integer > 0 }' });
      const requestId = requestIdOf(context);
      await putRequest(client, requestsTable, {
        requestId,
        status: 'PENDING',
        input,
        acceptedAt: new Date().toISOString(),
      });
      const location = `/requests/${requestId}`;
      return json(202, { requestId, status: 'PENDING', location }, { Location: location });
    },
    {
      store,
      keyPrefix: 'requests.accept',
      key: { header: 'Idempotency-Key' },
      // The client chooses the key, so it is only unique within one tenant: without the scope,
      // another tenant sending the same key would be answered with this tenant's request.
      scope: (event) => event.requestContext?.authorizer?.tenantId,
      requireKey: true,
      validate: 'body',
      responses: httpResponses,
      expiresAfterSeconds: 24 * 60 * 60,
    },
  );
