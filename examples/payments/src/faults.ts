import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Decision, IdempotencyLogger } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { type FaultCounts, type FaultOutcome, localClientConfig, startFaultProxy } from '@oncely/dynamodb-local';
import { createCaptureHandler, RecordingProvider } from './handler.js';
import { capture, lambdaContext, outcome, type ScenarioRow, sleep, stepRecorder } from './steps.js';

/** The line `npm run demo -- --memory` prints instead of the fault steps. */
export const FAULTS_SKIPPED_IN_MEMORY =
  '2. Faults between Lambda and DynamoDB: skipped, they need DynamoDB Local behind a fault proxy (npm run demo, with Java 17+).';

const LEASE_MS = 600;
const REQUEST_TIMEOUT_MS = 500;
const LATE_BY_MS = 1500;

export interface FaultScenario {
  /** The rows, the last one the total. */
  rows: ScenarioRow[];
  /** What oncely logged (warnings and errors), per payment: `p-7: warn ×1 "Storing the result failed…"`. */
  logged: string[];
}

const faultWords: Partial<Record<FaultOutcome, string>> = {
  ambiguous: 'applied, then 500',
  fail: 'refused (500)',
  late: 'applied late',
  reset: 'applied, cut off',
  throttle: 'throttled',
  delay: 'delayed',
};

/** The faults injected between two tallies of the proxy: `PutItem applied, then 500 ×1`. */
const describeFaults = (before: FaultCounts, after: FaultCounts): string =>
  Object.entries(after.byOperation)
    .flatMap(([operation, outcomes]) =>
      Object.entries(faultWords).map(([fault, words]) => {
        const kind = fault as FaultOutcome;
        const count = (outcomes[kind] ?? 0) - (before.byOperation[operation]?.[kind] ?? 0);
        return count > 0 ? `${operation} ${words} ×${count}` : '';
      }),
    )
    .filter((text) => text !== '')
    .join(', ');

/**
 * Runs payments p-6 to p-9 through a fault proxy in front of DynamoDB Local (at `endpoint`, on
 * table `tableName`): a lock write applied but answered with a 500, a completion write that fails
 * past the SDK's retries, a call that outlives its lock (a zombie), and a lock write that lands
 * after its call completed. Every DynamoDB request is counted, SDK retries included.
 */
export const runFaultScenario = async (options: {
  endpoint: string;
  tableName: string;
  provider?: RecordingProvider;
}): Promise<FaultScenario> => {
  const { endpoint, tableName, provider = new RecordingProvider() } = options;
  const proxy = await startFaultProxy({ target: endpoint });
  let requests = 0;
  const counted = (client: DynamoDBClient) => {
    // Every HTTP request, SDK retries included: the middleware sits after the retry step.
    client.middlewareStack.add(
      (next) => (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'countDemoRequests' },
    );
    return new DynamoDBStore({ tableName, client });
  };
  // The SDK sends each request at most twice (the default is three times), so faults outlast it.
  const proxied = counted(new DynamoDBClient({ ...localClientConfig(proxy.endpoint), maxAttempts: 2 }));
  const direct = counted(new DynamoDBClient(localClientConfig(endpoint)));
  // Without throwOnRequestTimeout, recent SDKs only warn at requestTimeout and keep waiting.
  const impatient = counted(
    new DynamoDBClient({
      ...localClientConfig(proxy.endpoint),
      maxAttempts: 2,
      requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    }),
  );

  let payment = '';
  const logs = new Map<string, number>();
  const log = (level: string) => (message: string) => {
    const line = `${payment}: ${level} "${message}"`;
    logs.set(line, (logs.get(line) ?? 0) + 1);
  };
  const logger: IdempotencyLogger = { debug: () => {}, info: () => {}, warn: log('warn'), error: log('error') };
  const handler = createCaptureHandler(provider, { store: proxied, logger });
  const { step, finish } = stepRecorder(
    provider,
    () => requests,
    () => {
      const before = proxy.counts();
      return () => describeFaults(before, proxy.counts());
    },
  );

  try {
    payment = 'p-6';
    proxy.inject({ operations: 'PutItem', fault: 'ambiguous', times: 1 });
    await step('p-6: lock write, answer lost', () => outcome(handler(capture('p-6', 60), lambdaContext(30_000))));
    await step('replay of p-6', () => outcome(handler(capture('p-6', 60), lambdaContext(30_000))));

    payment = 'p-7';
    proxy.inject({ operations: 'UpdateItem', fault: 'fail', times: 3 });
    await step('p-7: result write fails 3×', () => outcome(handler(capture('p-7', 70), lambdaContext(30_000))));
    await step('replay of p-7', () => outcome(handler(capture('p-7', 70), lambdaContext(30_000))));

    // Call A holds a 600 ms lease, renewed while it runs; but it is cut off from DynamoDB (every
    // renewal fails) and its charge is slow, so the lease lapses while A still runs.
    payment = 'p-8';
    const decisionsOfA: Decision[] = [];
    const callA = createCaptureHandler(provider, {
      store: proxied,
      logger,
      lock: { durationMs: LEASE_MS },
      onDecision: ({ decision }) => decisionsOfA.push(decision),
    });
    const callB = createCaptureHandler(provider, { store: direct, logger });
    let answerOfA: Promise<string> = Promise.resolve('');
    const resumeA = provider.pauseNext();
    proxy.inject({ operations: 'UpdateItem', fault: 'fail' });
    await step(`p-8: A, ${LEASE_MS} ms lease, cut off`, async () => {
      const runsBefore = provider.attempts;
      answerOfA = outcome(callA(capture('p-8', 80), lambdaContext(30_000)));
      while (provider.attempts === runsBefore) await sleep(10);
      await sleep(LEASE_MS + 100);
      return 'no answer yet (still charging)';
    });
    await step("p-8: B, after A's lease lapsed", () => outcome(callB(capture('p-8', 80), lambdaContext(30_000))));
    proxy.clearFaults();
    await step('p-8: A reconnects, finishes', async () => {
      resumeA();
      const answer = await answerOfA;
      const refused = decisionsOfA.includes('lock-taken-over') ? '; its result write refused' : '';
      return `${answer}${refused}`;
    });
    await step('replay of p-8', () => outcome(callB(capture('p-8', 80), lambdaContext(30_000))));

    // The first copy of the lock write is held past the SDK's request timeout; the SDK sends it
    // again, that copy takes the lock, the call completes, and then the first copy lands.
    payment = 'p-9';
    const hurried = createCaptureHandler(provider, { store: impatient, logger });
    proxy.inject({ operations: 'PutItem', fault: 'late', delayMs: LATE_BY_MS, times: 1 });
    // The proxy counts a late request once DynamoDB has answered it: the step waits for that.
    await step(`p-9: lock write held ${LATE_BY_MS / 1000} s`, async () => {
      const answer = await outcome(hurried(capture('p-9', 90), lambdaContext(30_000)));
      const deadlineMs = Date.now() + LATE_BY_MS + 5_000;
      while ((proxy.counts().byOutcome.late ?? 0) === 0) {
        if (Date.now() > deadlineMs) throw new Error('The late lock write of p-9 never reached DynamoDB');
        await sleep(20);
      }
      return answer;
    });
    await step('replay of p-9, after it landed', () => outcome(hurried(capture('p-9', 90), lambdaContext(30_000))));

    return {
      rows: finish('p-6 … p-9'),
      logged: [...logs].map(([line, count]) => line.replace(': ', `: ${count} × `)),
    };
  } finally {
    for (const store of [proxied, direct, impatient]) store.client.destroy();
    await proxy.close();
  }
};
