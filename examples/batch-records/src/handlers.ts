import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { type IdempotencyStore, makeIdempotent } from '@oncely/core';
import { jmespath } from '@oncely/core/jmespath';
import type {
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  KinesisStreamEvent,
  KinesisStreamRecord,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { type ApplyPayment, paymentOfKinesis, paymentOfSqs, paymentOfStream } from './payments.js';

/** What the handlers need: where idempotency records live, and the business logic. */
export interface Dependencies {
  store: IdempotencyStore;
  applyPayment: ApplyPayment;
}

// Records must stay deduplicated for as long as a duplicate can arrive: SQS redelivers until the
// message's retention ends (4 days by default), Kinesis and DynamoDB Streams keep records 24 h.
const ONE_DAY_SECONDS = 24 * 60 * 60;
// Each handler names its key prefix: the record handlers are inline functions, without the
// name the default prefix would take.

/**
 * SQS: keyed on a business key inside the body, so a message sent twice by its producer (two
 * `messageId`s) counts once, as does a redelivery. Records run in parallel; a duplicate in the
 * same batch waits for the first one's result instead of failing.
 *
 * @example
 * ```ts
 * export const handler = sqsHandler({ store, applyPayment: applyPaymentTo(client, 'ledger') });
 * ```
 */
export const sqsHandler = ({ store, applyPayment }: Dependencies) => {
  const processor = new BatchProcessor(EventType.SQS);
  const applySqsRecord = makeIdempotent(async (record: SQSRecord) => applyPayment(paymentOfSqs(record)), {
    store,
    keyPrefix: 'payments.sqs',
    key: jmespath('powertools_json(body).paymentId'),
    requireKey: true,
    whenInProgress: { waitMs: 5_000 },
    expiresAfterSeconds: 4 * ONE_DAY_SECONDS,
  });
  return (event: SQSEvent, context: Context) => processPartialResponse(event, applySqsRecord, processor, { context });
};

/**
 * Kinesis: keyed on `eventID` (`shardId:sequenceNumber`; a sequence number alone is unique only
 * within its shard). Records of a shard run one after another, in order.
 *
 * @example
 * ```ts
 * export const handler = kinesisHandler({ store, applyPayment });
 * ```
 */
export const kinesisHandler = ({ store, applyPayment }: Dependencies) => {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const applyKinesisRecord = makeIdempotent(
    async (record: KinesisStreamRecord) => applyPayment(paymentOfKinesis(record)),
    {
      store,
      keyPrefix: 'payments.kinesis',
      key: (record) => record.eventID,
      requireKey: true,
      expiresAfterSeconds: ONE_DAY_SECONDS,
    },
  );
  return (event: KinesisStreamEvent, context: Context) =>
    processPartialResponse(event, applyKinesisRecord, processor, { context, processInParallel: false });
};

/**
 * DynamoDB Streams: keyed on `eventID`, unique per change of an item. Records run one after
 * another, in order.
 *
 * @example
 * ```ts
 * export const handler = dynamodbStreamHandler({ store, applyPayment });
 * ```
 */
export const dynamodbStreamHandler = ({ store, applyPayment }: Dependencies) => {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const applyStreamRecord = makeIdempotent(async (record: DynamoDBRecord) => applyPayment(paymentOfStream(record)), {
    store,
    keyPrefix: 'payments.stream',
    key: (record) => record.eventID,
    requireKey: true,
    expiresAfterSeconds: ONE_DAY_SECONDS,
  });
  return (event: DynamoDBStreamEvent, context: Context) =>
    processPartialResponse(event, applyStreamRecord, processor, { context, processInParallel: false });
};
