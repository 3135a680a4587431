import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  localClientConfig,
  localEndpoint,
  localLambdaContext,
  type StreamInvocation,
  StreamRunner,
} from '@oncely/dynamodb-local';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { acceptHandler } from '../src/accept';
import { processorHandler } from '../src/processor';
import { statusHandler } from '../src/status';
import { bodyOf, createTables, post, reserveStock } from './fixtures';

const endpoint = localEndpoint();
const client = new DynamoDBClient(localClientConfig(endpoint));
let tables: Awaited<ReturnType<typeof createTables>>;
let runner: StreamRunner | undefined;

beforeAll(async () => {
  tables = await createTables(client);
});

afterAll(async () => {
  await runner?.stop();
  await tables.deleteTables();
  client.destroy();
});

describe('the asynchronous request API', () => {
  it('accepts each request once, processes it once and reports its outcome', async () => {
    const { requestsTable, store, streamArn } = tables;
    const accept = acceptHandler({ client, requestsTable, store });
    const status = statusHandler({ client, requestsTable });
    const { work, calls, completed } = reserveStock({ flaky: 2 });
    const process = processorHandler({ client, requestsTable, store, work });
    const statusOf = async (requestId: unknown) =>
      bodyOf(await status({ pathParameters: { requestId: String(requestId) } }));

    // Accept: a POST retried by its client, a request whose work fails twice, one refused for good.
    const book = await accept(post({ sku: 'book', quantity: 1 }, 'key-book'), localLambdaContext());
    const bookRetry = await accept(post({ sku: 'book', quantity: 1 }, 'key-book'), localLambdaContext());
    const flaky = await accept(post({ sku: 'flaky', quantity: 2 }, 'key-flaky'), localLambdaContext());
    const tooMany = await accept(post({ sku: 'lamp', quantity: 50 }, 'key-lamp'), localLambdaContext());
    const reusedKey = await accept(post({ sku: 'book', quantity: 9 }, 'key-book'), localLambdaContext());
    const [bookId, flakyId, tooManyId] = [book, flaky, tooMany].map((response) => bodyOf(response).requestId);

    expect([book, bookRetry, flaky, tooMany].map((response) => response.statusCode)).toEqual([202, 202, 202, 202]);
    expect(bodyOf(bookRetry)).toEqual(bodyOf(book));
    expect(bookRetry.headers).toMatchObject({ 'Idempotent-Replayed': 'true', Location: `/requests/${bookId}` });
    expect(reusedKey.statusCode).toBe(422);
    expect(new Set([bookId, flakyId, tooManyId]).size).toBe(3);
    expect(await tables.countRequests()).toBe(3);
    expect(await statusOf(bookId)).toMatchObject({ status: 'PENDING', input: { sku: 'book', quantity: 1 } });

    // Process: the first invocation does its work and then times out, so Lambda delivers the
    // same batch again; the flaky request fails in both and is reported until it succeeds.
    let timedOut = false;
    const invocations: StreamInvocation[] = [];
    runner = new StreamRunner({
      endpoint,
      streamArn,
      retryDelayMs: 10,
      onInvoke: (invocation) => invocations.push(invocation),
      handler: async (event: DynamoDBStreamEvent, context: Context) => {
        const response = await process(event, context);
        if (timedOut) return response;
        timedOut = true;
        throw new Error('Task timed out after 60.00 seconds');
      },
    });
    runner.start();
    await runner.waitUntilIdle();

    const flakyInsert = invocations[0]?.event.Records.find(
      (record) => record.dynamodb?.NewImage?.requestId?.S === flakyId,
    );
    const sequenceNumbers = (invocation: StreamInvocation | undefined) =>
      invocation?.event.Records.map((record) => record.dynamodb?.SequenceNumber) ?? [];
    expect(invocations[0]?.outcome.status).toBe('failed');
    // Delivered again from the start; the outcomes written meanwhile (MODIFY records) follow.
    expect(sequenceNumbers(invocations[1]).slice(0, 3)).toEqual(sequenceNumbers(invocations[0]));
    expect(invocations[1]?.outcome).toMatchObject({
      status: 'partial',
      failedSequenceNumbers: [flakyInsert?.dynamodb?.SequenceNumber],
    });
    expect(invocations.at(-1)?.outcome.status).toBe('succeeded');

    expect(await statusOf(bookId)).toMatchObject({
      status: 'SUCCEEDED',
      result: { reservationId: `res-${bookId}`, quantity: 1 },
    });
    expect(await statusOf(flakyId)).toMatchObject({ status: 'SUCCEEDED', result: { sku: 'flaky', quantity: 2 } });
    expect(await statusOf(tooManyId)).toMatchObject({
      status: 'FAILED',
      error: { name: 'RequestRejectedError', message: 'only 10 of lamp left' },
    });
    expect(completed).toEqual({ [String(bookId)]: 1, [String(flakyId)]: 1 });
    expect(calls).toEqual({ [String(bookId)]: 1, [String(flakyId)]: 3, [String(tooManyId)]: 1 });

    // A late retry of the first POST still answers the same request and starts nothing new.
    const lateRetry = await accept(post({ sku: 'book', quantity: 1 }, 'key-book'), localLambdaContext());
    await runner.waitUntilIdle();

    expect(bodyOf(lateRetry)).toEqual(bodyOf(book));
    expect(await tables.countRequests()).toBe(3);
    expect(calls[String(bookId)]).toBe(1);
    expect((await status({ pathParameters: { requestId: 'nope' } })).statusCode).toBe(404);
  });

  it('answers 400 to a POST without an Idempotency-Key or with an invalid body', async () => {
    const accept = acceptHandler({ client, requestsTable: tables.requestsTable, store: tables.store });

    const withoutKey = await accept(
      { headers: {}, body: '{"sku":"book","quantity":1}', requestContext: { authorizer: { tenantId: 'acme' } } },
      localLambdaContext(),
    );
    const invalid = await accept(post({ sku: 'book', quantity: 0 }, 'key-invalid'), localLambdaContext());

    expect(withoutKey.statusCode).toBe(400);
    expect(invalid.statusCode).toBe(400);
  });

  it('keeps tenants apart: another tenant sending the same key gets its own request, never the first tenant’s', async () => {
    const accept = acceptHandler({ client, requestsTable: tables.requestsTable, store: tables.store });

    const acme = await accept(post({ sku: 'book', quantity: 1 }, 'key-shared', 'acme'), localLambdaContext());
    const globex = await accept(post({ sku: 'book', quantity: 1 }, 'key-shared', 'globex'), localLambdaContext());

    expect([acme.statusCode, globex.statusCode]).toEqual([202, 202]);
    expect(globex.headers).not.toHaveProperty('Idempotent-Replayed');
    expect(bodyOf(globex).requestId).not.toBe(bodyOf(acme).requestId);
  });
});
