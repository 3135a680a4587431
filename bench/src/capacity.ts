import { unitsOf } from './capacityUnits.js';
import { CAPACITY_RESULT_BYTES } from './config.js';
import { guardWithDynamoDB, type Library } from './dynamoContenders.js';
import { lambdaContext } from './lambdaContext.js';
import type { LocalDynamoDB } from './localDynamoDB.js';
import { type OrderEvent, orderEvents, orderResult } from './payloads.js';
import type { RequestLog } from './requestLog.js';
import { atMostTimes, type Row } from './results.js';

const context = lambdaContext();

interface Units {
  write: number;
  read: number;
  /** Requests whose units DynamoDB Local did not report (failed conditional writes). */
  computed: number;
}

const unitsSince = (log: RequestLog, mark: number): Units =>
  log.since(mark).reduce(
    (sum, request) => {
      const units = unitsOf(request);
      return {
        write: sum.write + units.write,
        read: sum.read + units.read,
        computed: sum.computed + (units.reported ? 0 : 1),
      };
    },
    { write: 0, read: 0, computed: 0 },
  );

const measureLibrary = async (library: Library, local: LocalDynamoDB, resultBytes: number) => {
  const handler = async (event: OrderEvent) => orderResult(event.orderId, resultBytes);
  const { handler: guarded, log } = guardWithDynamoDB(library, local, handler, { consumedCapacity: true });
  const [event] = orderEvents(1, 1024, `capacity-${resultBytes}-${library}`) as [OrderEvent];
  let mark = log.length;
  await guarded(event, context);
  const first = unitsSince(log, mark);
  mark = log.length;
  await guarded(event, context);
  const replay = unitsSince(log, mark);
  return { first, replay };
};

/**
 * Write and read units per first call and per replay (no local cache), for results of 1, 10 and
 * 100 KB of order-like JSON. Units of successful requests are reported by DynamoDB Local; those
 * of failed conditional writes (a replay's lock attempt) are computed from the existing item.
 *
 * @example
 * ```ts
 * const rows = await measureCapacity(local);
 * ```
 */
export const measureCapacity = async (local: LocalDynamoDB): Promise<Row[]> => {
  const rows: Row[] = [];
  const readRows: Row[] = [];
  for (const bytes of CAPACITY_RESULT_BYTES) {
    const oncely = await measureLibrary('oncely', local, bytes);
    const powertools = await measureLibrary('Powertools', local, bytes);
    const kb = `${bytes / 1024} KB result`;
    for (const [kind, o, p] of [
      ['first call', oncely.first, powertools.first],
      ['replay', oncely.replay, powertools.replay],
    ] as const) {
      rows.push({
        section: 'Capacity units (DynamoDB Local)',
        metric: `write units per ${kind}, ${kb}`,
        unit: 'WCU',
        oncely: o.write,
        powertools: p.write,
        basis: o.computed + p.computed > 0 ? 'computed' : 'reported',
        target: bytes >= 10 * 1024 ? atMostTimes(0.35, o.write, p.write) : undefined,
      });
      readRows.push({
        section: 'Capacity units (DynamoDB Local)',
        metric: `read units per ${kind}, ${kb}`,
        unit: 'RCU',
        oncely: o.read,
        powertools: p.read,
        basis: 'reported',
      });
    }
  }
  // Both libraries read nothing when a conflict returns the item (ALL_OLD): one row says so.
  const noReads = readRows.every((row) => row.oncely === 0 && row.powertools === 0);
  if (!noReads) return [...rows, ...readRows];
  rows.push({
    section: 'Capacity units (DynamoDB Local)',
    metric: 'read units per first call or replay, every size',
    unit: 'RCU',
    oncely: 0,
    powertools: 0,
    basis: 'reported',
  });
  return rows;
};
