import { ConditionalCheckFailedException, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { IdempotencyToken } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type FaultProxy, type TestTable } from '@oncely/dynamodb-local';
import { expectZombieFenced, runZombie, zombieFigures } from '../../../core/test/faults/zombie';
import { localClient } from '../fixtures';
import { describeCounts, proxiedStore, report, startProxy } from './faultFixtures';

// Timeline of a zombie (runZombie): call A holds a 600 ms lease but is cut off from DynamoDB
// (every renewal, an UpdateItem, fails), so its lease lapses while it still runs. Call B takes
// the key over, runs and completes. A reconnects and finishes last: its completion is fenced on
// its owner token.
const LEASE_MS = 600;
const setupClient = localClient();
let table: TestTable;
let ledger: TestTable;
let proxyA: FaultProxy;
let direct: DynamoDBStore;

beforeAll(async () => {
  table = await createTestTable(setupClient);
  ledger = await createTestTable(setupClient);
  direct = new DynamoDBStore({ tableName: table.tableName, client: setupClient });
});

beforeEach(async () => {
  proxyA = await startProxy();
});

afterEach(async () => {
  await proxyA.close();
});

afterAll(async () => {
  await table.deleteTable();
  await ledger.deleteTable();
  setupClient.destroy();
});

type Outcome = { by: string; payment: 'applied' | 'already applied' | 'not attempted' };

// A downstream write made apply-once by the idempotency key: the pattern docs/guarantees.md advises.
const applyPayment = async (token: IdempotencyToken): Promise<Outcome['payment']> => {
  try {
    await setupClient.send(
      new PutItemCommand({
        TableName: ledger.tableName,
        Item: { id: { S: token.key }, appliedBy: { S: token.owner } },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return 'applied';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'already applied';
    throw error;
  }
};

const zombieOf = async (orderId: string, sideEffect: boolean) => {
  const storeA = proxiedStore(proxyA, table.tableName, 1);
  try {
    const zombie = await runZombie(
      {
        proxied: storeA,
        direct,
        leaseMs: LEASE_MS,
        cutOff: () => proxyA.inject({ operations: 'UpdateItem', fault: 'fail' }),
        reconnect: () => proxyA.clearFaults(),
        finish: async (token): Promise<Pick<Outcome, 'payment'>> => ({
          payment: sideEffect ? await applyPayment(token) : 'not attempted',
        }),
      },
      orderId,
    );
    return { ...zombie, counts: proxyA.counts() };
  } finally {
    storeA.client.destroy();
  }
};

describe('a zombie call that finishes after its lock was taken over', () => {
  it("keeps the record of the call that took over, and a replay returns that call's result", async () => {
    const zombie = await zombieOf('o-1', false);

    report('zombie', zombieFigures(zombie, describeCounts(zombie.counts)));
    expectZombieFenced(zombie);
  });

  it('applies a side effect made apply-once by the idempotency key once, although the handler ran twice', async () => {
    const { runs, aResult, b } = await zombieOf('o-2', true);
    const key = runs[0]?.token.key;
    const { Items = [] } = await setupClient.send(new ScanCommand({ TableName: ledger.tableName }));
    const entries = Items.filter((item) => item.id?.S === key);

    report('zombie with an apply-once side effect', {
      handlerRuns: runs.length,
      paymentByB: b.payment,
      paymentByA: aResult.payment,
      ledgerEntries: entries.length,
    });
    expect(runs).toHaveLength(2);
    expect(b.payment).toBe('applied');
    expect(aResult.payment).toBe('already applied');
    expect(entries).toEqual([{ id: { S: key }, appliedBy: { S: runs[1]?.token.owner } }]);
  });
});
