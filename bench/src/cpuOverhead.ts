import { InMemoryStore } from '@oncely/core';
import { CPU_PAYLOAD_BYTES, type CpuConfig } from './config.js';
import { type BenchHandler, withOncely, withPowertools } from './contenders.js';
import { lambdaContext } from './lambdaContext.js';
import { type OrderEvent, type OrderResult, orderEvents } from './payloads.js';
import { PowertoolsMemoryLayer } from './powertoolsMemoryLayer.js';
import { atMostTimes, type Row } from './results.js';
import { median } from './stats.js';

type Handler = BenchHandler<OrderEvent, OrderResult>;
type Mode = 'first call' | 'replay' | 'replay, local cache';
const MODES: readonly Mode[] = ['first call', 'replay', 'replay, local cache'];

// The bare handler: an acknowledgement echoing the order's lines, so the result is as large as
// the payload and both the key derivation and the result storage scale with the size.
const bare: Handler = async (event) => ({ orderId: event.orderId, status: 'ACCEPTED', lines: event.lines });

const contenders = {
  bare: () => bare,
  oncely: (localCache: boolean) => withOncely(bare, new InMemoryStore(), { localCache }),
  Powertools: (localCache: boolean) => withPowertools(bare, new PowertoolsMemoryLayer(), { localCache }),
};
type Contender = keyof typeof contenders;

const context = lambdaContext();

const timeCalls = async (handler: Handler, events: readonly OrderEvent[]): Promise<number> => {
  const start = performance.now();
  for (const event of events) await handler(event, context);
  return performance.now() - start;
};

// One timed pass: a fresh wrapper and store, primed for replays, then `events` calls.
const timePass = async (contender: Contender, mode: Mode, events: readonly OrderEvent[]): Promise<number> => {
  const handler = contenders[contender](mode === 'replay, local cache');
  if (mode === 'first call') return timeCalls(handler, events);
  const [event] = events as [OrderEvent];
  await handler(event, context);
  return timeCalls(
    handler,
    events.map(() => event),
  );
};

const measureMode = async (mode: Mode, bytes: number, calls: number, rounds: number): Promise<Row> => {
  const events = orderEvents(calls, bytes, `cpu-${bytes}`);
  const overheadUs: Record<'oncely' | 'Powertools', number[]> = { oncely: [], Powertools: [] };
  const order: Contender[] = ['bare', 'oncely', 'Powertools'];
  // Round 0 warms the JIT up and is discarded; the order rotates so neither library always runs first.
  for (let round = 0; round <= rounds; round++) {
    const elapsedMs: Partial<Record<Contender, number>> = {};
    for (let i = 0; i < order.length; i++) {
      const contender = order[(i + round) % order.length] as Contender;
      elapsedMs[contender] = await timePass(contender, mode, events);
    }
    if (round === 0) continue;
    for (const library of ['oncely', 'Powertools'] as const) {
      overheadUs[library].push((((elapsedMs[library] ?? 0) - (elapsedMs.bare ?? 0)) / calls) * 1000);
    }
  }
  const oncely = median(overheadUs.oncely);
  const powertools = median(overheadUs.Powertools);
  return {
    section: 'CPU overhead (in-process, in-memory stores)',
    metric: `${mode}, ${bytes / 1024} KB payload`,
    unit: 'µs/call',
    oncely,
    powertools,
    basis: 'measured',
    // Issue 18: first calls and local-cache replays; a replay from the store parses its stored
    // text (Powertools' in-memory layer keeps the object), so it has no target.
    target: mode === 'replay' ? undefined : atMostTimes(0.35, oncely, powertools),
  };
};

/**
 * Overhead per call over the bare handler, in process, with in-memory stores on both sides:
 * first calls (unique payloads), replays from the store, replays from the local cache.
 * Each number is the median of `rounds` rounds of many sequential calls.
 *
 * @example
 * ```ts
 * const rows = await measureCpuOverhead(config.cpu);
 * ```
 */
export const measureCpuOverhead = async (config: CpuConfig): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const bytes of CPU_PAYLOAD_BYTES) {
    const calls = config.callsByPayloadBytes.get(bytes) ?? 100;
    for (const mode of MODES) rows.push(await measureMode(mode, bytes, calls, config.rounds));
  }
  return rows;
};
