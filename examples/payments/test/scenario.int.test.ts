import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InMemoryStore } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint } from '@oncely/dynamodb-local';
import { formatTable, runScenario, type ScenarioRow } from '../src/scenario.js';

// The demo's scenario, checked row by row, on DynamoDB Local (as `npm run demo` runs it) and in
// memory (as `npm run demo -- --memory` runs it), so the main job cannot rot.

const row = (rows: ScenarioRow[], step: string): ScenarioRow => {
  const found = rows.find((candidate) => candidate.step === step);
  if (!found) throw new Error(`no row ${step}`);
  return found;
};

const expectTheStory = (rows: ScenarioRow[]) => {
  expect(row(rows, 'first call (p-1, 100 EUR)')).toMatchObject({ callerGot: '201 ch_1', handlerRuns: 1 });
  expect(row(rows, 'replay of p-1')).toMatchObject({ callerGot: '201 ch_1', handlerRuns: 0 });
  expect(row(rows, '20 concurrent duplicates, throw mode')).toMatchObject({
    callerGot: '1 × 201 ch_2, 19 × IdempotencyAlreadyInProgressError',
    handlerRuns: 1,
  });
  expect(row(rows, '20 concurrent duplicates, wait mode')).toMatchObject({
    callerGot: '20 × 201 ch_3',
    handlerRuns: 1,
  });
  expect(row(rows, 'provider fails on p-4')).toMatchObject({ handlerRuns: 1 });
  expect(row(rows, 'retry of p-4')).toMatchObject({ callerGot: '201 ch_4', handlerRuns: 1 });
  expect(row(rows, 'replay of p-1 with 999 EUR')).toMatchObject({
    callerGot: 'IdempotencyValidationError',
    handlerRuns: 0,
  });
  expect(row(rows, 'retry of p-5 at once')).toMatchObject({ callerGot: 'IdempotencyAlreadyInProgressError' });
  expect(row(rows, 'retry of p-5 after the lock expired')).toMatchObject({ callerGot: '201 ch_5', handlerRuns: 1 });
  expect(row(rows, 'replay of p-5')).toMatchObject({ callerGot: '201 ch_5', handlerRuns: 0 });
  expect(row(rows, 'charges at the provider').callerGot).toMatch(/^5 /);
  expect(formatTable(rows)).toContain('replay of p-5');
};

describe('the payment capture demo', () => {
  it('charges once per payment on DynamoDB Local, replays for one request each', async () => {
    const client = new DynamoDBClient(localClientConfig(localEndpoint()));
    let requests = 0;
    client.middlewareStack.add(
      (next) => (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'countRequests' },
    );
    const table = await createTestTable(client);
    try {
      const rows = await runScenario(new DynamoDBStore({ tableName: table.tableName, client }), () => requests);

      expectTheStory(rows);
      expect(row(rows, 'first call (p-1, 100 EUR)').requests).toBe(2);
      expect(row(rows, 'replay of p-1').requests).toBe(1);
    } finally {
      await table.deleteTable();
      client.destroy();
    }
  });

  it('tells the same story on the in-memory store', async () => {
    expectTheStory(await runScenario(new InMemoryStore(), () => 0));
  });
});
