import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import { RedisStore } from '@oncely/redis';
import type { LatencyConfig } from './config.js';
import { type BenchHandler, type WrapOptions, withOncely, withPowertools } from './contenders.js';
import type { Library } from './dynamoContenders.js';
import { lambdaContext } from './lambdaContext.js';
import { type Call, latencyHandler, measureCallLatency } from './latency.js';
import type { CountedClient, LocalRedis } from './localRedis.js';
import { type OrderEvent, orderEvents } from './payloads.js';
import { exactly, type Row } from './results.js';

const CALLS = 5;
const context = lambdaContext();

type Kind = 'first call' | 'replay' | 'replay, local cache';
// oncely: one script (EVALSHA) to lock, one to complete; a replay's lock script returns the record.
const EXPECTED: Record<Kind, number> = { 'first call': 2, replay: 1, 'replay, local cache': 0 };

const guardWithRedis = <E, R>(
  library: Library,
  counted: CountedClient,
  handler: BenchHandler<E, R>,
  options: WrapOptions = {},
): BenchHandler<E, R> =>
  library === 'oncely'
    ? withOncely(handler, new RedisStore({ client: counted.client }), options)
    : withPowertools(handler, new CachePersistenceLayer({ client: counted.client }), options);

// Commands per call of each kind, averaged over CALLS keys, on one client per library. A warm-up
// call first, so oncely's scripts are loaded (the first EVALSHA of a fresh server is answered
// NOSCRIPT and followed by an EVAL, once per script and server).
const countCommands = async (library: Library, redis: LocalRedis): Promise<Record<Kind, number>> => {
  const counted = await redis.connect();
  const plain = guardWithRedis(library, counted, latencyHandler);
  const cached = guardWithRedis(library, counted, latencyHandler, { localCache: true });
  const each = (guarded: typeof plain, events: readonly OrderEvent[]) => async () => {
    for (const event of events) await guarded(event, context);
  };
  const perCall = async (calls: () => Promise<void>) => {
    const mark = counted.commands();
    await calls();
    return (counted.commands() - mark) / CALLS;
  };
  await each(plain, orderEvents(2, 1024, `redis-warm-${library}`))();
  const events = orderEvents(CALLS, 1024, `redis-trips-${library}`);
  const cachedEvents = orderEvents(CALLS, 1024, `redis-trips-cached-${library}`);
  const first = await perCall(each(plain, events));
  const replay = await perCall(each(plain, events));
  await each(cached, cachedEvents)();
  const cachedReplay = await perCall(each(cached, cachedEvents));
  return { 'first call': first, replay, 'replay, local cache': cachedReplay };
};

const guardedCall = async (library: Library, redis: LocalRedis): Promise<Call> => {
  const guarded = guardWithRedis(library, await redis.connect(), latencyHandler);
  return (event) => guarded(event, context);
};

/**
 * Redis commands per first call, replay and cached replay, then p50/p99 latency, client CPU and
 * throughput, of oncely's `RedisStore` and Powertools' `CachePersistenceLayer` on one redis-server:
 * the rows of the DynamoDB Local round-trip and latency sections, for Redis.
 *
 * @example
 * ```ts
 * const rows = await measureRedis(redis, config.latency);
 * ```
 */
export const measureRedis = async (redis: LocalRedis, config: LatencyConfig): Promise<Row[]> => {
  const counts = { oncely: await countCommands('oncely', redis), Powertools: await countCommands('Powertools', redis) };
  const trips: Row[] = (Object.keys(EXPECTED) as Kind[]).map((kind) => ({
    section: 'Redis round trips (local redis-server)',
    metric: `commands per ${kind}`,
    unit: 'commands',
    oncely: counts.oncely[kind],
    powertools: counts.Powertools[kind],
    basis: 'measured' as const,
    target: exactly(EXPECTED[kind], counts.oncely[kind]),
  }));
  const calls = { oncely: await guardedCall('oncely', redis), Powertools: await guardedCall('Powertools', redis) };
  const { rows } = await measureCallLatency(calls, config, 'Redis latency and throughput (local redis-server)');
  return [...trips, ...rows];
};
