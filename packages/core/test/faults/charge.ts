import {
  type Decision,
  getIdempotencyToken,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotencyToken,
  makeIdempotent,
} from '@oncely/core';

/**
 * A charge guarded by oncely on `store`, keyed on `orderId`, that records the token of each run
 * and each decision. Its result names the order and counts the runs so far.
 *
 * @example
 * ```ts
 * const charge = guardedCharge(proxied, 'ambiguous');
 * await charge.handler({ orderId: 'o-1' }, lambdaContext()); // { charged: 'o-1', run: 1 }
 * ```
 */
export const guardedCharge = (store: IdempotencyStore, keyPrefix: string) => {
  const runs: IdempotencyToken[] = [];
  const decisions: Decision[] = [];
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: object) => {
      runs.push(getIdempotencyToken(context) as IdempotencyToken);
      return { charged: event.orderId, run: runs.length };
    },
    { store, key: 'orderId', keyPrefix, onDecision: ({ decision }) => decisions.push(decision) },
  );
  return { handler, runs, decisions };
};

/**
 * The charge ran once for `orderId`: every one of `results` (its first answer, its replays) is
 * that run's result, and `record` (read past the faults) is COMPLETED by that run, holding it.
 */
export const expectChargedOnce = (
  { runs }: ReturnType<typeof guardedCharge>,
  orderId: string,
  results: unknown[],
  record: IdempotencyRecord | undefined,
): void => {
  const result = { charged: orderId, run: 1 };
  for (const each of results) expect(each).toEqual(result);
  expect(record).toMatchObject({ status: 'COMPLETED', owner: runs[0]?.owner, data: JSON.stringify(result) });
  expect(runs).toHaveLength(1);
};

/** The figures of an ambiguous write's summary line; `requests` as the proxy counted them. */
export const ambiguousFigures = ({ runs, decisions }: ReturnType<typeof guardedCharge>, requests: string) => ({
  handlerRuns: runs.length,
  decisions: decisions.join('+'),
  requests,
});
