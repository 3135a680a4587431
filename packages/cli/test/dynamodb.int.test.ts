import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint, type TestTable } from '@oncely/dynamodb-local';
import { newOrder, useSharedTable } from '../../dynamodb/test/powertoolsTables';
import { describeCliCommands, inspectCompleted } from './commandSuite';
import { runCli } from './runCli';

// The bin as a child process on DynamoDB Local: the commands' shared behaviours on a table of this
// file's own, then what only DynamoDB has (compressed results, Powertools' composite-key tables).

const client = new DynamoDBClient(localClientConfig(localEndpoint()));
let table: TestTable;
let store: DynamoDBStore;
const connection = () => ['--table', table.tableName, '--endpoint', localEndpoint()];

beforeAll(async () => {
  table = await createTestTable(client);
  store = new DynamoDBStore({ tableName: table.tableName, client });
});
afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

describeCliCommands({
  connection,
  store: () => store,
  where: () => `table "${table.tableName}"`,
  rawStatus: (item) => (item as { status?: { S?: string } }).status?.S,
});

describe('oncely key', () => {
  it('exits 2 for --key-header without a scope, with the handler option check', async () => {
    const run = await runCli(['key', '--prefix', 'p', '--key-header', 'Idempotency-Key'], '{}');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('needs "scope"');
  });

  it('takes --key-path as the key option does: a dotted path with an index or a hyphen, else JMESPath', async () => {
    const keyPrefix = 'cli-dotted';
    const handler = makeIdempotent(async (event: { lines: { 'sku-id': string }[] }) => event.lines[0]?.['sku-id'], {
      store,
      key: 'lines.0.sku-id',
      keyPrefix,
    });
    await handler({ lines: [{ 'sku-id': 's-1' }] });
    const payload = '{"lines":[{"sku-id":"s-1"}]}';

    const dotted = await runCli(['key', '--prefix', keyPrefix, '--key-path', 'lines.0.sku-id'], payload);
    const jmes = await runCli(['key', '--prefix', keyPrefix, '--key-path', 'lines[0]."sku-id"'], payload);

    expect(dotted.code).toBe(0);
    expect((await store.get(dotted.stdout.trim()))?.data).toBe('"s-1"');
    expect(jmes.stdout.trim()).toBe(dotted.stdout.trim());
  });

  it('exits 2 for --key-path and --key-header together', async () => {
    const run = await runCli(['key', '--prefix', 'p', '--key-path', 'a', '--key-header', 'Idempotency-Key'], '{}');

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not both');
  });
});

describe('oncely inspect on a result past the compression threshold', () => {
  it('shows the result decoded, and the stored data as binary', async () => {
    const big = { paid: true, lines: 'x'.repeat(6000) };

    const { key, run, shown } = await inspectCompleted(store, connection(), big);

    expect(run.code).toBe(0);
    expect(shown).toMatchObject({ found: true, key, status: 'COMPLETED', replay: { action: 'replay' } });
    expect(shown.result).toEqual(big);
    expect(shown.item.data.B).toHaveProperty('base64');
  });
});

describe('records written by Powertools', () => {
  const shared = useSharedTable(client, { name: 'composite-key', sortKey: 'sk' });
  const names = [
    'key=pk',
    'expiration=ttl',
    'inProgressExpiration=lock_until_ms',
    'status=state',
    'data=result',
    'validation=payload_hash',
  ];

  it('are listed, inspected and forgotten on a composite-key table with custom names', async () => {
    const { powertools, functionName } = shared.handlers(() => 'captured');
    const order = newOrder();
    await powertools(order, { functionName, getRemainingTimeInMillis: () => 30_000 } as never);
    const table = [
      '--table',
      shared.tableName(),
      '--endpoint',
      localEndpoint(),
      '--powertools',
      'typescript',
      '--sort-key',
      'sk',
      '--partition-value',
      `idempotency#${functionName}`,
      ...names.flatMap((pair) => ['--attribute', pair]),
    ];

    const list = JSON.parse((await runCli(['list', ...table, '--json'])).stdout);
    const key = list[0].key;
    const inspect = await runCli(['inspect', key, ...table, '--json']);
    const forget = await runCli(['forget', key, ...table, '--yes']);
    const after = await runCli(['inspect', key, ...table]);

    expect(list).toHaveLength(1);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ status: 'COMPLETED', owner: null, result: 'captured' });
    expect(forget.code).toBe(0);
    expect(after.code).toBe(1);
  });
});
