import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint } from '@oncely/dynamodb-local';
import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { type ApplyPayment, applyPaymentTo, type Payment } from '../src/payments';

export const payment = (paymentId: string, amountCents = 100): Payment => ({
  paymentId,
  accountId: 'acct-1',
  amountCents,
});

export const sqsRecord = (messageId: string, body: Payment): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body: JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1700000000000',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:payments',
  awsRegion: 'us-east-1',
});

export const kinesisRecord = (sequenceNumber: string, body: Payment): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: '1.0',
    partitionKey: body.accountId,
    sequenceNumber,
    data: Buffer.from(JSON.stringify(body)).toString('base64'),
    approximateArrivalTimestamp: 1_700_000_000,
  },
  eventSource: 'aws:kinesis',
  eventVersion: '1.0',
  eventID: `shardId-000000000000:${sequenceNumber}`,
  eventName: 'aws:kinesis:record',
  invokeIdentityArn: 'arn:aws:iam::000000000000:role/payments',
  awsRegion: 'us-east-1',
  eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/payments',
});

/**
 * The tables of one test file, the real business logic on the ledger table, and a view of the
 * ledger: how often each payment was applied and the account's balance.
 */
export const createLedger = async (client: DynamoDBClient) => {
  const idempotency = await createTestTable(client);
  const ledger = await createTestTable(client);
  const store = new DynamoDBStore({ tableName: idempotency.tableName, client });
  const read = async () => {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: ledger.tableName, ConsistentRead: true }));
    const timesApplied: Record<string, number> = {};
    let balanceCents = 0;
    for (const item of Items) {
      const id = item.id?.S ?? '';
      if (id.startsWith('payment#')) timesApplied[id.slice('payment#'.length)] = Number(item.timesApplied?.N);
      if (id === 'account#acct-1') balanceCents = Number(item.balanceCents?.N);
    }
    return { timesApplied, balanceCents };
  };
  const deleteTables = async () => {
    await idempotency.deleteTable();
    await ledger.deleteTable();
  };
  return { store, applyPayment: applyPaymentTo(client, ledger.tableName), read, deleteTables };
};

type Ledger = Awaited<ReturnType<typeof createLedger>>;

/**
 * A fresh ledger (and idempotency table) for every test of the file, on one client that is
 * closed after the file. Read `ledger` inside tests.
 */
export const useLedger = () => {
  const client = new DynamoDBClient(localClientConfig(localEndpoint()));
  let ledger: Ledger | undefined;
  beforeEach(async () => {
    ledger = await createLedger(client);
  });
  afterEach(() => ledger?.deleteTables());
  afterAll(() => client.destroy());
  return {
    get ledger(): Ledger {
      if (ledger === undefined) throw new Error('useLedger: the ledger is made in beforeEach; read it inside a test');
      return ledger;
    },
  };
};

/**
 * Wraps the business logic: counts calls per payment, and fails the first `failures[id]` calls
 * of a payment before its side effect (a downstream that is briefly unavailable).
 */
export const flaky = (apply: ApplyPayment, failures: Record<string, number> = {}) => {
  const calls: Record<string, number> = {};
  const left = { ...failures };
  const applyPayment: ApplyPayment = async (body) => {
    calls[body.paymentId] = (calls[body.paymentId] ?? 0) + 1;
    if ((left[body.paymentId] ?? 0) > 0) {
      left[body.paymentId] = (left[body.paymentId] ?? 0) - 1;
      throw new Error(`downstream unavailable for ${body.paymentId}`);
    }
    return apply(body);
  };
  return { applyPayment, calls };
};
