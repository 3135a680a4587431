import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InMemoryStore } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { createIdempotencyTable, DynamoDBStore } from '@oncely/dynamodb';
import { findJava, localClientConfig, startDynamoDBLocal } from '@oncely/dynamodb-local';
import { dynamoDBSections, memorySections } from './sections.js';

// `npm run demo` starts the embedded DynamoDB Local (Java), makes a table and runs the payment
// capture scenario on it; `npm run demo -- --memory` runs the same scenario in memory, without Java,
// and so does `npm run demo` on a machine without Java 17+, unless ONCELY_REQUIRE_DYNAMODB_LOCAL=1 (CI).

const onDynamoDB = async () => {
  console.log('oncely demo: a payment capture on DynamoDB Local (starting it; needs Java)…');
  const local = await startDynamoDBLocal();
  const client = new DynamoDBClient(localClientConfig(local.endpoint));
  let requests = 0;
  // Every HTTP request, SDK retries included: the middleware sits after the retry step.
  client.middlewareStack.add(
    (next) => (args) => {
      requests += 1;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'countDemoRequests' },
  );
  try {
    const tableName = 'oncely-demo';
    await createIdempotencyTable({ client, tableName });
    const store = new DynamoDBStore({ tableName, client });
    console.log(`DynamoDB Local at ${local.endpoint}, table ${tableName}\n`);
    console.log(await dynamoDBSections(store, () => requests, { endpoint: local.endpoint, tableName }));
  } finally {
    client.destroy();
    await local.stop();
  }
};

const inMemory = async (why = '') => {
  const counted = new FaultyStore(new InMemoryStore());
  const requests = () => Object.values(counted.calls).reduce((sum, n) => sum + n, 0);
  console.log(`oncely demo: a payment capture on the in-memory store${why}\n`);
  console.log(await memorySections(counted, requests));
};

/** Why DynamoDB Local cannot run here, or undefined when it can (or must). */
const withoutJava = (): string | undefined => {
  if (process.env.ONCELY_REQUIRE_DYNAMODB_LOCAL === '1') return undefined;
  try {
    findJava();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('; install ')[0];
  }
};

const noJava = process.argv.includes('--memory') ? undefined : withoutJava();
const onMemory = () =>
  inMemory(
    noJava &&
      `, not DynamoDB Local: ${noJava}. Install Java 17+ ` +
        '(Debian/Ubuntu: apt-get install openjdk-17-jre-headless) to run it on DynamoDB Local.',
  );
const main = process.argv.includes('--memory') || noJava !== undefined ? onMemory : onDynamoDB;

main().then(
  // The timed-out call of the scenario never returns, as a frozen Lambda would not: exit anyway.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
