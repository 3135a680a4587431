import { isIdempotencyError } from '@oncely/core';
import type { CaptureEvent, CaptureResult, RecordingProvider } from './handler.js';

/** One line of a demo table: what a step did, what its caller got, what it cost. */
export interface ScenarioRow {
  step: string;
  callerGot: string;
  /** How often the handler body started during the step. */
  handlerRuns: number;
  /** Store requests (DynamoDB requests, SDK retries included) sent during the step. */
  requests: number;
  /** The faults the proxy injected during the step, when it ran through one. */
  faults?: string;
}

/** The step name of the last row of a section: the sums of the rows above it. */
export const TOTAL = 'total';

export const capture = (paymentId: string, amount: number): CaptureEvent => ({
  body: { paymentId, amount, currency: 'EUR' },
});

/** A Lambda context whose remaining time counts down from `remainingMs` in real time. */
export const lambdaContext = (remainingMs: number) => {
  const deadlineMs = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()) };
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a caller sees, in a word: the status and charge, or the error's name. */
export const outcome = async (call: Promise<CaptureResult>): Promise<string> => {
  try {
    const result = await call;
    return `${result.statusCode} ${result.body.chargeId}`;
  } catch (error) {
    return isIdempotencyError(error) ? error.name : `error: ${(error as Error).message}`;
  }
};

/** `1 × 201 ch_2, 19 × IdempotencyAlreadyInProgressError` */
export const tally = (outcomes: string[]): string => {
  const counts = new Map<string, number>();
  for (const item of outcomes) counts.set(item, (counts.get(item) ?? 0) + 1);
  // Sorted, so the line reads the same whichever duplicate won: results (digits) before errors.
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([item, count]) => `${count} × ${item}`)
    .join(', ');
};

/**
 * Runs steps one after another and records a row for each: the handler runs read from the
 * provider's attempts, the requests from `requestCount` (and the faults from `faultsSince`).
 */
export const stepRecorder = (
  provider: RecordingProvider,
  requestCount: () => number,
  faultsSince?: () => () => string,
) => {
  const rows: ScenarioRow[] = [];
  const chargesBefore = provider.charges.length;
  const step = async (name: string, act: () => Promise<string>): Promise<void> => {
    const runsBefore = provider.attempts;
    const requestsBefore = requestCount();
    const faults = faultsSince?.();
    const callerGot = await act();
    rows.push({
      step: name,
      callerGot,
      handlerRuns: provider.attempts - runsBefore,
      requests: requestCount() - requestsBefore,
      ...(faults && { faults: faults() }),
    });
  };
  /** The rows, closed by a total row: the sums of the columns and the charges made. */
  const finish = (payments: string): ScenarioRow[] => {
    const charges = provider.charges.length - chargesBefore;
    return [
      ...rows,
      {
        step: TOTAL,
        callerGot: `${charges} charges, one per payment (${payments})`,
        handlerRuns: rows.reduce((sum, row) => sum + row.handlerRuns, 0),
        requests: rows.reduce((sum, row) => sum + row.requests, 0),
        ...(faultsSince && { faults: '' }),
      },
    ];
  };
  return { step, finish };
};
