import { storeContract } from '@oncely/core/testing';
import { RedisStore } from '@oncely/redis';
import { createCluster } from '@redis/client';
import { describeFrontDoorBehaviour } from '../../core/test/frontDoorBehaviour.js';
import { coreFrontDoors } from '../../core/test/frontDoors.js';
import { describePolicies } from '../../core/test/policies.js';
import { middyFrontDoors } from '../../middy/test/doors.js';
import { type LocalCluster, startCluster } from './clusterServer';
import { lockFor, uniquePrefix } from './fixtures';

// The contract, behaviour and policy suites on a three-master Redis Cluster, through
// @redis/client's cluster client: each script touches only its record's key, and the cluster
// client routes EVALSHA/EVAL to the master of that key's slot.
const connectCluster = (cluster: LocalCluster) => {
  const client = createCluster({
    rootNodes: cluster.nodes.map((node) => ({ url: node.url })),
    defaults: { socket: { socketTimeout: 5_000, reconnectStrategy: 100 } },
  });
  client.on('error', () => undefined);
  return client.connect();
};

let cluster: LocalCluster | undefined;
let client: Awaited<ReturnType<typeof connectCluster>> | undefined;

beforeAll(async () => {
  cluster = await startCluster(3);
  client = await connectCluster(cluster);
}, 30_000);

afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

const store = () => {
  if (client === undefined) throw new Error('the cluster starts in beforeAll');
  return new RedisStore({ client, keyPrefix: uniquePrefix() });
};

describe('RedisStore on a Redis Cluster', () => {
  test.each(storeContract.map((c) => [c.name, c] as const))('%s', (_name, c) => c.run(store()));

  it('spreads records over every master, each record in its key’s slot', async () => {
    const clustered = store();
    const locks = Array.from({ length: 30 }, () => lockFor());

    await Promise.all(locks.map((lock) => clustered.acquire(lock)));
    const found = await Promise.all(locks.map((lock) => clustered.get(lock.key)));
    const masters = client?.masters.length;
    const holding = await Promise.all(
      (client?.masters ?? []).map(async (master) => {
        const node = await client?.nodeClient(master);
        return (await node?.keys(`${clustered.keyPrefix}*`))?.length ?? 0;
      }),
    );

    expect(found.map((record) => record?.owner)).toEqual(locks.map((lock) => lock.owner));
    expect(masters).toBe(3);
    expect(holding.every((count) => count > 0)).toBe(true);
    expect(holding.reduce((sum, count) => sum + count, 0)).toBe(30);
  });
});

const doors = [...coreFrontDoors.slice(0, 1), ...middyFrontDoors.slice(-1)];
describePolicies(doors, store);
describeFrontDoorBehaviour(doors, store);
