import { type Decision, getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type FaultKind, type FaultProxy, type TestTable } from '@oncely/dynamodb-local';
import { localClient } from '../fixtures';
import { describeCounts, lambdaContext, proxiedStore, report, startProxy } from './faultFixtures';

// Timeline: the lock write (PutItem) reaches DynamoDB and is applied, but the caller sees a 500
// or a dropped connection. The retry of that write (by the SDK, or by oncely with the same
// owner) finds our own INPROGRESS record; it must take it as acquired, not as a conflict.
const setupClient = localClient();
let table: TestTable;
let proxy: FaultProxy;
let direct: DynamoDBStore;

beforeAll(async () => {
  table = await createTestTable(setupClient);
  direct = new DynamoDBStore({ tableName: table.tableName, client: setupClient });
});

beforeEach(async () => {
  proxy = await startProxy();
});

afterEach(async () => {
  await proxy.close();
});

afterAll(async () => {
  await table.deleteTable();
  setupClient.destroy();
});

const charge = async (fault: FaultKind, sdkMaxAttempts: number) => {
  const store = proxiedStore(proxy, table.tableName, sdkMaxAttempts);
  const runs: IdempotencyToken[] = [];
  const decisions: Decision[] = [];
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: object) => {
      runs.push(getIdempotencyToken(context) as IdempotencyToken);
      return { charged: event.orderId };
    },
    { store, keyPath: 'orderId', keyPrefix: 'ambiguous', onDecision: ({ decision }) => decisions.push(decision) },
  );
  const orderId = `order-${Math.random().toString(36).slice(2)}`;
  proxy.inject({ operations: 'PutItem', fault, times: 1 });

  const first = await handler({ orderId }, lambdaContext());
  const replay = await handler({ orderId }, lambdaContext());
  store.client.destroy();
  return { orderId, runs, decisions, first, replay };
};

describe('an ambiguous lock write', () => {
  it.each<[string, FaultKind, number]>([
    ['answered with a 500 after DynamoDB applied it, retried by the SDK', 'ambiguous', 3],
    ['answered with a 500 after DynamoDB applied it, retried by oncely with the same owner', 'ambiguous', 1],
    ['cut off (the connection dropped) after DynamoDB applied it, retried by the SDK', 'reset', 3],
  ])('runs the handler once and returns its result when the lock write is %s', async (_, fault, sdkMaxAttempts) => {
    const { orderId, runs, decisions, first, replay } = await charge(fault, sdkMaxAttempts);
    const counts = proxy.counts();
    const record = runs[0] && (await direct.get(runs[0].key));

    report(`ambiguous lock write (${fault}, SDK maxAttempts ${sdkMaxAttempts})`, {
      handlerRuns: runs.length,
      decisions: decisions.join('+'),
      requests: describeCounts(counts),
    });
    expect(runs).toHaveLength(1);
    expect(first).toEqual({ charged: orderId });
    expect(replay).toEqual({ charged: orderId });
    expect(decisions).toEqual(['executed', 'replayed']);
    expect(counts.byOperation.PutItem).toMatchObject({ [fault]: 1 });
    expect(record).toMatchObject({
      status: 'COMPLETED',
      owner: runs[0]?.owner,
      data: JSON.stringify({ charged: orderId }),
    });
  });
});
