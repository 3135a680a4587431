export type { CreateIdempotencyTableOptions } from './createIdempotencyTable.js';
export { createIdempotencyTable } from './createIdempotencyTable.js';
export { DynamoDBStore } from './DynamoDBStore.js';
export type { AttributeNames, TableLayout } from './layout.js';
export { defaultAttributeNames } from './layout.js';
export type { DynamoDBStoreOptions, SortKeyOptions } from './options.js';
export { resolveStoreOptions } from './options.js';
export type { AppendResult, Decide, EventLogOptions, StoredEvent } from './patterns/EventLog.js';
export { EventLog } from './patterns/EventLog.js';
export type { CancellationReason } from './patterns/errors.js';
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
} from './patterns/errors.js';
export type { PutIfNewerOutcome, Version, VersionedWrite } from './patterns/putIfNewer.js';
export { putIfNewer } from './patterns/putIfNewer.js';
export type { ItemKey, WriteTarget } from './patterns/target.js';
export type { IdempotentTransaction } from './patterns/transactWriteOnce.js';
export { clientRequestTokenFor, transactWriteOnce } from './patterns/transactWriteOnce.js';
export type { ItemUpdate } from './patterns/updateExpression.js';
export type { UpdateOnceOutcome } from './patterns/updateOnce.js';
export { updateOnce } from './patterns/updateOnce.js';
export type {
  ApplyOnceStrategy,
  ApplyOnceUpdate,
  TokenItemStrategy,
  TokenSetStrategy,
} from './patterns/updateOnceInputs.js';
export { decodeRecord } from './recordCodec.js';
