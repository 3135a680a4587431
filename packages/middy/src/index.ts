export { cleanupIdempotency, idempotency } from './idempotency.js';
