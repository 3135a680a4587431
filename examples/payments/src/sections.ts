import type { IdempotencyStore } from '@oncely/core';
import { FAULTS_SKIPPED_IN_MEMORY, runFaultScenario } from './faults.js';
import { RecordingProvider } from './handler.js';
import { inspectSection } from './inspectSection.js';
import { runScenario } from './scenario.js';
import { formatSection } from './table.js';

const EVERYDAY = '1. What a Lambda meets every day: replays, duplicates, a failure, a timeout';

// Why each fault step ends as it does.
const FAULT_NOTES = [
  "p-6  the SDK's second lock write met the first one's record; it names this call's owner, so it is this call's",
  '     lock (a bare "key is free" condition would refuse it: in progress, stuck until the lock ends)',
  "p-7  oncely retried the result write within the lock, past the SDK's 2 attempts; the replay found the result",
  'p-8  the handler ran twice: a cut-off call looks dead, so B took the lapsed lease. The charge carried the',
  "     idempotency key, so the provider charged once; A's result write was fenced off, B's record stays",
  "p-9  the late copy met a completed record: a record is its owner's lock only while in progress (admitted, it",
  '     would wipe the result: replays would get "in progress", then run the handler again)',
];

/**
 * The demo's output on DynamoDB Local: the everyday steps on `store`, the fault steps, then p-1's
 * record as `oncely inspect` shows it (the CLI reads the table; the in-memory demo has no such section).
 */
export const dynamoDBSections = async (
  store: IdempotencyStore,
  requestCount: () => number,
  local: { endpoint: string; tableName: string },
): Promise<string> => {
  const provider = new RecordingProvider();
  const everyday = await runScenario(store, requestCount, provider);
  const faults = await runFaultScenario({ ...local, provider });
  return [
    formatSection({ title: EVERYDAY, rows: everyday, requestsTitle: 'DynamoDB requests' }),
    formatSection({
      title: '2. Faults between Lambda and DynamoDB, injected by a proxy in front of DynamoDB Local',
      intro: ['   The SDK sends each request at most twice here; the faults outlast or fool its retries.'],
      rows: faults.rows,
      requestsTitle: 'DynamoDB requests',
      notes: [...FAULT_NOTES, '', 'What oncely logged:', ...faults.logged.map((line) => `  ${line}`)],
    }),
    await inspectSection(local),
  ].join('\n');
};

/** The demo's output in memory: the everyday steps, and one line on why the fault steps are left out. */
export const memorySections = async (store: IdempotencyStore, requestCount: () => number): Promise<string> =>
  [
    formatSection({ title: EVERYDAY, rows: await runScenario(store, requestCount), requestsTitle: 'store requests' }),
    FAULTS_SKIPPED_IN_MEMORY,
  ].join('\n');
