export { errorNamed, ReplayedError } from './cachedError.js';
export type { Decision, DecisionEvent, MetricsLike } from './decision.js';
export { metricsOnDecision } from './decision.js';
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
export { problemResponse } from './http.js';
export { InMemoryStore } from './InMemoryStore.js';
export { idempotent } from './idempotent.js';
export type { HashAlgorithm } from './key.js';
export type { IdempotencyLogger } from './logger.js';
export { silentLogger } from './logger.js';
export { makeIdempotent } from './makeIdempotent.js';
export type { IdempotencyOptions, KeyOption, LockOptions, WaitWhenInProgress } from './options.js';
export type { IdempotencyRecord, RecordStatus } from './record.js';
export type { Responses } from './responses.js';
export { httpResponses } from './responses.js';
export type { PayloadSelector } from './selector.js';
export type {
  AcquireResult,
  Completion,
  FencedOutcome,
  IdempotencyStore,
  LockRequest,
  StoreOperation,
} from './store.js';
export type { IdempotencyToken } from './token.js';
export { getIdempotencyToken } from './token.js';
