export { ReplayedError } from './cachedError.js';
export type { KeyOrder } from './canonicalJson.js';
export { canonicalJson } from './canonicalJson.js';
export type { Decision, DecisionEvent, MetricsLike } from './decision.js';
export { metricsOnDecision } from './decision.js';
export type { HeldLock, Start } from './engine.js';
export { IdempotencyEngine } from './engine.js';
export {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfigError,
  IdempotencyError,
  IdempotencyKeyError,
  IdempotencyPersistenceError,
  IdempotencyResultNotStoredError,
  IdempotencyValidationError,
  isIdempotencyError,
} from './errors.js';
export type { HttpResponse } from './http.js';
export { markReplayed, problemResponse, readKeyHeader } from './http.js';
export { InMemoryStore } from './InMemoryStore.js';
export { idempotent } from './idempotent.js';
export type { HashAlgorithm } from './key.js';
export { hashValue, idempotencyKey, isMissingKey } from './key.js';
export type { LambdaContextLike } from './lambdaContext.js';
export { findLambdaContext } from './lambdaContext.js';
export type { LeaseOptions } from './lease.js';
export type { CachedResult } from './localCache.js';
export { LocalCache } from './localCache.js';
export type { IdempotencyLogger } from './logger.js';
export { consoleLogger, silentLogger } from './logger.js';
export { defaultKeyPrefix, makeIdempotent } from './makeIdempotent.js';
export type { IdempotencyOptions, ResolvedOptions, WaitWhenInProgress } from './options.js';
export { resolveOptions } from './options.js';
export type { IdempotencyRecord, RecordStatus } from './record.js';
export { canTakeOver, isCompleted, isLockExpired, isRecordExpired } from './record.js';
export { decodeResult, encodeResult } from './result.js';
export type { AcquireResult, Completion, FencedOutcome, IdempotencyStore, LockRequest } from './store.js';
export type { IdempotencyToken } from './token.js';
export { getIdempotencyToken } from './token.js';
