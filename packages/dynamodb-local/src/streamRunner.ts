import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localClientConfig } from './localClientConfig.js';
import { localLambdaContext } from './localLambdaContext.js';
import { toLambdaStreamRecord } from './streamRecord.js';
import { type InvocationOutcome, type ShardState, settleBatch } from './streamShard.js';

/**
 * A Lambda handler for DynamoDB Streams: it resolves to a `DynamoDBBatchResponse` to report
 * failed records (`ReportBatchItemFailures`); anything else, nothing included, is a success.
 */
export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => unknown;

/**
 * Options of {@link StreamRunner}. Give `endpoint` (the runner makes and destroys its client)
 * or `client` (yours to destroy).
 *
 * @example
 * ```ts
 * new StreamRunner({ endpoint: localEndpoint(), streamArn, handler, batchSize: 10 });
 * ```
 */
export interface StreamRunnerOptions {
  streamArn: string;
  handler: StreamHandler;
  endpoint?: string;
  client?: DynamoDBStreamsClient;
  /** Records per invocation at most. Default 100, Lambda's default for DynamoDB Streams. */
  batchSize?: number;
  /** Pause between polls of a stream with nothing new. Default 50. */
  pollIntervalMs?: number;
  /** Pause before a failed batch is delivered again. Default 100. */
  retryDelayMs?: number;
  /** Retries of a failed batch before its records are discarded. Default: unlimited, as Lambda's -1. */
  maxRetryAttempts?: number;
  /** Where reading starts on the shards open at the first poll. Default `TRIM_HORIZON`. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** `functionName` and `timeoutMs` of the Lambda context each invocation gets. */
  context?: { functionName?: string; timeoutMs?: number };
  /** Called after each invocation, with its event and outcome. */
  onInvoke?: (invocation: StreamInvocation) => void;
  /** Called with records dropped after `maxRetryAttempts`. */
  onDiscard?: (records: DynamoDBRecord[], shardId: string) => void;
}

/**
 * One delivery of a batch to the handler.
 *
 * @example
 * ```ts
 * const invocations: StreamInvocation[] = [];
 * new StreamRunner({ ..., onInvoke: (invocation) => invocations.push(invocation) });
 * ```
 */
export interface StreamInvocation {
  shardId: string;
  event: DynamoDBStreamEvent;
  /** 0 for a first delivery, then 1, 2, ... while the batch head keeps failing. */
  retry: number;
  outcome: InvocationOutcome;
}

interface Waiter {
  afterPass: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const DESCRIBE_INTERVAL_MS = 1_000;

/**
 * Polls a DynamoDB stream (on DynamoDB Local, or anywhere `DynamoDBStreamsClient` reaches) and
 * invokes a Lambda-style handler with `DynamoDBStreamEvent` batches, shard by shard, in order,
 * parents before children, as Lambda's event source mapping does. `batchItemFailures` is
 * honoured as with `ReportBatchItemFailures`: the batch is delivered again from its first failed
 * record; a thrown error delivers the whole batch again. A test utility, not a production poller.
 *
 * @example
 * ```ts
 * const runner = new StreamRunner({ endpoint: localEndpoint(), streamArn, handler });
 * runner.start();
 * await putItems();
 * await runner.waitUntilIdle(); // every record so far has been handled
 * await runner.stop(); // no timers, no open client left
 * ```
 */
export class StreamRunner {
  readonly #options: StreamRunnerOptions;
  readonly #client: DynamoDBStreamsClient;
  readonly #ownsClient: boolean;
  readonly #shards = new Map<string, ShardState>();
  #describedAtMs = Number.NEGATIVE_INFINITY;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #passesStarted = 0;
  #waiters = new Set<Waiter>();
  #lastError: unknown;

  constructor(options: StreamRunnerOptions) {
    if ((options.endpoint === undefined) === (options.client === undefined)) {
      throw new Error('StreamRunner needs either `endpoint` or `client`, not both');
    }
    const batchSize = options.batchSize ?? 100;
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000)) {
      throw new Error(`StreamRunner batchSize must be an integer from 1 to 10000, got ${batchSize}`);
    }
    this.#options = options;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new DynamoDBStreamsClient(localClientConfig(options.endpoint ?? ''));
  }

  /** Starts polling; a second call while running does nothing. A stopped runner stays stopped. */
  start(): void {
    if (this.#stopped !== undefined) throw new Error('StreamRunner was stopped; make a new one');
    this.#loop ??= this.#run();
  }

  /**
   * Stops polling, lets a running invocation finish, rejects pending `waitUntilIdle` calls and
   * destroys the client the runner made. Leaves no timer behind; safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #shutdown(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#sleepTimer);
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    for (const waiter of this.#waiters) waiter.reject(new Error('StreamRunner stopped before it was idle'));
    this.#waiters.clear();
    if (this.#ownsClient) this.#client.destroy();
  }

  /**
   * Resolves after a full poll that started after this call found nothing to deliver and no
   * batch waiting for a retry: every record written before the call has been handled.
   */
  waitUntilIdle({ timeoutMs = 10_000 } = {}): Promise<void> {
    if (this.#loop === undefined || this.#stopping) return Promise.reject(new Error('StreamRunner is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const last = this.#lastError === undefined ? '' : `; last error: ${String(this.#lastError)}`;
        reject(new Error(`StreamRunner was not idle within ${timeoutMs} ms${last}`));
      }, timeoutMs);
      const waiter: Waiter = {
        afterPass: this.#passesStarted,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      const pass = ++this.#passesStarted;
      let idle = false;
      let delivered = false;
      try {
        ({ idle, delivered } = await this.#pass());
      } catch (error) {
        this.#lastError = error;
      }
      if (idle) {
        for (const waiter of this.#waiters) {
          if (waiter.afterPass >= pass) continue;
          this.#waiters.delete(waiter);
          waiter.resolve();
        }
      }
      if (!delivered) await this.#sleep(this.#options.pollIntervalMs ?? 50);
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#sleepTimer = setTimeout(resolve, ms);
    });
  }

  async #pass(): Promise<{ idle: boolean; delivered: boolean }> {
    const nowMs = Date.now();
    if (nowMs - this.#describedAtMs >= DESCRIBE_INTERVAL_MS) await this.#describe(nowMs);
    let idle = true;
    let delivered = false;
    for (const shard of this.#shards.values()) {
      if (this.#stopping) break;
      if (shard.done || !this.#parentDone(shard)) continue;
      if (Date.now() < shard.retryAtMs) {
        idle = false;
        continue;
      }
      await this.#fill(shard);
      if (shard.buffer.length === 0) {
        // A shard that just finished lets its children start on the next pass.
        if (shard.closed) {
          shard.done = true;
          idle = false;
        }
        continue;
      }
      idle = false;
      delivered = true;
      await this.#deliver(shard);
    }
    return { idle, delivered };
  }

  #parentDone(shard: ShardState): boolean {
    const parent = shard.parentShardId === undefined ? undefined : this.#shards.get(shard.parentShardId);
    return parent === undefined || parent.done;
  }

  async #describe(nowMs: number): Promise<void> {
    const firstTime = this.#shards.size === 0;
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.#client.send(
        new DescribeStreamCommand({ StreamArn: this.#options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      for (const { ShardId, ParentShardId } of StreamDescription?.Shards ?? []) {
        if (ShardId === undefined || this.#shards.has(ShardId)) continue;
        this.#shards.set(ShardId, {
          shardId: ShardId,
          parentShardId: ParentShardId,
          startAt: firstTime ? (this.#options.startingPosition ?? 'TRIM_HORIZON') : 'TRIM_HORIZON',
          iterator: undefined,
          lastSequenceNumber: undefined,
          closed: false,
          done: false,
          buffer: [],
          retry: 0,
          retryAtMs: 0,
        });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    this.#describedAtMs = nowMs;
  }

  // One GetRecords per pass tops the buffer up; a failed batch is retried with what follows it.
  async #fill(shard: ShardState): Promise<void> {
    const batchSize = this.#options.batchSize ?? 100;
    if (shard.closed || shard.buffer.length >= batchSize) return;
    shard.iterator ??= await this.#iterator(shard);
    try {
      const { Records = [], NextShardIterator } = await this.#client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: batchSize - shard.buffer.length }),
      );
      for (const record of Records) shard.buffer.push(toLambdaStreamRecord(record, this.#options.streamArn));
      shard.lastSequenceNumber = Records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequenceNumber;
      shard.iterator = NextShardIterator;
      shard.closed = NextShardIterator === undefined;
    } catch (error) {
      // Iterators live 15 minutes; take a new one after the last record read.
      if (!(error instanceof ExpiredIteratorException)) throw error;
      shard.iterator = undefined;
    }
  }

  async #iterator(shard: ShardState): Promise<string | undefined> {
    const { ShardIterator } = await this.#client.send(
      new GetShardIteratorCommand({
        StreamArn: this.#options.streamArn,
        ShardId: shard.shardId,
        ...(shard.lastSequenceNumber === undefined
          ? { ShardIteratorType: shard.startAt }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequenceNumber }),
      }),
    );
    return ShardIterator;
  }

  async #deliver(shard: ShardState): Promise<void> {
    const batch = shard.buffer.slice(0, this.#options.batchSize ?? 100);
    const event: DynamoDBStreamEvent = { Records: batch };
    let outcome: InvocationOutcome;
    try {
      const response = await this.#options.handler(event, localLambdaContext(this.#options.context));
      outcome = settleBatch(batch, response);
    } catch (error) {
      outcome = { status: 'failed', error };
    }
    this.#options.onInvoke?.({ shardId: shard.shardId, event, retry: shard.retry, outcome });
    if (outcome.status === 'succeeded') {
      shard.buffer.splice(0, batch.length);
      shard.retry = 0;
      return;
    }
    const retryFrom = outcome.status === 'partial' ? outcome.retryFrom : 0;
    shard.buffer.splice(0, retryFrom);
    if (shard.retry >= (this.#options.maxRetryAttempts ?? Number.POSITIVE_INFINITY)) {
      this.#options.onDiscard?.(shard.buffer.splice(0, batch.length - retryFrom), shard.shardId);
      shard.retry = 0;
      return;
    }
    shard.retry++;
    shard.retryAtMs = Date.now() + (this.#options.retryDelayMs ?? 100);
  }
}
