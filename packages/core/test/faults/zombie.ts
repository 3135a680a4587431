import {
  type Decision,
  getIdempotencyToken,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotencyToken,
  makeIdempotent,
} from '@oncely/core';
import { lambdaContext, waitUntil } from './realTime';
import type { Figures } from './report';

/** The two calls of a zombie timeline and what cuts A off. */
export interface ZombieSetup<Extra extends object> {
  /** A's store, through the faults `cutOff` injects. */
  proxied: IdempotencyStore;
  /** B's store, and the one the timeline reads records with: it bypasses the faults. */
  direct: IdempotencyStore;
  leaseMs: number;
  /** Makes every renewal of A's lease fail. */
  cutOff: () => void;
  /** Lets A reach the store again. */
  reconnect: () => void;
  /** What a run does once it may finish (a side effect, say); its result joins the run's. */
  finish?: (token: IdempotencyToken) => Promise<Extra>;
}

/**
 * Timeline of a zombie: call A holds a `leaseMs` lease but is cut off from the store (every
 * renewal fails), so its lease lapses while it still runs. Call B, on a store A's faults do not
 * touch, takes the key over, runs and completes. A reconnects and finishes last: its completion
 * is fenced on its owner token. Returns what each call saw, the record after A finished, and a
 * replay by B.
 */
export const runZombie = async <Extra extends object = object>(setup: ZombieSetup<Extra>, orderId: string) => {
  const runs: { by: string; token: IdempotencyToken }[] = [];
  const decisionsOfA: Decision[] = [];
  let releaseA: () => void = () => {};
  const aMayFinish = new Promise<void>((resolve) => {
    releaseA = resolve;
  });
  const charge =
    (by: string, waitFor?: Promise<void>) =>
    async (_event: { orderId: string }, context: object): Promise<{ by: string } & Extra> => {
      const token = getIdempotencyToken(context) as IdempotencyToken;
      runs.push({ by, token });
      await waitFor;
      return { by, ...((await setup.finish?.(token)) as Extra) };
    };
  const options = { key: 'orderId', keyPrefix: 'zombie' };
  const callA = makeIdempotent(charge('A', aMayFinish), {
    ...options,
    store: setup.proxied,
    lock: { durationMs: setup.leaseMs },
    onDecision: ({ decision }) => decisionsOfA.push(decision),
  });
  const callB = makeIdempotent(charge('B'), { ...options, store: setup.direct });
  setup.cutOff();
  const startedMs = Date.now();

  const a = callA({ orderId }, lambdaContext());
  await waitUntil(() => runs.length === 1);
  const key = runs[0]?.token.key ?? '';
  await waitUntil(async () => ((await setup.direct.get(key))?.lockedUntilMs ?? 0) < Date.now());
  const takenOverAfterMs = Date.now() - startedMs;
  const b = await callB({ orderId }, lambdaContext());
  setup.reconnect();
  releaseA();
  const aResult = await a;
  const record = await setup.direct.get(key);
  const replay = await callB({ orderId }, lambdaContext());
  return { leaseMs: setup.leaseMs, runs, decisionsOfA, aResult, b, record, replay, takenOverAfterMs };
};

type Zombie = Awaited<ReturnType<typeof runZombie>>;

/** The figures of a zombie's summary line; `requestsOfA` as the proxy counted them. */
export const zombieFigures = (zombie: Zombie, requestsOfA: string): Figures => ({
  leaseMs: zombie.leaseMs,
  takenOverAfterMs: zombie.takenOverAfterMs,
  handlerRuns: zombie.runs.map((run) => run.by).join('+'),
  decisionOfA: zombie.decisionsOfA.join('+'),
  storedBy: storedBy(zombie.record),
  requestsOfA,
});

const storedBy = (record: IdempotencyRecord | undefined): string =>
  record?.data === undefined ? 'nobody' : (JSON.parse(record.data) as { by: string }).by;

/** A and B both ran; the record and a replay hold B's result; A learnt its lock was taken over. */
export const expectZombieFenced = ({ runs, aResult, b, record, replay, decisionsOfA }: Zombie): void => {
  expect(runs.map((run) => run.by)).toEqual(['A', 'B']);
  expect(aResult.by).toBe('A');
  expect(b.by).toBe('B');
  expect(record).toMatchObject({ status: 'COMPLETED', owner: runs[1]?.token.owner, data: JSON.stringify(b) });
  expect(replay).toEqual(b);
  expect(decisionsOfA).toEqual(['lock-taken-over']);
};
