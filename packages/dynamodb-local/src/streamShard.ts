import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';

/**
 * How one delivery of a batch ended:
 * - `succeeded`: no `batchItemFailures`; the runner moves past the batch.
 * - `partial`: some records failed; the batch is delivered again from index `retryFrom`, the
 *   first failed record (Lambda's checkpoint is the lowest failed sequence number).
 * - `failed`: the handler threw, or answered an `itemIdentifier` that is not in the batch;
 *   the whole batch is delivered again.
 *
 * @example
 * ```ts
 * const outcome: InvocationOutcome = { status: 'partial', failedSequenceNumbers: ['300'], retryFrom: 2 };
 * ```
 */
export type InvocationOutcome =
  | { status: 'succeeded' }
  | { status: 'partial'; failedSequenceNumbers: string[]; retryFrom: number }
  | { status: 'failed'; error: unknown };

/** The reading position and the undelivered records of one shard. */
export interface ShardState {
  shardId: string;
  parentShardId: string | undefined;
  startAt: 'TRIM_HORIZON' | 'LATEST';
  iterator: string | undefined;
  /** The last record read, to take a new iterator after when one expires. */
  lastSequenceNumber: string | undefined;
  /** GetRecords answered without a next iterator: no record will follow. */
  closed: boolean;
  /** Closed and every record delivered: its children may start. */
  done: boolean;
  buffer: DynamoDBRecord[];
  retry: number;
  retryAtMs: number;
}

/**
 * Reads a handler's answer as Lambda does with `ReportBatchItemFailures`: no answer or an empty
 * `batchItemFailures` is a success; an identifier that names no record of the batch fails it whole.
 *
 * @example
 * ```ts
 * settleBatch(records, { batchItemFailures: [{ itemIdentifier: '300' }] }); // { status: 'partial', ... }
 * ```
 */
export const settleBatch = (batch: readonly DynamoDBRecord[], response: unknown): InvocationOutcome => {
  // Whatever else a handler returns (nothing, a string) is a success for Lambda too.
  const failures = (response as Partial<DynamoDBBatchResponse> | null | undefined)?.batchItemFailures ?? [];
  if (failures.length === 0) return { status: 'succeeded' };
  const positions = new Map(batch.map((record, index) => [record.dynamodb?.SequenceNumber, index]));
  const failedSequenceNumbers: string[] = [];
  let retryFrom = batch.length;
  for (const { itemIdentifier } of failures) {
    const index =
      typeof itemIdentifier === 'string' && itemIdentifier !== '' ? positions.get(itemIdentifier) : undefined;
    if (index === undefined) {
      const error = new Error(`batchItemFailures names ${JSON.stringify(itemIdentifier)}, not a record of the batch`);
      return { status: 'failed', error };
    }
    failedSequenceNumbers.push(itemIdentifier);
    retryFrom = Math.min(retryFrom, index);
  }
  return { status: 'partial', failedSequenceNumbers, retryFrom };
};
