import { randomUUID } from 'node:crypto';

/** The fields of a Lambda context that the two libraries read, plus the usual identity fields. */
export interface BenchContext {
  functionName: string;
  functionVersion: string;
  awsRequestId: string;
  memoryLimitInMB: string;
  getRemainingTimeInMillis(): number;
}

/**
 * A Lambda context with 30 s left, the same for both libraries (both size their lock by it).
 *
 * @example
 * ```ts
 * await handler(event, lambdaContext());
 * ```
 */
export const lambdaContext = (): BenchContext => ({
  functionName: 'bench',
  functionVersion: '$LATEST',
  awsRequestId: randomUUID(),
  memoryLimitInMB: '1024',
  getRemainingTimeInMillis: () => 30_000,
});
