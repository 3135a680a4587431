import { createHash, randomUUID } from 'node:crypto';
import { isDurableContext } from './lambdaContext.js';
import type { IdempotencyRecord } from './record.js';

/** What the engine knows of the durable execution an invocation belongs to. */
export interface DurableExecution {
  /** Starts the owner token of every lock an invocation of this execution takes. */
  readonly ownerPrefix: string;
  /** The invocation replays checkpointed operations of the execution (`'ReplayMode'`). */
  readonly replaying: boolean;
}

/**
 * The durable execution of an invocation context, when it is a durable execution context that
 * names its execution.
 *
 * @example
 * ```ts
 * durableExecutionOf(durableContext)?.replaying; // true on a replay invocation
 * ```
 */
export const durableExecutionOf = (context: unknown): DurableExecution | undefined => {
  if (!isDurableContext(context)) return undefined;
  const executionArn = context.executionContext?.durableExecutionArn;
  if (typeof executionArn !== 'string' || executionArn === '') return undefined;
  // A digest, not the ARN: fixed length, so no execution's prefix begins another's, and the
  // record does not carry the account and function name.
  const digest = createHash('sha256').update(executionArn).digest('base64url');
  return { ownerPrefix: `durable:${digest}:`, replaying: context.durableExecutionMode === 'ReplayMode' };
};

/**
 * An owner token for a lock taken by an invocation of `execution`: unique to the invocation, and
 * recognisable as the execution's by a later invocation of it.
 *
 * @example
 * ```ts
 * durableOwner(execution).startsWith(execution.ownerPrefix); // true
 * ```
 */
export const durableOwner = (execution: DurableExecution): string => `${execution.ownerPrefix}${randomUUID()}`;

/**
 * The owner of `record` when a replay invocation of `execution` may run over it: an INPROGRESS
 * lock taken by an earlier invocation of the same durable execution. A durable function suspends
 * by ending its invocation while the handler is pending, and the next invocation runs the handler
 * from the start over the lock the suspended one still holds; Powertools lets it run over any
 * record in replay mode, this only over the same execution's lock.
 *
 * @example
 * ```ts
 * const owner = continuedLockOwner(existing, execution); // undefined: not ours to continue
 * ```
 */
export const continuedLockOwner = (
  record: IdempotencyRecord,
  execution: DurableExecution | undefined,
): string | undefined => {
  if (execution === undefined || !execution.replaying || record.status !== 'INPROGRESS') return undefined;
  return record.owner?.startsWith(execution.ownerPrefix) ? record.owner : undefined;
};
