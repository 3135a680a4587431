// `@oncely/core/engine`: what adapters (the Middy middleware, stores, the CLI) build on.
// Versioned in lockstep with the adapters; applications import `@oncely/core` instead.
export type { KeyOrder } from '../canonicalJson.js';
export { canonicalJson } from '../canonicalJson.js';
export type { Clock } from '../clock.js';
export { systemClock } from '../clock.js';
export type { EngineSetup, Start } from '../engine.js';
export { IdempotencyEngine } from '../engine.js';
export type { HeldLock } from '../heldLock.js';
export { hashValue, idempotencyKey, isMissingKey } from '../key.js';
export type { LambdaContextLike } from '../lambdaContext.js';
export { consoleLogger } from '../logger.js';
export { defaultKeyPrefix } from '../makeIdempotent.js';
export type { ResolvedOptions } from '../options.js';
export { canTakeOver, isCompleted, isLockExpired, isRecordExpired, parseRecordStatus } from '../record.js';
export { resolveOptions } from '../resolveOptions.js';
export { answerWith } from '../responses.js';
export { isDottedPath } from '../selector.js';
