import type { IdempotencyStore } from '@oncely/core';
import { createCaptureHandler, RecordingProvider } from './handler.js';
import { capture, lambdaContext, outcome, type ScenarioRow, sleep, stepRecorder, tally } from './steps.js';

export type { ScenarioRow } from './steps.js';
export { formatSection, formatTable } from './table.js';

/**
 * Drives the capture handler through first call, replay, concurrent duplicates, a failure and
 * its retry, a tampered replay, and a Lambda timeout with its recovery (payments p-1 to p-5).
 * `requestCount` reads how many store requests have been sent so far. The last row is the total.
 */
export const runScenario = async (
  store: IdempotencyStore,
  requestCount: () => number,
  provider = new RecordingProvider(),
): Promise<ScenarioRow[]> => {
  const handler = createCaptureHandler(provider, { store });
  const waiting = createCaptureHandler(provider, { store, whenInProgress: { waitMs: 10_000 } });
  const { step, finish } = stepRecorder(provider, requestCount);

  await step('first call (p-1, 100 EUR)', () => outcome(handler(capture('p-1', 100), lambdaContext(30_000))));
  await step('replay of p-1', () => outcome(handler(capture('p-1', 100), lambdaContext(30_000))));

  provider.delay(300);
  await step('20 concurrent duplicates, throw mode', async () =>
    tally(
      await Promise.all(Array.from({ length: 20 }, () => outcome(handler(capture('p-2', 20), lambdaContext(30_000))))),
    ),
  );
  await step('20 concurrent duplicates, wait mode', async () =>
    tally(
      await Promise.all(Array.from({ length: 20 }, () => outcome(waiting(capture('p-3', 30), lambdaContext(30_000))))),
    ),
  );
  provider.delay(0);

  provider.failNext();
  await step('provider fails on p-4', () => outcome(handler(capture('p-4', 40), lambdaContext(30_000))));
  await step('retry of p-4', () => outcome(handler(capture('p-4', 40), lambdaContext(30_000))));

  await step('replay of p-1 with 999 EUR', () => outcome(handler(capture('p-1', 999), lambdaContext(30_000))));

  // A Lambda that times out: its charge never returns, and it had 500 ms left when it took the lock.
  provider.pauseNext();
  await step('p-5 times out mid-charge', async () => {
    const runsBefore = provider.attempts;
    void handler(capture('p-5', 50), lambdaContext(500));
    // Until the frozen call is inside its handler, holding the lock.
    while (provider.attempts === runsBefore) await sleep(10);
    return 'no answer (Lambda timed out)';
  });
  await step('retry of p-5 at once', () => outcome(handler(capture('p-5', 50), lambdaContext(30_000))));
  await sleep(500);
  await step('retry of p-5 after the lock expired', () => outcome(handler(capture('p-5', 50), lambdaContext(30_000))));
  await step('replay of p-5', () => outcome(handler(capture('p-5', 50), lambdaContext(30_000))));

  return finish('p-1 … p-5');
};
