// `@oncely/dynamodb/patterns`: exactly-once writes to your own DynamoDB tables, without an
// idempotency key or a lock. Apart from the store's entry, so a store-only bundle never loads them.
export type { AppendResult, Decide, EventLogOptions, StoredEvent } from './EventLog.js';
export { EventLog } from './EventLog.js';
export type { CancellationReason } from './errors.js';
export {
  ClientRequestTokenMismatchError,
  ConditionFailedError,
  EventConflictError,
  isWritePatternError,
  TokenSetFullError,
  TransactionCanceledError,
  TransitionRejectedError,
  UnexpectedItemError,
  WriteFailedError,
  WritePatternError,
  WritePatternUsageError,
} from './errors.js';
export type { PutIfNewerOutcome, Version, VersionedWrite } from './putIfNewer.js';
export { putIfNewer } from './putIfNewer.js';
export type { ItemKey, WriteTarget } from './target.js';
export type { IdempotentTransaction } from './transactWriteOnce.js';
export { clientRequestTokenFor, transactWriteOnce } from './transactWriteOnce.js';
export type { ItemUpdate } from './updateExpression.js';
export type { UpdateOnceOutcome } from './updateOnce.js';
export { updateOnce } from './updateOnce.js';
export type {
  ApplyOnceStrategy,
  ApplyOnceUpdate,
  TokenItemStrategy,
  TokenSetStrategy,
} from './updateOnceInputs.js';
