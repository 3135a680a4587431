import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  createTestTable,
  type DynamoDBLocal,
  localClientConfig,
  type StreamHandler,
  type StreamInvocation,
  StreamRunner,
  type StreamRunnerOptions,
  startDynamoDBLocal,
} from '@oncely/dynamodb-local';
import type { DynamoDBRecord } from 'aws-lambda';

// This project has no global setup: the file starts its own DynamoDB Local.
let dynamodb: DynamoDBLocal;
let client: DynamoDBClient;

beforeAll(async () => {
  dynamodb = await startDynamoDBLocal();
  client = new DynamoDBClient(localClientConfig(dynamodb.endpoint));
});

afterAll(async () => {
  client.destroy();
  await dynamodb.stop();
});

const runners: StreamRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

/**
 * A table with a stream, its runner and every invocation the runner made. Tests write first
 * and start the runner after, so each batch holds what they wrote.
 */
const streamedTable = async (handler: StreamHandler, options: Partial<StreamRunnerOptions> = {}) => {
  const { tableName, streamArn = '' } = await createTestTable(client, { stream: true });
  const invocations: StreamInvocation[] = [];
  const runner = new StreamRunner({
    endpoint: dynamodb.endpoint,
    streamArn,
    handler,
    retryDelayMs: 10,
    pollIntervalMs: 10,
    onInvoke: (invocation) => invocations.push(invocation),
    ...options,
  });
  runners.push(runner);
  const put = (id: string) => client.send(new PutItemCommand({ TableName: tableName, Item: { id: { S: id } } }));
  const putAll = async (ids: string[]) => {
    for (const id of ids) await put(id);
  };
  return { tableName, streamArn, runner, invocations, put, putAll };
};

const idOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.id?.S;
const idsOf = (invocation: StreamInvocation) => invocation.event.Records.map(idOf);

describe('StreamRunner', () => {
  it('delivers inserts, updates and removes in order, shaped as Lambda delivers them', async () => {
    const seen: DynamoDBRecord[] = [];
    const { tableName, streamArn, runner } = await streamedTable((event) => {
      seen.push(...event.Records);
    });
    runner.start();

    await client.send(
      new PutItemCommand({ TableName: tableName, Item: { id: { S: 'a' }, blob: { B: Uint8Array.of(1, 2, 3) } } }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { id: { S: 'a' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '7' } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: { id: { S: 'a' } } }));
    await runner.waitUntilIdle();

    expect(seen.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify] = seen;
    expect(insert).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventSourceARN: streamArn,
      dynamodb: { Keys: { id: { S: 'a' } }, NewImage: { blob: { B: 'AQID' } }, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(typeof insert?.dynamodb?.ApproximateCreationDateTime).toBe('number');
    expect(modify?.dynamodb).toMatchObject({ OldImage: { id: { S: 'a' } }, NewImage: { n: { N: '7' } } });
  });

  it('delivers at most batchSize records per invocation', async () => {
    const { runner, invocations, putAll } = await streamedTable(() => undefined, { batchSize: 2 });

    await putAll(['a', 'b', 'c', 'd', 'e']);
    runner.start();
    await runner.waitUntilIdle();

    expect(invocations.flatMap(idsOf)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Math.max(...invocations.map((invocation) => invocation.event.Records.length))).toBe(2);
  });

  it('delivers a batch again from its first failed record when batchItemFailures names it', async () => {
    const failOnce = new Set(['c', 'e']);
    const { runner, invocations, putAll } = await streamedTable(async (event) => {
      const failed = event.Records.filter((record) => failOnce.delete(idOf(record) ?? ''));
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' })) };
    });

    await putAll(['a', 'b', 'c', 'd', 'e']);
    runner.start();
    await runner.waitUntilIdle();

    expect(invocations.map(idsOf)).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['c', 'd', 'e'],
    ]);
    expect(invocations.map(({ outcome, retry }) => [outcome.status, retry])).toEqual([
      ['partial', 0],
      ['succeeded', 1],
    ]);
  });

  it('delivers the whole batch again while the handler throws', async () => {
    let failuresLeft = 2;
    const { runner, invocations, putAll } = await streamedTable(() => {
      if (failuresLeft-- > 0) throw new Error('downstream is down');
    });

    await putAll(['a', 'b']);
    runner.start();
    await runner.waitUntilIdle();

    expect(invocations.map(idsOf)).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(invocations.map(({ outcome }) => outcome.status)).toEqual(['failed', 'failed', 'succeeded']);
  });

  it('fails the whole batch when batchItemFailures names a record it does not hold', async () => {
    let answered = false;
    const { runner, invocations, put } = await streamedTable(() => {
      if (answered) return;
      answered = true;
      return { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] };
    });

    await put('a');
    runner.start();
    await runner.waitUntilIdle();

    expect(invocations.map(({ outcome }) => outcome.status)).toEqual(['failed', 'succeeded']);
    expect(invocations.map(idsOf)).toEqual([['a'], ['a']]);
  });

  it('discards a batch after maxRetryAttempts and moves on', async () => {
    const discarded: string[] = [];
    const { runner, invocations, put } = await streamedTable(
      (event) => {
        if (event.Records.some((record) => idOf(record) === 'poison')) throw new Error('cannot handle it');
      },
      {
        maxRetryAttempts: 2,
        batchSize: 1,
        onDiscard: (records) => discarded.push(...records.map((r) => idOf(r) ?? '')),
      },
    );

    await put('poison');
    await put('fine');
    runner.start();
    await runner.waitUntilIdle();

    expect(invocations.map(idsOf)).toEqual([['poison'], ['poison'], ['poison'], ['fine']]);
    expect(discarded).toEqual(['poison']);
  });

  it('reports a runner that never gets idle instead of waiting forever', async () => {
    const { runner, put } = await streamedTable(() => {
      throw new Error('always');
    });

    await put('a');
    runner.start();

    await expect(runner.waitUntilIdle({ timeoutMs: 300 })).rejects.toThrow('not idle within 300 ms');
  });

  it('stops for good: waiting rejects and it cannot be started again', async () => {
    const { runner } = await streamedTable(() => undefined);
    runner.start();

    await runner.stop();

    await expect(runner.waitUntilIdle()).rejects.toThrow('not running');
    expect(() => runner.start()).toThrow('stopped');
    await expect(runner.stop()).resolves.toBeUndefined();
  });
});
