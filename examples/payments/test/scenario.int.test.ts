import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint, type TestTable } from '@oncely/dynamodb-local';
import { runFaultScenario } from '../src/faults.js';
import { RecordingProvider } from '../src/handler.js';
import { inspectSection } from '../src/inspectSection.js';
import { runScenario } from '../src/scenario.js';
import { formatSection } from '../src/table.js';
import { expectTheEverydayStory, expectTotals, row } from './story.js';

// The demo as `npm run demo` runs it, on DynamoDB Local: the everyday steps, then the fault steps
// through the fault proxy, with one provider, then `oncely inspect` on p-1's record, so the main
// job cannot rot.

const client = new DynamoDBClient(localClientConfig(localEndpoint()));
let requests = 0;
client.middlewareStack.add(
  (next) => (args) => {
    requests += 1;
    return next(args);
  },
  { step: 'finalizeRequest', priority: 'low', name: 'countRequests' },
);
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable(client);
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

describe('the payment capture demo on DynamoDB Local', () => {
  const provider = new RecordingProvider();

  it('charges once per payment, replays for one request each, and its total row adds up its rows', async () => {
    const requestsBefore = requests;

    const rows = await runScenario(new DynamoDBStore({ tableName: table.tableName, client }), () => requests, provider);

    expectTheEverydayStory(rows, provider);
    expect(row(rows, 'first call (p-1, 100 EUR)').requests).toBe(2);
    expect(row(rows, 'replay of p-1').requests).toBe(1);
    expect(rows.at(-1)?.requests).toBe(requests - requestsBefore);
  });

  it('charges once per payment through the faults, and says what each caller got', async () => {
    const { rows, logged } = await runFaultScenario({
      endpoint: localEndpoint(),
      tableName: table.tableName,
      provider,
    });

    // The lock write is applied, then answered with a 500; the SDK's retry meets our own record.
    expect(row(rows, 'p-6: lock write, answer lost')).toMatchObject({
      faults: 'PutItem applied, then 500 ×1',
      callerGot: '201 ch_6',
      handlerRuns: 1,
      requests: 3,
    });
    expect(row(rows, 'replay of p-6')).toMatchObject({ callerGot: '201 ch_6', handlerRuns: 0, requests: 1 });
    // Two SDK attempts fail, then oncely's second completion fails once more and succeeds.
    expect(row(rows, 'p-7: result write fails 3×')).toMatchObject({
      faults: 'UpdateItem refused (500) ×3',
      callerGot: '201 ch_7',
      handlerRuns: 1,
      requests: 5,
    });
    expect(row(rows, 'replay of p-7')).toMatchObject({ callerGot: '201 ch_7', handlerRuns: 0, requests: 1 });
    // The zombie: A's lease lapses while its renewals fail; B takes over; A finishes last.
    expect(row(rows, 'p-8: A, 600 ms lease, cut off')).toMatchObject({
      callerGot: 'no answer yet (still charging)',
      handlerRuns: 1,
    });
    expect(row(rows, 'p-8: A, 600 ms lease, cut off').faults).toMatch(/^UpdateItem refused \(500\) ×\d+$/);
    expect(row(rows, "p-8: B, after A's lease lapsed")).toMatchObject({ callerGot: '201 ch_8', handlerRuns: 1 });
    expect(row(rows, 'p-8: A reconnects, finishes')).toMatchObject({
      callerGot: '201 ch_8; its result write refused',
      handlerRuns: 0,
    });
    expect(row(rows, 'replay of p-8')).toMatchObject({ callerGot: '201 ch_8', handlerRuns: 0, requests: 1 });
    // The first copy of the lock write lands after the call completed, and is refused.
    expect(row(rows, 'p-9: lock write held 1.5 s')).toMatchObject({
      faults: 'PutItem applied late ×1',
      callerGot: '201 ch_9',
      handlerRuns: 1,
    });
    expect(row(rows, 'replay of p-9, after it landed')).toMatchObject({ callerGot: '201 ch_9', handlerRuns: 0 });
    expect(row(rows, 'total')).toMatchObject({ callerGot: '4 charges, one per payment (p-6 … p-9)', handlerRuns: 5 });
    expectTotals(rows);
    expect(provider.charges.map((charge) => charge.paymentId)).toEqual([
      'p-1',
      'p-2',
      'p-3',
      'p-4',
      'p-5',
      'p-6',
      'p-7',
      'p-8',
      'p-9',
    ]);
    expect(logged).toContain(
      'p-8: 1 × warn "The lock was taken over while the call ran; its result goes to its caller but the newer record is kept"',
    );
    expect(formatSection({ title: 'faults', rows, requestsTitle: 'DynamoDB requests' })).toMatch(
      /^p-6: lock write, answer lost +│ PutItem applied, then 500 ×1 │ 201 ch_6 /m,
    );
  });

  it("ends with p-1's record as oncely inspect shows it, read from the table the steps above wrote", async () => {
    const text = await inspectSection({ endpoint: localEndpoint(), tableName: table.tableName });

    expect(text).toMatch(/^3\. p-1's record, as the oncely CLI shows it/);
    expect(text).toMatch(/^key {10}payments\.capture#\S+$/m);
    expect(text).toMatch(/^status {7}COMPLETED$/m);
    expect(text).toMatch(/^replay now {3}replay: /m);
    expect(text).toContain('"chargeId": "ch_1"');
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(20);
  });
});
