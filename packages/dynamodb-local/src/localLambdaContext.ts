import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/**
 * A Lambda `Context` for a local invocation: a fresh `awsRequestId`, and
 * `getRemainingTimeInMillis` counting down from `timeoutMs` (nothing stops the call when it
 * reaches 0). Idempotency wrappers read the remaining time to size their locks.
 *
 * @example
 * ```ts
 * await handler(event, localLambdaContext({ functionName: 'processor', timeoutMs: 30_000 }));
 * ```
 */
export const localLambdaContext = ({ functionName = 'local', timeoutMs = 60_000 } = {}): Context => {
  const deadlineMs = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '128',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
