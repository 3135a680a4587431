import { type IdempotencyStore, isIdempotencyError } from '@oncely/core';
import { type CaptureEvent, createCaptureHandler, type PaymentProvider, RecordingProvider } from './handler.js';

/** One line of the demo's table. */
export interface ScenarioRow {
  step: string;
  callerGot: string;
  handlerRuns: number;
  requests: number;
}

const capture = (paymentId: string, amount: number): CaptureEvent => ({
  body: { paymentId, amount, currency: 'EUR' },
});

const lambdaContext = (remainingMs: number) => {
  const deadlineMs = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()) };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What a caller sees, in a word: the status and charge, or the error's name.
const outcome = async (call: Promise<{ statusCode: number; body: { chargeId: string } }>): Promise<string> => {
  try {
    const result = await call;
    return `${result.statusCode} ${result.body.chargeId}`;
  } catch (error) {
    return isIdempotencyError(error) ? error.name : `error: ${(error as Error).message}`;
  }
};

const tally = (outcomes: string[]): string => {
  const counts = new Map<string, number>();
  for (const item of outcomes) counts.set(item, (counts.get(item) ?? 0) + 1);
  // Sorted, so the line reads the same whichever duplicate won: results (digits) before errors.
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([item, count]) => `${count} × ${item}`)
    .join(', ');
};

/**
 * Drives the capture handler through first call, replay, concurrent duplicates, a failure and
 * its retry, a tampered replay, and a Lambda timeout with its recovery. `requestCount` reads
 * how many store requests have been sent so far.
 */
export const runScenario = async (store: IdempotencyStore, requestCount: () => number): Promise<ScenarioRow[]> => {
  const provider = new RecordingProvider();
  const handler = createCaptureHandler(provider, { store });
  const waiting = createCaptureHandler(provider, { store, whenInProgress: { wait: true, maxWaitMs: 10_000 } });
  const rows: ScenarioRow[] = [];

  const step = async (name: string, act: () => Promise<string>, source: { attempts: number } = provider) => {
    const runsBefore = source.attempts;
    const requestsBefore = requestCount();
    const callerGot = await act();
    rows.push({
      step: name,
      callerGot,
      handlerRuns: source.attempts - runsBefore,
      requests: requestCount() - requestsBefore,
    });
  };

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

  // A Lambda that times out: its handler never returns, and it had 500 ms left when it took the lock.
  const frozen: PaymentProvider & { attempts: number } = {
    attempts: 0,
    charge() {
      this.attempts += 1;
      return new Promise(() => {});
    },
  };
  const timingOut = createCaptureHandler(frozen, { store });
  await step(
    'p-5 times out mid-charge',
    async () => {
      void timingOut(capture('p-5', 50), lambdaContext(500));
      // Until the frozen call is inside its handler, holding the lock.
      while (frozen.attempts === 0) await sleep(10);
      return 'no answer (Lambda timed out)';
    },
    frozen,
  );
  await step('retry of p-5 at once', () => outcome(handler(capture('p-5', 50), lambdaContext(30_000))));
  await sleep(500);
  await step('retry of p-5 after the lock expired', () => outcome(handler(capture('p-5', 50), lambdaContext(30_000))));
  await step('replay of p-5', () => outcome(handler(capture('p-5', 50), lambdaContext(30_000))));

  rows.push({
    step: 'charges at the provider',
    callerGot: `${provider.charges.length} (one per payment: p-1, p-2, p-3, p-4, p-5)`,
    handlerRuns: provider.attempts,
    requests: requestCount(),
  });
  return rows;
};

/** The rows as an aligned text table. */
export const formatTable = (rows: ScenarioRow[], requestsTitle = 'store requests'): string => {
  const header = ['step', 'caller got', 'handler ran', requestsTitle];
  const cells = rows.map((row) => [row.step, row.callerGot, String(row.handlerRuns), String(row.requests)]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' │ ');
  return [line(header), widths.map((width) => '─'.repeat(width)).join('─┼─'), ...cells.map(line)].join('\n');
};
