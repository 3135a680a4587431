import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { localLambdaContext } from '@oncely/dynamodb-local';
import type { SQSEvent } from 'aws-lambda';
import { sqsHandler } from '../src/handlers';
import { flaky, payment, sqsRecord, useLedger } from './fixtures';

const env = useLedger();

const batch = (...records: SQSEvent['Records']): SQSEvent => ({ Records: records });

describe('SQS batches', () => {
  it('applies each payment once across producer duplicates, a failure and a redelivery', async () => {
    const { applyPayment, calls } = flaky(env.ledger.applyPayment, { 'p-3': 1 });
    const handler = sqsHandler({ store: env.ledger.store, applyPayment });

    const first = await handler(
      batch(
        sqsRecord('m-1', payment('p-1', 100)),
        sqsRecord('m-2', payment('p-2', 200)),
        sqsRecord('m-3', payment('p-3', 300)),
        sqsRecord('m-4', payment('p-2', 200)), // the producer sent p-2 twice
      ),
      localLambdaContext(),
    );
    const afterFirst = await env.ledger.read();
    // SQS delivers the failed m-3 again, and m-1 too: its visibility timeout ran out.
    const second = await handler(
      batch(sqsRecord('m-3', payment('p-3', 300)), sqsRecord('m-1', payment('p-1', 100))),
      localLambdaContext(),
    );

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-3' }]);
    expect(afterFirst).toEqual({ timesApplied: { 'p-1': 1, 'p-2': 1 }, balanceCents: 300 });
    expect(second.batchItemFailures).toEqual([]);
    expect(await env.ledger.read()).toEqual({ timesApplied: { 'p-1': 1, 'p-2': 1, 'p-3': 1 }, balanceCents: 600 });
    expect(calls).toEqual({ 'p-1': 1, 'p-2': 1, 'p-3': 2 });
  });

  it('reports exactly the failed messages of a batch', async () => {
    const { applyPayment } = flaky(env.ledger.applyPayment, { 'p-2': 1, 'p-4': 1 });
    const handler = sqsHandler({ store: env.ledger.store, applyPayment });

    const response = await handler(
      batch(...['p-1', 'p-2', 'p-3', 'p-4', 'p-5'].map((id, i) => sqsRecord(`m-${i + 1}`, payment(id)))),
      localLambdaContext(),
    );

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['m-2', 'm-4']);
    expect((await env.ledger.read()).timesApplied).toEqual({ 'p-1': 1, 'p-3': 1, 'p-5': 1 });
  });

  it('throws when every record fails, and leaves the records free for the retry', async () => {
    const { applyPayment, calls } = flaky(env.ledger.applyPayment, { 'p-1': 1, 'p-2': 1 });
    const handler = sqsHandler({ store: env.ledger.store, applyPayment });
    const event = batch(sqsRecord('m-1', payment('p-1')), sqsRecord('m-2', payment('p-2')));

    await expect(handler(event, localLambdaContext())).rejects.toBeInstanceOf(FullBatchFailureError);
    const retried = await handler(event, localLambdaContext());

    expect(retried.batchItemFailures).toEqual([]);
    expect((await env.ledger.read()).timesApplied).toEqual({ 'p-1': 1, 'p-2': 1 });
    expect(calls).toEqual({ 'p-1': 2, 'p-2': 2 });
  });

  it('lets a message delivered again while its first run is going wait for that result', async () => {
    const { applyPayment, calls } = flaky(async (body) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return env.ledger.applyPayment(body);
    });
    const handler = sqsHandler({ store: env.ledger.store, applyPayment });
    const event = batch(sqsRecord('m-1', payment('p-1')));

    // The visibility timeout ran out during the first run: a second consumer gets the message.
    const responses = await Promise.all([handler(event, localLambdaContext()), handler(event, localLambdaContext())]);

    expect(responses.map((response) => response.batchItemFailures)).toEqual([[], []]);
    expect((await env.ledger.read()).timesApplied).toEqual({ 'p-1': 1 });
    expect(calls).toEqual({ 'p-1': 1 });
  });
});
