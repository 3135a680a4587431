import type { DuplicatesConfig } from './config.js';
import { guardWithDynamoDB, type Library } from './dynamoContenders.js';
import { lambdaContext } from './lambdaContext.js';
import type { LocalDynamoDB } from './localDynamoDB.js';
import { type OrderEvent, type OrderResult, orderEvents } from './payloads.js';
import type { Row } from './results.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How identical concurrent calls ended. */
interface Outcome {
  /** Callers that got the handler's result. */
  gotResult: number;
  /** Times the handler ran. */
  executions: number;
}

const race = async (
  library: Library,
  wait: boolean,
  local: LocalDynamoDB,
  config: DuplicatesConfig,
): Promise<Outcome> => {
  let executions = 0;
  const handler = async (event: OrderEvent): Promise<OrderResult> => {
    executions++;
    await sleep(config.handlerMs);
    return { orderId: event.orderId, status: 'ACCEPTED', lines: [] };
  };
  const { handler: guarded } = guardWithDynamoDB(library, local, handler, { wait });
  const [event] = orderEvents(1, 1024, `duplicates-${library}-${wait}`) as [OrderEvent];
  const settled = await Promise.allSettled(
    Array.from({ length: config.callers }, () => guarded(event, lambdaContext())),
  );
  const gotResult = settled.filter((s) => s.status === 'fulfilled' && s.value.orderId === event.orderId).length;
  return { gotResult, executions };
};

/**
 * `callers` identical concurrent calls of a handler that takes `handlerMs`: how many callers get
 * the result, and how often the handler runs. oncely throws for duplicates by default, or waits
 * for the first call's result with `whenInProgress: { waitMs }`; Powertools throws.
 *
 * @example
 * ```ts
 * const rows = await measureDuplicates(local, config.duplicates);
 * ```
 */
export const measureDuplicates = async (local: LocalDynamoDB, config: DuplicatesConfig): Promise<Row[]> => {
  const powertools = await race('Powertools', false, local, config);
  const oncelyThrow = await race('oncely', false, local, config);
  const oncelyWait = await race('oncely', true, local, config);
  const section = `Concurrent duplicates (${config.callers} identical calls, ${config.handlerMs} ms handler)`;
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
      metric: 'handler executions (wait mode / throw mode)',
      unit: 'runs',
      oncely: Math.max(oncelyWait.executions, oncelyThrow.executions),
      powertools: powertools.executions,
      basis: 'measured',
      target: { text: '= 1', met: oncelyWait.executions === 1 && oncelyThrow.executions === 1 },
    },
  ];
};
