import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import type { DuplicatesConfig } from './config.js';
import type { BenchHandler } from './contenders.js';
import { guardWithDynamoDB, type Library } from './dynamoContenders.js';
import { type BenchContext, lambdaContext } from './lambdaContext.js';
import type { LocalDynamoDB } from './localDynamoDB.js';
import { type OrderEvent, type OrderResult, orderEvents } from './payloads.js';
import { logRequests, type RequestLog } from './requestLog.js';
import type { Row } from './results.js';
import { median } from './stats.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How identical concurrent calls ended. */
interface Outcome {
  /** Callers that got the handler's result. */
  gotResult: number;
  /** Times the handler ran. */
  executions: number;
  /** Store requests of the callers that did not run the handler (all but the first call's lock write and completion), per caller. */
  requestsPerWaiter: number;
  /** Median time from the end of the first call's handler (its completion write follows) to each other caller's result. */
  medianDelayMs: number;
}

type Guard = (handler: BenchHandler<OrderEvent, OrderResult>) => {
  /** One guarded handler per caller (the same one for callers in one process). */
  handlerOf: (caller: number) => BenchHandler<OrderEvent, OrderResult>;
  logs: readonly RequestLog[];
};

const race = async (guard: Guard, label: string, config: DuplicatesConfig): Promise<Outcome> => {
  let executions = 0;
  let firstResult: OrderResult | undefined;
  let resultAtMs = Number.NaN;
  const handler = async (event: OrderEvent): Promise<OrderResult> => {
    executions++;
    await sleep(config.handlerMs);
    firstResult = { orderId: event.orderId, status: 'ACCEPTED', lines: [] };
    resultAtMs = performance.now();
    return firstResult;
  };
  const { handlerOf, logs } = guard(handler);
  const [event] = orderEvents(1, 1024, `duplicates-${label}`) as [OrderEvent];
  const answeredAtMs: number[] = [];
  const settled = await Promise.allSettled(
    Array.from({ length: config.callers }, async (_, caller) => {
      const result = await handlerOf(caller)(event, lambdaContext());
      // The caller that ran the handler gets its very object; the others get a stored copy.
      if (result !== firstResult) answeredAtMs.push(performance.now());
      return result;
    }),
  );
  const gotResult = settled.filter((s) => s.status === 'fulfilled' && s.value.orderId === event.orderId).length;
  const requests = logs.reduce((sum, log) => sum + log.length, 0);
  const waiters = Math.max(1, config.callers - executions);
  return {
    gotResult,
    executions,
    requestsPerWaiter: (requests - 2 * executions) / waiters,
    medianDelayMs: answeredAtMs.length > 0 ? median(answeredAtMs.map((atMs) => atMs - resultAtMs)) : Number.NaN,
  };
};

// Every caller through one wrapper on one client: concurrent duplicates in one process.
const oneProcess =
  (library: Library, local: LocalDynamoDB, wait: boolean): Guard =>
  (handler) => {
    const { handler: guarded, log } = guardWithDynamoDB(library, local, handler, { wait });
    return { handlerOf: () => guarded, logs: [log] };
  };

let containerRuns = 0;
// Every caller in a container of its own (its own client and wrapper, one key prefix): the usual
// case on Lambda, where one container runs one invocation at a time.
const ownContainers =
  (local: LocalDynamoDB, callers: number): Guard =>
  (handler) => {
    const keyPrefix = `duplicates.containers.${++containerRuns}`;
    const containers = Array.from({ length: callers }, () => {
      const client = local.client();
      const log = logRequests(client);
      const store = new DynamoDBStore({ tableName: local.tables.oncely, client });
      const guarded = makeIdempotent(handler, { store, keyPrefix, whenInProgress: { waitMs: 10_000 } });
      return { guarded: guarded as (event: OrderEvent, context: BenchContext) => Promise<OrderResult>, log };
    });
    return {
      handlerOf: (caller) => (containers[caller] as (typeof containers)[number]).guarded,
      logs: containers.map((container) => container.log),
    };
  };

/**
 * `callers` identical concurrent calls of a handler that takes `handlerMs`: how many callers get
 * the result, how often the handler runs, and in oncely's wait mode what waiting costs (store
 * requests per waiter) and how soon a waiter is answered after the result is stored. Measured
 * with every caller in one process (as this bench runs them), and with each caller in its own
 * container (as Lambda runs concurrent invocations). oncely throws for duplicates by default, or
 * waits for the first call's result with `whenInProgress: { waitMs }`; Powertools throws.
 *
 * @example
 * ```ts
 * const rows = await measureDuplicates(local, config.duplicates);
 * ```
 */
export const measureDuplicates = async (local: LocalDynamoDB, config: DuplicatesConfig): Promise<Row[]> => {
  const powertools = await race(oneProcess('Powertools', local, false), 'powertools', config);
  const oncelyThrow = await race(oneProcess('oncely', local, false), 'oncely-throw', config);
  const oncelyWait = await race(oneProcess('oncely', local, true), 'oncely-wait', config);
  const oncelyContainers = await race(ownContainers(local, config.callers), 'oncely-containers', config);
  const section = `Concurrent duplicates (${config.callers} identical calls, ${config.handlerMs} ms handler)`;
  const waiters = config.callers - 1;
  return [
    {
      section,
      metric: 'callers that get the result, oncely wait mode',
      unit: `of ${config.callers}`,
      oncely: oncelyWait.gotResult,
      powertools: powertools.gotResult,
      basis: 'measured',
      target: { text: `= ${config.callers}`, met: oncelyWait.gotResult === config.callers },
    },
    {
      section,
      metric: 'callers that get the result, oncely throw mode (default)',
      unit: `of ${config.callers}`,
      oncely: oncelyThrow.gotResult,
      powertools: powertools.gotResult,
      basis: 'measured',
    },
    {
      section,
      metric: 'handler executions (wait mode / throw mode / wait mode, a container per caller)',
      unit: 'runs',
      oncely: Math.max(oncelyWait.executions, oncelyThrow.executions, oncelyContainers.executions),
      powertools: powertools.executions,
      basis: 'measured',
      target: {
        text: '= 1',
        met: oncelyWait.executions === 1 && oncelyThrow.executions === 1 && oncelyContainers.executions === 1,
      },
    },
    {
      section,
      metric: `store requests per waiter, wait mode, callers in one process (${waiters} waiters share each read)`,
      unit: 'requests',
      oncely: round(oncelyWait.requestsPerWaiter, 2),
      powertools: undefined,
      basis: 'measured',
      target: { text: '<= 2', met: oncelyWait.requestsPerWaiter <= 2 },
    },
    {
      section,
      metric: 'median delay from the first call’s result to a waiter’s answer, callers in one process',
      unit: 'ms',
      oncely: round(oncelyWait.medianDelayMs, 1),
      powertools: undefined,
      basis: 'measured',
      target: { text: '<= 50', met: oncelyWait.medianDelayMs <= 50 },
    },
    {
      section,
      metric: 'store requests per waiter, wait mode, a container per caller (a lone waiter each)',
      unit: 'requests',
      oncely: round(oncelyContainers.requestsPerWaiter, 2),
      powertools: undefined,
      basis: 'measured',
    },
    {
      section,
      metric: 'median delay from the first call’s result to a waiter’s answer, a container per caller',
      unit: 'ms',
      oncely: round(oncelyContainers.medianDelayMs, 1),
      powertools: undefined,
      basis: 'measured',
    },
  ];
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
