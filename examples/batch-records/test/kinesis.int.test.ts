import { localLambdaContext } from '@oncely/dynamodb-local';
import type { KinesisStreamEvent } from 'aws-lambda';
import { kinesisHandler } from '../src/handlers';
import { flaky, kinesisRecord, payment, useLedger } from './fixtures';

const env = useLedger();

const batch = (...records: KinesisStreamEvent['Records']): KinesisStreamEvent => ({ Records: records });

describe('Kinesis batches', () => {
  it('replays the records after a failure that Lambda delivers again, and runs the failed one', async () => {
    const { applyPayment, calls } = flaky(env.ledger.applyPayment, { 'p-2': 1 });
    const handler = kinesisHandler({ store: env.ledger.store, applyPayment });
    const [s1, s2, s3] = [
      kinesisRecord('100', payment('p-1', 100)),
      kinesisRecord('200', payment('p-2', 200)),
      kinesisRecord('300', payment('p-3', 300)),
    ] as const;

    const first = await handler(batch(s1, s2, s3), localLambdaContext());
    // Lambda retries the shard from the lowest failed sequence number: 200, then 300 again.
    const second = await handler(batch(s2, s3), localLambdaContext());

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '200' }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(await env.ledger.read()).toEqual({ timesApplied: { 'p-1': 1, 'p-2': 1, 'p-3': 1 }, balanceCents: 600 });
    expect(calls).toEqual({ 'p-1': 1, 'p-2': 2, 'p-3': 1 });
  });

  it('reports exactly the failed records, in shard order', async () => {
    const { applyPayment } = flaky(env.ledger.applyPayment, { 'p-2': 5, 'p-4': 5 });
    const handler = kinesisHandler({ store: env.ledger.store, applyPayment });
    const records = ['p-1', 'p-2', 'p-3', 'p-4'].map((id, i) => kinesisRecord(String((i + 1) * 100), payment(id)));

    const first = await handler(batch(...records), localLambdaContext());
    const again = await handler(batch(...records.slice(1)), localLambdaContext());

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '200' }, { itemIdentifier: '400' }]);
    expect(again.batchItemFailures).toEqual([{ itemIdentifier: '200' }, { itemIdentifier: '400' }]);
    expect((await env.ledger.read()).timesApplied).toEqual({ 'p-1': 1, 'p-3': 1 });
  });
});
