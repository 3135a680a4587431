import { storeContract } from '@oncely/core/testing';
import { RedisStore } from '@oncely/redis';
import { createClient } from '@redis/client';
import { describeFrontDoorBehaviour } from '../../core/test/frontDoorBehaviour.js';
import { coreFrontDoors } from '../../core/test/frontDoors.js';
import { describePolicies } from '../../core/test/policies.js';
import { middyFrontDoors } from '../../middy/test/doors.js';
import { installed, type ServerProcess, startServer } from './clusterServer';
import { uniquePrefix } from './fixtures';

// The contract, behaviour and policy suites on valkey-server, when it is on the PATH. Debian
// bookworm does not package it (trixie does), so on such a machine this file is one skipped line.
const onValkey = installed('valkey-server');
const describeOnValkey = onValkey ? describe : describe.skip;

let server: ServerProcess | undefined;
let client: ReturnType<typeof createClient> | undefined;

beforeAll(async () => {
  if (!onValkey) return;
  server = await startServer('valkey-server');
  client = createClient({
    url: server.url,
    socket: { socketTimeout: 5_000, reconnectStrategy: 100 },
  });
  client.on('error', () => undefined);
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

const store = () => {
  if (client === undefined) throw new Error('valkey-server starts in beforeAll');
  return new RedisStore({ client, keyPrefix: uniquePrefix() });
};

const doors = [...coreFrontDoors.slice(0, 1), ...middyFrontDoors.slice(-1)];

describeOnValkey(`RedisStore on valkey-server${onValkey ? '' : ' (skipped: valkey-server is not on the PATH)'}`, () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(store()));
  describePolicies(doors, store);
  describeFrontDoorBehaviour(doors, store);
});
