import { guardWithDynamoDB, type Library } from './dynamoContenders.js';
import { lambdaContext } from './lambdaContext.js';
import type { LocalDynamoDB } from './localDynamoDB.js';
import { type OrderEvent, type OrderResult, orderEvents } from './payloads.js';
import { exactly, type Row } from './results.js';

const CALLS = 5;
const context = lambdaContext();
const handler = async (event: OrderEvent): Promise<OrderResult> => ({
  orderId: event.orderId,
  status: 'ACCEPTED',
  lines: [],
});

type Kind = 'first call' | 'replay' | 'replay, local cache';
const EXPECTED: Record<Kind, number> = { 'first call': 2, replay: 1, 'replay, local cache': 0 };

// Requests per call of each kind, averaged over CALLS keys. The cached wrapper's first calls
// fill its local cache; its replays are then counted.
const countRequests = async (library: Library, local: LocalDynamoDB): Promise<Record<Kind, number>> => {
  const plain = guardWithDynamoDB(library, local, handler);
  const cached = guardWithDynamoDB(library, local, handler, { localCache: true });
  const events = orderEvents(CALLS, 1024, `trips-${library}`);
  const cachedEvents = orderEvents(CALLS, 1024, `trips-cached-${library}`);
  const perCall = async (log: typeof plain.log, calls: () => Promise<void>) => {
    const mark = log.length;
    await calls();
    return (log.length - mark) / CALLS;
  };
  const each = (guarded: typeof plain, list: OrderEvent[]) => async () => {
    for (const event of list) await guarded.handler(event, context);
  };
  const first = await perCall(plain.log, each(plain, events));
  const replay = await perCall(plain.log, each(plain, events));
  await each(cached, cachedEvents)();
  const cachedReplay = await perCall(cached.log, each(cached, cachedEvents));
  return { 'first call': first, replay, 'replay, local cache': cachedReplay };
};

/**
 * DynamoDB requests per first call, per replay and per replay with the local cache on, counted
 * on the wire by a middleware on each library's client.
 *
 * @example
 * ```ts
 * const rows = await measureRoundTrips(local);
 * ```
 */
export const measureRoundTrips = async (local: LocalDynamoDB): Promise<Row[]> => {
  const counts = { oncely: await countRequests('oncely', local), Powertools: await countRequests('Powertools', local) };
  return (Object.keys(EXPECTED) as Kind[]).map((kind) => ({
    section: 'Round trips (DynamoDB Local)',
    metric: `requests per ${kind}`,
    unit: 'requests',
    oncely: counts.oncely[kind],
    powertools: counts.Powertools[kind],
    basis: 'measured' as const,
    target: exactly(EXPECTED[kind], counts.oncely[kind]),
  }));
};
