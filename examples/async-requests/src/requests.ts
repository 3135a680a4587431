import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';

/** What a client asks for: reserve `quantity` of `sku`. */
export interface RequestInput {
  sku: string;
  quantity: number;
}

export type RequestStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** A request as the requests table holds it. */
export interface RequestItem {
  requestId: string;
  status: RequestStatus;
  input: RequestInput;
  acceptedAt: string;
  completedAt?: string;
  result?: unknown;
  error?: { name: string; message: string };
}

/** The outcome the processor records on a request. */
export type Outcome =
  | { status: 'SUCCEEDED'; result: unknown }
  | { status: 'FAILED'; error: { name: string; message: string } };

/**
 * Stores a new PENDING request. Storing one that is already there (a retry whose first attempt
 * stored it and then crashed) is fine: the request id is derived from the idempotency key.
 */
export const putRequest = async (client: DynamoDBClient, tableName: string, item: RequestItem): Promise<void> => {
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          requestId: { S: item.requestId },
          status: { S: item.status },
          input: { S: JSON.stringify(item.input) },
          acceptedAt: { S: item.acceptedAt },
        },
        ConditionExpression: 'attribute_not_exists(requestId)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};

/**
 * Records a request's outcome, once: only a PENDING request takes one, so a redelivered record
 * cannot overwrite the first outcome.
 */
export const recordOutcome = async (client: DynamoDBClient, tableName: string, requestId: string, outcome: Outcome) => {
  const detail = outcome.status === 'SUCCEEDED' ? { result: outcome.result } : { error: outcome.error };
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { requestId: { S: requestId } },
        UpdateExpression: 'SET #status = :status, outcome = :outcome, completedAt = :now',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': { S: outcome.status },
          ':outcome': { S: JSON.stringify(detail) },
          ':now': { S: new Date().toISOString() },
          ':pending': { S: 'PENDING' },
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};

/** Reads a request (strongly consistent), or `undefined` if there is none. */
export const getRequest = async (
  client: DynamoDBClient,
  tableName: string,
  requestId: string,
): Promise<RequestItem | undefined> => {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: { requestId: { S: requestId } }, ConsistentRead: true }),
  );
  if (Item === undefined) return undefined;
  const outcome = Item.outcome?.S === undefined ? {} : (JSON.parse(Item.outcome.S) as Partial<RequestItem>);
  return {
    requestId,
    status: Item.status?.S as RequestStatus,
    input: JSON.parse(Item.input?.S ?? '{}') as RequestInput,
    acceptedAt: Item.acceptedAt?.S ?? '',
    ...(Item.completedAt?.S !== undefined && { completedAt: Item.completedAt.S }),
    ...outcome,
  };
};

/** The request an INSERT stream record carries (its new image). */
export const requestOfImage = (image: Record<string, StreamAttributeValue> | undefined) => ({
  requestId: image?.requestId?.S ?? '',
  input: JSON.parse(image?.input?.S ?? '{}') as RequestInput,
});
