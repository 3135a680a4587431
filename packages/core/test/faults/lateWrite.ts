import type { IdempotencyStore } from '@oncely/core';
import { guardedCharge } from './charge';
import { lambdaContext, sleep, waitUntil } from './realTime';
import type { Figures } from './report';

/** Where a late write is sent from and read back, and how to tell it has landed. */
export interface LateWriteSetup {
  /** The store the charge runs on, through a proxy told to hold one write back. */
  proxied: IdempotencyStore;
  /** A store on the same records that bypasses the proxy. */
  direct: IdempotencyStore;
  /** Whether the proxy has forwarded the held write by now. */
  landed: () => boolean;
  /** The Lambda's remaining time at the first call: the lock ends there. */
  remainingMs: number;
}

/**
 * Timeline of a write that reaches the store after its caller gave up on it: the first call
 * completes (its client retried the write), the held copy lands, then a replay, and another
 * once the first call's lock would have ended. Inject the `late` fault before calling.
 */
export const runLateWrite = async ({ proxied, direct, landed, remainingMs }: LateWriteSetup) => {
  const charge = guardedCharge(proxied, 'late');
  const orderId = `order-${Math.random().toString(36).slice(2)}`;
  const startedMs = Date.now();

  const first = await charge.handler({ orderId }, lambdaContext(remainingMs));
  const completedAfterMs = Date.now() - startedMs;
  await waitUntil(landed);
  const afterLanding = await direct.get(charge.runs[0]?.key ?? '');
  const replay = await charge.handler({ orderId }, lambdaContext()).catch((error: unknown) => error);
  await sleep(Math.max(0, startedMs + remainingMs + 200 - Date.now()));
  const replayAfterLockEnd = await charge.handler({ orderId }, lambdaContext()).catch((error: unknown) => error);
  return { charge, orderId, first, completedAfterMs, afterLanding, replay, replayAfterLockEnd };
};

type LateWrite = Awaited<ReturnType<typeof runLateWrite>>;

/** The figures of a late write's summary line; `requests` as the proxy counted them. */
export const lateWriteFigures = (late: LateWrite, requests: string): Figures => ({
  completedAfterMs: late.completedAfterMs,
  recordAfterLanding: late.afterLanding?.status ?? 'missing',
  replay: late.replay instanceof Error ? late.replay.name : 'result',
  handlerRuns: late.charge.runs.length,
  requests,
});
