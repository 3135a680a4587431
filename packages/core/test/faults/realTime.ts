import type { LambdaContextLike } from '@oncely/core/engine';

// Fault scenarios run against real servers and real timeouts, so their clock is the real one.

/** A Lambda context whose remaining time counts down from `remainingMs` in real time. */
export const lambdaContext = (remainingMs = 30_000): LambdaContextLike & { awsRequestId: string } => {
  const deadlineMs = Date.now() + remainingMs;
  return {
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; fails after `timeoutMs`. */
export const waitUntil = async (check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> => {
  const deadlineMs = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadlineMs) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
};
