import type { RecordingProvider } from '../src/handler.js';
import { type ScenarioRow, TOTAL } from '../src/steps.js';

// The demo's story, row by row: shared by the run on DynamoDB Local and the run in memory.

export const row = (rows: ScenarioRow[], step: string): ScenarioRow => {
  const found = rows.find((candidate) => candidate.step === step);
  if (!found) throw new Error(`no row ${step}`);
  return found;
};

/** The total row holds the sums of the rows above it, and it is the last row. */
export const expectTotals = (rows: ScenarioRow[]) => {
  const steps = rows.slice(0, -1);
  const total = rows.at(-1);

  expect(total?.step).toBe(TOTAL);
  expect(steps.map((line) => line.step)).not.toContain(TOTAL);
  expect(total?.handlerRuns).toBe(steps.reduce((sum, line) => sum + line.handlerRuns, 0));
  expect(total?.requests).toBe(steps.reduce((sum, line) => sum + line.requests, 0));
};

export const expectTheEverydayStory = (rows: ScenarioRow[], provider: RecordingProvider) => {
  expect(row(rows, 'first call (p-1, 100 EUR)')).toMatchObject({ callerGot: '201 ch_1', handlerRuns: 1 });
  expect(row(rows, 'replay of p-1')).toMatchObject({ callerGot: '201 ch_1', handlerRuns: 0 });
  expect(row(rows, '20 concurrent duplicates, throw mode')).toMatchObject({
    callerGot: '1 × 201 ch_2, 19 × IdempotencyAlreadyInProgressError',
    handlerRuns: 1,
  });
  expect(row(rows, '20 concurrent duplicates, wait mode')).toMatchObject({
    callerGot: '20 × 201 ch_3',
    handlerRuns: 1,
  });
  expect(row(rows, 'provider fails on p-4')).toMatchObject({
    callerGot: 'error: payment provider unavailable',
    handlerRuns: 1,
  });
  expect(row(rows, 'retry of p-4')).toMatchObject({ callerGot: '201 ch_4', handlerRuns: 1 });
  expect(row(rows, 'replay of p-1 with 999 EUR')).toMatchObject({
    callerGot: 'IdempotencyValidationError',
    handlerRuns: 0,
  });
  expect(row(rows, 'p-5 times out mid-charge')).toMatchObject({ handlerRuns: 1 });
  expect(row(rows, 'retry of p-5 at once')).toMatchObject({
    callerGot: 'IdempotencyAlreadyInProgressError',
    handlerRuns: 0,
  });
  expect(row(rows, 'retry of p-5 after the lock expired')).toMatchObject({ callerGot: '201 ch_5', handlerRuns: 1 });
  expect(row(rows, 'replay of p-5')).toMatchObject({ callerGot: '201 ch_5', handlerRuns: 0 });
  // 7 runs: 5 charges, the failed charge of p-4 and the frozen one of p-5.
  expect(row(rows, TOTAL)).toMatchObject({ callerGot: '5 charges, one per payment (p-1 … p-5)', handlerRuns: 7 });
  expect(provider.charges.map((charge) => charge.paymentId)).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
  expectTotals(rows);
};
