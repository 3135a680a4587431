import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  createTestTable,
  localClientConfig,
  localEndpoint,
  type StreamHandler,
  type StreamInvocation,
  StreamRunner,
  type TestTable,
} from '@oncely/dynamodb-local';
import type { DynamoDBRecord } from 'aws-lambda';
import { dynamodbStreamHandler } from '../src/handlers';
import type { Payment } from '../src/payments';
import { createLedger, flaky, payment } from './fixtures';

const endpoint = localEndpoint();
const client = new DynamoDBClient(localClientConfig(endpoint));
let ledger: Awaited<ReturnType<typeof createLedger>>;
let payments: TestTable;
let runner: StreamRunner | undefined;

beforeEach(async () => {
  ledger = await createLedger(client);
  payments = await createTestTable(client, { partitionKey: 'paymentId', stream: 'NEW_IMAGE' });
});

afterEach(async () => {
  await runner?.stop();
  await ledger.deleteTables();
  await payments.deleteTable();
});

afterAll(() => client.destroy());

const insert = async (...bodies: Payment[]) => {
  for (const { paymentId, accountId, amountCents } of bodies) {
    await client.send(
      new PutItemCommand({
        TableName: payments.tableName,
        Item: { paymentId: { S: paymentId }, accountId: { S: accountId }, amountCents: { N: String(amountCents) } },
      }),
    );
  }
};

/** Runs the stream of the payments table through `handler` until it is idle. */
const runStream = async (handler: StreamHandler) => {
  const invocations: StreamInvocation[] = [];
  runner = new StreamRunner({
    endpoint,
    streamArn: payments.streamArn ?? '',
    handler,
    retryDelayMs: 10,
    onInvoke: (invocation) => invocations.push(invocation),
  });
  runner.start();
  await runner.waitUntilIdle();
  return invocations;
};

const paymentIdOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.paymentId?.S;
const sequenceOf = (invocations: StreamInvocation[], paymentId: string) =>
  invocations[0]?.event.Records.find((record) => paymentIdOf(record) === paymentId)?.dynamodb?.SequenceNumber;

describe('DynamoDB Streams batches', () => {
  it('reports exactly the failed records and replays the ones Lambda delivers again after them', async () => {
    const { applyPayment, calls } = flaky(ledger.applyPayment, { 'p-2': 1, 'p-4': 1 });
    await insert(payment('p-1', 100), payment('p-2', 200), payment('p-3', 300), payment('p-4', 400));

    const invocations = await runStream(dynamodbStreamHandler({ store: ledger.store, applyPayment }));

    expect(invocations.map(({ event }) => event.Records.map(paymentIdOf))).toEqual([
      ['p-1', 'p-2', 'p-3', 'p-4'],
      ['p-2', 'p-3', 'p-4'], // from the first failed record on
    ]);
    expect(invocations[0]?.outcome).toEqual({
      status: 'partial',
      failedSequenceNumbers: [sequenceOf(invocations, 'p-2'), sequenceOf(invocations, 'p-4')],
      retryFrom: 1,
    });
    expect(invocations[1]?.outcome).toEqual({ status: 'succeeded' });
    expect(await ledger.read()).toEqual({
      timesApplied: { 'p-1': 1, 'p-2': 1, 'p-3': 1, 'p-4': 1 },
      balanceCents: 1000,
    });
    expect(calls).toEqual({ 'p-1': 1, 'p-2': 2, 'p-3': 1, 'p-4': 2 });
  });

  it('applies nothing twice when a whole batch is delivered again after its work was done', async () => {
    const { applyPayment, calls } = flaky(ledger.applyPayment);
    const handler = dynamodbStreamHandler({ store: ledger.store, applyPayment });
    let timedOut = false;
    await insert(payment('p-1'), payment('p-2'), payment('p-3'));

    // The first invocation does its work, then times out before Lambda hears back.
    const invocations = await runStream(async (event, context) => {
      const response = await handler(event, context);
      if (timedOut) return response;
      timedOut = true;
      throw new Error('Task timed out after 60.00 seconds');
    });

    expect(invocations.map(({ outcome }) => outcome.status)).toEqual(['failed', 'succeeded']);
    expect(invocations[1]?.event.Records.map(paymentIdOf)).toEqual(['p-1', 'p-2', 'p-3']);
    expect((await ledger.read()).timesApplied).toEqual({ 'p-1': 1, 'p-2': 1, 'p-3': 1 });
    expect(calls).toEqual({ 'p-1': 1, 'p-2': 1, 'p-3': 1 });
  });
});
