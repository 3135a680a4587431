import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, KinesisStreamRecord, SQSRecord } from 'aws-lambda';

/** What every record of the example carries, whichever source delivered it. */
export interface Payment {
  paymentId: string;
  accountId: string;
  amountCents: number;
}

/** The business logic a record handler runs. */
export type ApplyPayment = (payment: Payment) => Promise<{ paymentId: string; appliedAt: string }>;

/** An SQS message body is the payment as JSON. */
export const paymentOfSqs = (record: SQSRecord): Payment => JSON.parse(record.body) as Payment;

/** A Kinesis record's data is the payment as base64 JSON. */
export const paymentOfKinesis = (record: KinesisStreamRecord): Payment =>
  JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as Payment;

/** A DynamoDB stream record carries the payment item as its new image. */
export const paymentOfStream = (record: DynamoDBRecord): Payment => {
  const image = record.dynamodb?.NewImage;
  return {
    paymentId: image?.paymentId?.S ?? '',
    accountId: image?.accountId?.S ?? '',
    amountCents: Number(image?.amountCents?.N),
  };
};

/**
 * The side effect: adds the amount to the account's balance and counts how often each payment
 * was applied. Both are plain `ADD`s, not idempotent on their own: a payment applied twice shows
 * `timesApplied: 2`, which is what the tests look for.
 *
 * @example
 * ```ts
 * const apply = applyPaymentTo(client, 'ledger');
 * await apply({ paymentId: 'p-1', accountId: 'acct-1', amountCents: 500 });
 * ```
 */
export const applyPaymentTo =
  (client: DynamoDBClient, tableName: string): ApplyPayment =>
  async (payment) => {
    const add = (id: string, attribute: string, amount: number) =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { id: { S: id } },
          UpdateExpression: 'ADD #attribute :amount',
          ExpressionAttributeNames: { '#attribute': attribute },
          ExpressionAttributeValues: { ':amount': { N: String(amount) } },
        }),
      );
    await add(`payment#${payment.paymentId}`, 'timesApplied', 1);
    await add(`account#${payment.accountId}`, 'balanceCents', payment.amountCents);
    return { paymentId: payment.paymentId, appliedAt: new Date().toISOString() };
  };
