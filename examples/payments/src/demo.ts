import { InMemoryStore } from '@oncely/core';
import { FaultyStore } from '@oncely/core/testing';
import { formatTable, runScenario } from './scenario.js';

// `npm run demo -- --memory` runs on the in-memory store, without Java.
const main = async () => {
  const counted = new FaultyStore(new InMemoryStore());
  const requests = () => Object.values(counted.calls).reduce((sum, n) => sum + n, 0);
  console.log('oncely demo: a payment capture on the in-memory store\n');
  console.log(formatTable(await runScenario(counted, requests)));
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
