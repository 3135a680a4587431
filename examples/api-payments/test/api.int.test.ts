import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint, type TestTable } from '@oncely/dynamodb-local';
import {
  type ApiGatewayProxyEvent,
  type ApiGatewayProxyResult,
  type CaptureRequest,
  createCaptureHandler,
  type LambdaContext,
  type PaymentProvider,
} from '../src/handler.js';

// The real chain (body parser, Powertools Logger, oncely) on DynamoDB Local, called with
// API Gateway REST proxy events as API Gateway sends them: the body is a JSON string.

/** A payment provider that records its charges; it can fail once or hold a charge until released. */
class RecordingProvider implements PaymentProvider {
  readonly charges: CaptureRequest[] = [];
  attempts = 0;
  delayMs = 0;
  #failNext = false;
  #hold: { started: () => void; released: Promise<void> } | undefined;

  failNext(): void {
    this.#failNext = true;
  }

  /** The next charge waits until `release` is called; `started` settles once it is waiting. */
  holdNext(): { started: Promise<void>; release: () => void } {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = (): void => {};
    const startedPromise = new Promise<void>((resolve) => {
      started = resolve;
    });
    this.#hold = { started, released };
    return { started: startedPromise, release };
  }

  async charge(request: CaptureRequest): Promise<{ chargeId: string }> {
    this.attempts += 1;
    const hold = this.#hold;
    this.#hold = undefined;
    if (hold) {
      hold.started();
      await hold.released;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.#failNext) {
      this.#failNext = false;
      throw new Error('payment provider unavailable');
    }
    this.charges.push(request);
    return { chargeId: `ch_${this.charges.length}` };
  }
}

const post = (body: unknown): ApiGatewayProxyEvent => ({
  resource: '/payments',
  path: '/payments',
  httpMethod: 'POST',
  headers: { 'Content-Type': 'application/json', Host: 'api.example.com' },
  multiValueHeaders: { 'Content-Type': ['application/json'], Host: ['api.example.com'] },
  queryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: { resourcePath: '/payments', httpMethod: 'POST', stage: 'prod', requestId: randomUUID() },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded: false,
});

const lambdaContext = (remainingMs = 30_000): LambdaContext => {
  const deadlineMs = Date.now() + remainingMs;
  return {
    functionName: 'api-payments',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:api-payments',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/api-payments',
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadlineMs - Date.now(),
  };
};

const json = (response: ApiGatewayProxyResult): Record<string, unknown> => JSON.parse(response.body);
const replayed = (response: ApiGatewayProxyResult): boolean => response.headers?.['Idempotent-Replayed'] === 'true';

const client = new DynamoDBClient(localClientConfig(localEndpoint()));
let dynamoRequests = 0;
client.middlewareStack.add(
  (next) => (args) => {
    dynamoRequests += 1;
    return next(args);
  },
  { step: 'finalizeRequest', priority: 'low', name: 'countRequests' },
);
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable(client);
});

afterAll(async () => {
  await table?.deleteTable();
  client.destroy();
});

const setup = () => {
  const provider = new RecordingProvider();
  const handler = createCaptureHandler({
    store: new DynamoDBStore({ tableName: table.tableName, client }),
    provider,
    logger: new Logger({ serviceName: 'api-payments', logLevel: 'SILENT' }),
  });
  const call = (body: unknown) => handler(post(body), lambdaContext());
  return { provider, call, paymentId: `pay_${randomUUID()}` };
};

describe('POST /payments', () => {
  it('captures a new payment with a 201 and charges once', async () => {
    const { provider, call, paymentId } = setup();

    const response = await call({ paymentId, amount: 1250 });

    expect(response.statusCode).toBe(201);
    expect(json(response)).toMatchObject({ paymentId, amount: 1250, chargeId: 'ch_1' });
    expect(replayed(response)).toBe(false);
    expect(provider.charges).toEqual([{ paymentId, amount: 1250 }]);
  });

  it('replays the first response to an exact retry, marked Idempotent-Replayed, without charging again', async () => {
    const { provider, call, paymentId } = setup();
    const first = await call({ paymentId, amount: 1250 });

    const retry = await call({ paymentId, amount: 1250 });

    expect(retry.statusCode).toBe(201);
    expect(json(retry)).toEqual(json(first));
    expect(replayed(retry)).toBe(true);
    expect(provider.attempts).toBe(1);
  });

  it('refuses a retry with another amount with a 422 problem, without charging', async () => {
    const { provider, call, paymentId } = setup();
    await call({ paymentId, amount: 1250 });

    const changed = await call({ paymentId, amount: 9999 });

    expect(changed.statusCode).toBe(422);
    expect(changed.headers?.['Content-Type']).toBe('application/problem+json');
    expect(json(changed)).toMatchObject({
      type: 'urn:oncely:problem:payload-mismatch',
      status: 422,
      detail: expect.stringContaining('first used with a different request'),
    });
    expect(provider.attempts).toBe(1);
    expect((await call({ paymentId, amount: 1250 })).statusCode).toBe(201);
  });

  it('charges once for ten concurrent submits; the others get the replay or a 409', async () => {
    const { provider, call, paymentId } = setup();
    provider.delayMs = 50;

    const responses = await Promise.all(Array.from({ length: 10 }, () => call({ paymentId, amount: 1250 })));

    expect(provider.attempts).toBe(1);
    const [original, ...others] = [
      ...responses.filter((r) => r.statusCode === 201 && !replayed(r)),
      ...responses.filter((r) => r.statusCode !== 201 || replayed(r)),
    ];
    expect(original?.statusCode).toBe(201);
    expect(others).toHaveLength(9);
    for (const other of others) {
      if (other.statusCode === 201) {
        expect(replayed(other)).toBe(true);
        expect(json(other)).toEqual(json(original as ApiGatewayProxyResult));
      } else {
        expect(other.statusCode).toBe(409);
        expect(json(other)).toMatchObject({ type: 'urn:oncely:problem:in-progress' });
      }
    }
  });

  it('answers a retry while the first call runs with a 409 and Retry-After', async () => {
    const { provider, call, paymentId } = setup();
    const hold = provider.holdNext();
    const first = call({ paymentId, amount: 1250 });
    await Promise.race([hold.started, first]);

    const duplicate = await call({ paymentId, amount: 1250 }).finally(hold.release);

    expect(duplicate.statusCode).toBe(409);
    expect(Number(duplicate.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(json(duplicate)).toMatchObject({ type: 'urn:oncely:problem:in-progress', status: 409 });
    expect((await first).statusCode).toBe(201);
    expect(provider.attempts).toBe(1);
  });

  it('releases the lock when the provider fails, so the retry charges once', async () => {
    const { provider, call, paymentId } = setup();
    provider.failNext();

    const failed = await call({ paymentId, amount: 1250 });
    const retry = await call({ paymentId, amount: 1250 });
    const replay = await call({ paymentId, amount: 1250 });

    expect(failed.statusCode).toBe(500);
    expect(json(failed)).toMatchObject({ detail: expect.stringContaining('retry the same request') });
    expect(retry.statusCode).toBe(201);
    expect(replayed(retry)).toBe(false);
    expect(replayed(replay)).toBe(true);
    expect(provider.attempts).toBe(2);
    expect(provider.charges).toHaveLength(1);
  });

  it('rejects a body without paymentId with a 400 problem, before any DynamoDB request or charge', async () => {
    const { provider, call } = setup();
    const requestsBefore = dynamoRequests;

    const response = await call({ amount: 1250 });

    expect(response.statusCode).toBe(400);
    expect(json(response)).toMatchObject({
      type: 'urn:oncely:problem:bad-key',
      detail: expect.stringContaining('no usable idempotency key'),
    });
    expect(dynamoRequests - requestsBefore).toBe(0);
    expect(provider.attempts).toBe(0);
  });

  it('rejects an invalid amount with a 400 that is not stored, so the corrected request goes through', async () => {
    const { provider, call, paymentId } = setup();

    const invalid = await call({ paymentId, amount: -5 });
    const corrected = await call({ paymentId, amount: 500 });

    expect(invalid.statusCode).toBe(400);
    expect(json(invalid)).toMatchObject({ detail: 'amount must be a positive whole number of cents' });
    expect(corrected.statusCode).toBe(201);
    expect(replayed(corrected)).toBe(false);
    expect(provider.charges).toEqual([{ paymentId, amount: 500 }]);
  });

  it('answers malformed JSON with the body parser 422 before oncely takes a lock', async () => {
    const { provider, call } = setup();
    const requestsBefore = dynamoRequests;

    const response = await call('{"paymentId": "pay_1", "amount": ');

    expect(response.statusCode).toBe(422);
    expect(json(response)).toMatchObject({ detail: 'Invalid or malformed JSON was provided' });
    expect(dynamoRequests - requestsBefore).toBe(0);
    expect(provider.attempts).toBe(0);
  });
});
