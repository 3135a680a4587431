import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig, localEndpoint } from '@oncely/dynamodb-local';
import { counterStory } from '../src/counter';
import { invoiceStory } from '../src/invoices';
import { consumeStream } from '../src/streamConsumer';
import { createTables, type Tables } from '../src/tables';
import { transferStory } from '../src/transfer';

const endpoint = localEndpoint();
const client = new DynamoDBClient(localClientConfig(endpoint));
let tables: Tables;

beforeAll(async () => {
  tables = await createTables(client, `-${Date.now()}`);
});

afterAll(() => client.destroy());

describe('the write-patterns example', () => {
  it('keeps the newest balance of each account from the shuffled stream', async () => {
    const { lines, balances } = await consumeStream(client, tables.balances);

    expect(balances).toEqual({ 'acct-1': 70, 'acct-2': 450 });
    expect(lines.filter((line) => line.includes('skipped (duplicate'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('skipped (stale'))).toHaveLength(2);
  });

  it('lets one of settle and cancel win the invoice race', async () => {
    const { winners, history } = await invoiceStory(client, tables.invoiceEvents);

    expect(winners).toBe(1);
    expect(history).toHaveLength(3);
  });

  it.each([
    { kind: 'token-set', maxTokens: 20 },
    { kind: 'token-item', ttlSeconds: 60 },
  ] as const)('counts each page view once with the $kind strategy', async (strategy) => {
    const { views, tally } = await counterStory(endpoint, tables.counters, strategy);

    expect(views).toBe(5);
    expect(tally).toEqual({ applied: 2, 'already-applied': 8, failedMaybeApplied: 3 });
  });

  it('moves the transfer once despite the retry', async () => {
    expect(await transferStory(endpoint, tables.accounts)).toMatchObject({ alice: -25, bob: 25 });
  });
});
