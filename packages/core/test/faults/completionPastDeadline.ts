import type { IdempotencyStore } from '@oncely/core';
import { guardedCharge } from './charge';
import { lambdaContext, waitUntil } from './realTime';
import type { Figures } from './report';

/** The store a charge completes on, and the proxy's hold over its completion writes. */
export interface CompletionPastDeadlineSetup {
  /** The store the charge runs on, through a proxy told to fail every completion write. */
  proxied: IdempotencyStore;
  /** A store on the same records that bypasses the proxy. */
  direct: IdempotencyStore;
  /** How many completion writes the proxy failed so far. */
  failedCompletions: () => number;
  /** Lets the writes through again. */
  reconnect: () => void;
}

const REMAINING_MS = 1_500;

/**
 * The documented limit: a result that cannot be stored before the Lambda's deadline is lost,
 * and a retry after the lock's expiry runs the handler again. Fail the completion writes first;
 * this checks the first call still answers before the deadline and the retry runs again.
 */
export const expectRunAgainPastDeadline = async (
  { proxied, direct, failedCompletions, reconnect }: CompletionPastDeadlineSetup,
  report: (scenario: string, figures: Figures) => void,
): Promise<void> => {
  const { handler, runs, decisions } = guardedCharge(proxied, 'completion');
  const startedMs = Date.now();

  const first = await handler({ orderId: 'o-2' }, lambdaContext(REMAINING_MS));
  const answeredMs = Date.now() - startedMs;
  const failedWrites = failedCompletions();
  reconnect();
  const key = runs[0]?.key ?? '';
  await waitUntil(async () => ((await direct.get(key))?.lockedUntilMs ?? 0) < Date.now());
  const retry = await handler({ orderId: 'o-2' }, lambdaContext(10_000));

  report('completion failing past the Lambda deadline', {
    completionWritesFailed: failedWrites,
    firstAnsweredAfterMs: answeredMs,
    handlerRuns: runs.length,
    decisions: decisions.join('+'),
  });
  expect(first).toEqual({ charged: 'o-2', run: 1 });
  expect(answeredMs).toBeLessThan(REMAINING_MS);
  expect(retry).toEqual({ charged: 'o-2', run: 2 });
  expect(runs).toHaveLength(2);
};
