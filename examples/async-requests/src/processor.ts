import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type IdempotencyStore, makeIdempotent } from '@oncely/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type Outcome, type RequestInput, recordOutcome, requestOfImage } from './requests.js';
import { isRejection, type Work } from './work.js';

export interface ProcessorDependencies {
  client: DynamoDBClient;
  requestsTable: string;
  store: IdempotencyStore;
  work: Work;
}

/**
 * The stream processor: for each INSERT of a request, runs the work once per request id and
 * records the outcome on the request. Failed records are reported in `batchItemFailures`
 * (Powertools batch), so the stream delivers them again; whatever is delivered again after
 * its work was done replays the stored result.
 *
 * Only the work is wrapped, not the outcome write: if that write fails, the retry replays the
 * work's stored result and writes again, instead of running the work a second time.
 *
 * @example
 * ```ts
 * export const handler = processorHandler({ client, requestsTable: 'requests', store, work: reserveStock });
 * ```
 */
export const processorHandler = ({ client, requestsTable, store, work }: ProcessorDependencies) => {
  const runOnce = makeIdempotent(
    async (request: { requestId: string; input: RequestInput }, _context: Context) =>
      work(request.input, request.requestId),
    {
      store,
      keyPrefix: 'requests.run',
      key: (request) => request.requestId,
      requireKey: true,
      cacheErrors: isRejection,
      expiresAfterSeconds: 24 * 60 * 60, // DynamoDB Streams keep records 24 h
    },
  );

  const processRecord = async (record: DynamoDBRecord, context: Context): Promise<void> => {
    // Recording an outcome modifies the item: those MODIFY records come back here and are
    // skipped. On AWS, an event filter ({ eventName: ['INSERT'] }) keeps them from invoking at all.
    if (record.eventName !== 'INSERT') return;
    const request = requestOfImage(record.dynamodb?.NewImage);
    let outcome: Outcome;
    try {
      outcome = { status: 'SUCCEEDED', result: await runOnce(request, context) };
    } catch (error) {
      if (!isRejection(error)) throw error;
      outcome = { status: 'FAILED', error: { name: error.name, message: error.message } };
    }
    await recordOutcome(client, requestsTable, request.requestId, outcome);
  };

  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return (event: DynamoDBStreamEvent, context: Context) =>
    processPartialResponse(event, processRecord, processor, { context, processInParallel: false });
};
