import { ConditionalCheckFailedException, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { type Decision, getIdempotencyToken, type IdempotencyToken, makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type FaultProxy, type TestTable } from '@oncely/dynamodb-local';
import { localClient } from '../fixtures';
import { describeCounts, lambdaContext, proxiedStore, report, startProxy, waitUntil } from './faultFixtures';

// Timeline of a zombie: call A holds a 600 ms lease but is cut off from DynamoDB (every
// renewal fails), so its lease lapses while it still runs. Call B takes the key over, runs
// and completes. A reconnects and finishes last: its completion is fenced on its owner token.
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

const runZombie = async (orderId: string, sideEffect: boolean) => {
  const runs: { by: string; token: IdempotencyToken }[] = [];
  const decisionsOfA: Decision[] = [];
  let releaseA: () => void = () => {};
  const aMayFinish = new Promise<void>((resolve) => {
    releaseA = resolve;
  });
  const charge =
    (by: string, waitFor?: Promise<void>) =>
    async (_event: { orderId: string }, context: object): Promise<Outcome> => {
      const token = getIdempotencyToken(context) as IdempotencyToken;
      runs.push({ by, token });
      await waitFor;
      return { by, payment: sideEffect ? await applyPayment(token) : 'not attempted' };
    };
  const options = { keyPath: 'orderId', keyPrefix: 'zombie' };
  const storeA = proxiedStore(proxyA, table.tableName, 1);
  const callA = makeIdempotent(charge('A', aMayFinish), {
    ...options,
    store: storeA,
    lease: { durationMs: LEASE_MS },
    onDecision: ({ decision }) => decisionsOfA.push(decision),
  });
  const callB = makeIdempotent(charge('B'), { ...options, store: direct });
  proxyA.inject({ operations: 'UpdateItem', fault: 'fail' });
  const startedMs = Date.now();

  const a = callA({ orderId }, lambdaContext());
  await waitUntil(() => runs.length === 1);
  const key = runs[0]?.token.key ?? '';
  await waitUntil(async () => ((await direct.get(key))?.lockedUntilMs ?? 0) < Date.now());
  const takenOverAfterMs = Date.now() - startedMs;
  const b = await callB({ orderId }, lambdaContext());
  proxyA.clearFaults();
  releaseA();
  const aResult = await a;
  const record = await direct.get(key);
  const replay = await callB({ orderId }, lambdaContext());
  const counts = proxyA.counts();
  storeA.client.destroy();
  return { runs, decisionsOfA, aResult, b, record, replay, takenOverAfterMs, counts };
};

describe('a zombie call that finishes after its lock was taken over', () => {
  it("keeps the record of the call that took over, and a replay returns that call's result", async () => {
    const { runs, decisionsOfA, aResult, b, record, replay, takenOverAfterMs, counts } = await runZombie('o-1', false);

    report('zombie', {
      leaseMs: LEASE_MS,
      takenOverAfterMs,
      handlerRuns: runs.map((run) => run.by).join('+'),
      decisionOfA: decisionsOfA.join('+'),
      storedBy: record?.data === undefined ? 'nobody' : (JSON.parse(record.data) as Outcome).by,
      requestsOfA: describeCounts(counts),
    });
    expect(runs.map((run) => run.by)).toEqual(['A', 'B']);
    expect(aResult.by).toBe('A');
    expect(b.by).toBe('B');
    expect(record).toMatchObject({ status: 'COMPLETED', owner: runs[1]?.token.owner, data: JSON.stringify(b) });
    expect(replay).toEqual(b);
    expect(decisionsOfA).toEqual(['lock-taken-over']);
  });

  it('applies a side effect made apply-once by the idempotency key once, although the handler ran twice', async () => {
    const { runs, aResult, b } = await runZombie('o-2', true);
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
