import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig, startDynamoDBLocal } from '@oncely/dynamodb-local';
import { counterStory } from './counter.js';
import { invoiceStory } from './invoices.js';
import { consumeStream } from './streamConsumer.js';
import { createTables } from './tables.js';
import { transferStory } from './transfer.js';

const main = async () => {
  console.log('oncely: DynamoDB exactly-once write patterns, on DynamoDB Local\n');
  const dynamodb = await startDynamoDBLocal();
  const client = new DynamoDBClient(localClientConfig(dynamodb.endpoint));
  try {
    const tables = await createTables(client);

    console.log('1. Versioned writes: a stream of balances, out of order and redelivered (putIfNewer)');
    const stream = await consumeStream(client, tables.balances);
    for (const line of stream.lines) console.log(`   ${line}`);
    console.log(`   final balances: ${JSON.stringify(stream.balances)}\n`);

    console.log('2. Optimistic event log: an invoice, with a payment and a cancel racing (EventLog)');
    const invoice = await invoiceStory(client, tables.invoiceEvents);
    for (const line of invoice.lines) console.log(`   ${line}`);
    console.log(`   history: ${invoice.history.join(' -> ')}\n`);

    console.log(
      '3. Apply-once updates: 5 page views, each delivered twice; r1, r3, r5 answered with a 500 after being applied',
    );
    for (const strategy of [
      { kind: 'token-set', maxTokens: 20 },
      { kind: 'token-item', ttlSeconds: 86_400 },
    ] as const) {
      const { tally, views } = await counterStory(dynamodb.endpoint, tables.counters, strategy);
      console.log(`   ${strategy.kind}: ${JSON.stringify(tally)} -> views = ${views}`);
    }
    console.log('');

    console.log('4. Idempotent transaction: a transfer retried after an ambiguous failure (transactWriteOnce)');
    const transfer = await transferStory(dynamodb.endpoint, tables.accounts);
    for (const line of transfer.lines) console.log(`   ${line}`);
    console.log(`   balances: alice ${transfer.alice}, bob ${transfer.bob}`);
  } finally {
    client.destroy();
    await dynamodb.stop();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
