import type { FaultKind } from '@oncely/dynamodb-local';
import { ambiguousFigures, expectChargedOnce, guardedCharge } from '../../../core/test/faults/charge';
import { describeCounts, lambdaContext, proxiedStore, report, useProxiedTable } from './faultFixtures';

// Timeline: the lock write (PutItem) reaches DynamoDB and is applied, but the caller sees a 500
// or a dropped connection. The retry of that write (by the SDK, or by oncely with the same
// owner) finds our own INPROGRESS record; it must take it as acquired, not as a conflict.
const env = useProxiedTable();

const chargeTwice = async (fault: FaultKind, sdkMaxAttempts: number) => {
  const store = proxiedStore(env.proxy, env.table.tableName, sdkMaxAttempts);
  const charge = guardedCharge(store, 'ambiguous');
  const orderId = `order-${Math.random().toString(36).slice(2)}`;
  env.proxy.inject({ operations: 'PutItem', fault, times: 1 });

  const first = await charge.handler({ orderId }, lambdaContext());
  const replay = await charge.handler({ orderId }, lambdaContext());
  store.client.destroy();
  return { orderId, charge, first, replay };
};

describe('an ambiguous lock write', () => {
  it.each<[string, FaultKind, number]>([
    ['answered with a 500 after DynamoDB applied it, retried by the SDK', 'ambiguous', 3],
    ['answered with a 500 after DynamoDB applied it, retried by oncely with the same owner', 'ambiguous', 1],
    ['cut off (the connection dropped) after DynamoDB applied it, retried by the SDK', 'reset', 3],
  ])('runs the handler once and returns its result when the lock write is %s', async (_, fault, sdkMaxAttempts) => {
    const { orderId, charge, first, replay } = await chargeTwice(fault, sdkMaxAttempts);
    const counts = env.proxy.counts();
    const record = charge.runs[0] && (await env.direct.get(charge.runs[0].key));

    report(
      `ambiguous lock write (${fault}, SDK maxAttempts ${sdkMaxAttempts})`,
      ambiguousFigures(charge, describeCounts(counts)),
    );
    expectChargedOnce(charge, orderId, [first, replay], record);
    expect(charge.decisions).toEqual(['executed', 'replayed']);
    expect(counts.byOperation.PutItem).toMatchObject({ [fault]: 1 });
  });
});
