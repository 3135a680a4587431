import {
  getIdempotencyToken,
  IdempotencyAlreadyInProgressError,
  type IdempotencyStore,
  makeIdempotent,
} from '@oncely/core';
import { lambdaContext, sleep } from './realTime';
import type { Figures } from './report';

/** How hard a soak drives the store. */
export interface SoakPlan {
  payloads: number;
  /** Deliveries of each payload (a client retry, an SQS redelivery), in a seeded shuffle. */
  duplicates: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  /** Redeliveries of a delivery that failed, each after a doubling delay. */
  redeliveries: number;
  redeliveryDelayMs: number;
  /** The Lambda's timeout: a lock left behind frees itself at its deadline. */
  lambdaTimeoutMs: number;
  /** Seeded: the shuffle and the handler's own duration. */
  random: () => number;
}

/** The store under test, as the soak sees it. */
export interface SoakStores {
  /** The store the handler runs on, through the injected faults. */
  store: IdempotencyStore;
  /** A store on the same records that bypasses the faults. */
  direct: IdempotencyStore;
  /** Every record the soak left behind (whoever wrote it) that is not COMPLETED. */
  stuckKeys: () => Promise<string[]>;
  /** Called once every delivery has ended, before the records are read. */
  afterDeliveries?: () => void;
}

/** What the proxy did, read once every delivery has ended. */
export interface SoakFaults {
  /** Figures of the summary line: `requests` and the faults injected. */
  figures: () => Figures;
  /** The requests per operation and outcome, on a line of their own. */
  byOperation: () => string;
}

const expected = (id: number) => ({ id, total: id * 2 });

/**
 * Delivers every payload `duplicates` times through `makeIdempotent` on `stores.store`, keeps a
 * ledger of the handler's runs, then checks, on records read past the faults: no payload ran
 * twice, none was lost, every one is COMPLETED with its own result, and no key is left stuck.
 * Prints `[faults] ... soak: ...` and `... soak requests: ...` with `report`.
 *
 * @example
 * ```ts
 * proxy.inject({ operations: WRITES, fault: 'ambiguous', probability: 0.08 });
 * await runSoak(plan, { store, direct, stuckKeys }, faults, faultReporter('redis'));
 * ```
 */
export const runSoak = async (
  plan: SoakPlan,
  stores: SoakStores,
  faults: SoakFaults,
  report: (scenario: string, figures: Figures) => void,
): Promise<void> => {
  const { random } = plan;
  const executions = new Map<number, number>();
  const keys = new Map<number, string>();
  const handler = makeIdempotent(
    async (event: { id: number }, context: object) => {
      executions.set(event.id, (executions.get(event.id) ?? 0) + 1);
      keys.set(event.id, getIdempotencyToken(context)?.key ?? '');
      await sleep(Math.floor(random() * 5));
      return expected(event.id);
    },
    { store: stores.store, key: 'id', keyPrefix: 'soak' },
  );
  const ids = Array.from({ length: plan.payloads }, (_, id) => id);
  const deliveries = shuffled(
    ids.flatMap((id) => Array<number>(plan.duplicates).fill(id)),
    random,
  );
  const figures = { deliveries: deliveries.length, conflicts: 0, errors: 0, redeliveries: 0, lostDeliveries: 0 };
  const wrongResults: number[] = [];
  const startedMs = Date.now();

  const deliver = async (id: number): Promise<void> => {
    for (let attempt = 0; attempt <= plan.redeliveries; attempt++) {
      if (attempt > 0) {
        figures.redeliveries++;
        await sleep(plan.redeliveryDelayMs * 2 ** (attempt - 1));
      }
      try {
        const result = await handler({ id }, lambdaContext(plan.lambdaTimeoutMs));
        if (JSON.stringify(result) !== JSON.stringify(expected(id))) wrongResults.push(id);
        return;
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) figures.conflicts++;
        else figures.errors++;
      }
    }
    figures.lostDeliveries++;
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < deliveries.length) await deliver(deliveries[next++] as number);
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  const durationMs = Date.now() - startedMs;
  stores.afterDeliveries?.();
  const faultFigures = faults.figures();
  const byOperation = faults.byOperation();

  // A payload whose handler never ran has no known key, and counts as not completed.
  const records = await Promise.all(
    ids.map((id) => (keys.has(id) ? stores.direct.get(keys.get(id) as string) : undefined)),
  );
  const ranTwice = ids.filter((id) => (executions.get(id) ?? 0) > 1);
  const notCompleted = ids.filter(
    (id) => records[id]?.status !== 'COMPLETED' || records[id]?.data !== JSON.stringify(expected(id)),
  );
  const stuck = await stores.stuckKeys();

  report('soak', {
    ...figures,
    doubleExecutions: ranTwice.length,
    stuckKeys: stuck.length,
    notCompleted: notCompleted.length,
    executions: [...executions.values()].reduce((sum, n) => sum + n, 0),
    payloads: plan.payloads,
    ...faultFigures,
    durationMs,
  });
  report('soak requests', { byOperation });
  expect(ranTwice).toEqual([]);
  expect(stuck).toEqual([]);
  expect(executions.size).toBe(plan.payloads);
  expect(figures.lostDeliveries).toBe(0);
  expect(wrongResults).toEqual([]);
  expect(notCompleted).toEqual([]);
};

const shuffled = <T>(items: T[], random: () => number): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};
