import { randomUUID } from 'node:crypto';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, type TestTable } from '@oncely/dynamodb-local';
import { describeEdges } from '../../../core/test/edges.js';
import { describeFrontDoorBehaviour } from '../../../core/test/frontDoorBehaviour.js';
import { coreFrontDoors } from '../../../core/test/frontDoors.js';
import { describePolicies } from '../../../core/test/policies.js';
import { middyFrontDoors } from '../../../middy/test/doors.js';
import { localClient } from '../fixtures.js';

// The behaviour and policy suites of every front door, on DynamoDB Local instead of memory.
const client = localClient();
let table: TestTable;

beforeAll(async () => {
  table = await createTestTable(client, { sortKey: 'sk' });
});

afterAll(async () => {
  await table.deleteTable();
  client.destroy();
});

// Each store gets a partition of its own in one table (sort-key mode), so tests that reuse
// payloads and prefixes never meet.
const store = () =>
  new DynamoDBStore({ tableName: table.tableName, client, sortKey: { attribute: 'sk', partitionValue: randomUUID() } });
const doors = [...coreFrontDoors.slice(0, 1), ...middyFrontDoors];

describePolicies(doors, store);
describeFrontDoorBehaviour(doors, store);
// The edges cost seconds of real time each: the wrapper and one Middy version suffice.
describeEdges([doors[0], doors[doors.length - 1]] as typeof doors, store);
