import type { LatencyConfig } from './config.js';
import { guardWithDynamoDB, type Library } from './dynamoContenders.js';
import { lambdaContext } from './lambdaContext.js';
import type { LocalDynamoDB } from './localDynamoDB.js';
import { type OrderEvent, type OrderResult, orderEvents, orderResult } from './payloads.js';
import type { LatencySeries, Row } from './results.js';
import { percentile } from './stats.js';

const context = lambdaContext();
const WARMUP_CALLS = 100;
const RESULT = orderResult('template', 1024);

/**
 * The handler every latency section guards: a 1 KB result per 1 KB event.
 *
 * @example
 * ```ts
 * const calls = { oncely: withOncely(latencyHandler, store), Powertools: withPowertools(latencyHandler, layer) };
 * ```
 */
export const latencyHandler = async (event: OrderEvent): Promise<OrderResult> => ({
  ...RESULT,
  orderId: event.orderId,
});

/** Latency samples and client CPU of one library. */
interface LibraryLatency {
  firstMs: number[];
  replayMs: number[];
  firstCpuUs: number;
  replayCpuUs: number;
  callsPerSecond: number;
}

/** One library's guarded handler, called with an event. */
export type Call = (event: OrderEvent) => Promise<unknown>;
type Samples = Record<Library, { ms: number[]; cpuUs: number }>;

const guardedCall = (library: Library, local: LocalDynamoDB): Call => {
  const { handler: guarded } = guardWithDynamoDB(library, local, latencyHandler);
  return (event) => guarded(event, context);
};

// Wall time and this process's CPU time of each call (the SDK's work included; DynamoDB Local
// runs in its own process). The libraries take turns call by call, the first alternating, so
// neither gains from a JIT or a JVM that warmed up on the other's calls (measured: whichever ran
// second was up to 30 % faster when they ran one after the other).
const timeInTurns = async (calls: Record<Library, Call>, eventsOf: (library: Library) => readonly OrderEvent[]) => {
  const events = { oncely: eventsOf('oncely'), Powertools: eventsOf('Powertools') };
  const samples: Samples = { oncely: { ms: [], cpuUs: 0 }, Powertools: { ms: [], cpuUs: 0 } };
  for (let i = 0; i < events.oncely.length; i++) {
    const turns: Library[] = i % 2 === 0 ? ['oncely', 'Powertools'] : ['Powertools', 'oncely'];
    for (const library of turns) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await calls[library](events[library][i] as OrderEvent);
      samples[library].ms.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      samples[library].cpuUs += (cpu.user + cpu.system) / events[library].length;
    }
  }
  return samples;
};

const callsPerSecond = async (events: readonly OrderEvent[], concurrency: number, call: Call) => {
  let next = 0;
  const worker = async () => {
    while (next < events.length) await call(events[next++] as OrderEvent);
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return events.length / ((performance.now() - start) / 1000);
};

// Throughput in two halves per library, in the order A B B A, so both get the same warmth.
const throughputInTurns = async (calls: Record<Library, Call>, config: LatencyConfig) => {
  const half = Math.floor(config.throughputCalls / 2);
  const rates: Record<Library, number[]> = { oncely: [], Powertools: [] };
  for (const [turn, library] of (['oncely', 'Powertools', 'Powertools', 'oncely'] as const).entries()) {
    const events = orderEvents(half, 1024, `throughput-${library}-${turn}`);
    rates[library].push(await callsPerSecond(events, config.concurrency, calls[library]));
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return { oncely: mean(rates.oncely), Powertools: mean(rates.Powertools) };
};

const measureBoth = async (
  calls: Record<Library, Call>,
  config: LatencyConfig,
): Promise<Record<Library, LibraryLatency>> => {
  await timeInTurns(calls, (library) => orderEvents(WARMUP_CALLS, 1024, `warm-${library}`));
  const first = await timeInTurns(calls, (library) => orderEvents(config.sequentialCalls, 1024, `latency-${library}`));
  const replayed = {
    oncely: orderEvents(1, 1024, 'latency-replay-oncely')[0] as OrderEvent,
    Powertools: orderEvents(1, 1024, 'latency-replay-Powertools')[0] as OrderEvent,
  };
  await calls.oncely(replayed.oncely);
  await calls.Powertools(replayed.Powertools);
  const replay = await timeInTurns(calls, (library) =>
    Array.from({ length: config.sequentialCalls }, () => replayed[library]),
  );
  const throughput = await throughputInTurns(calls, config);
  const of = (library: Library): LibraryLatency => ({
    firstMs: first[library].ms,
    replayMs: replay[library].ms,
    firstCpuUs: first[library].cpuUs,
    replayCpuUs: replay[library].cpuUs,
    callsPerSecond: throughput[library],
  });
  return { oncely: of('oncely'), Powertools: of('Powertools') };
};

const within5Percent = (oncely: number, powertools: number) => ({
  text: '<= 1.05x Powertools',
  met: oncely <= powertools * 1.05,
});

/**
 * p50/p99 of sequential first calls and replays (no local cache), client CPU per call, and
 * throughput of unique calls at a fixed concurrency, for each library against DynamoDB Local.
 * 1 KB events and results; the libraries take turns, so neither runs on a warmer JIT or JVM.
 *
 * @example
 * ```ts
 * const { rows, series } = await measureLatency(local, config.latency);
 * ```
 */
export const measureLatency = (
  local: LocalDynamoDB,
  config: LatencyConfig,
): Promise<{ rows: Row[]; series: LatencySeries[] }> =>
  measureCallLatency(
    { oncely: guardedCall('oncely', local), Powertools: guardedCall('Powertools', local) },
    config,
    'Latency and throughput (DynamoDB Local)',
  );

/**
 * The rows of {@link measureLatency} for calls already guarded with any store, under `section`.
 * Build the calls on {@link latencyHandler} with a 1 KB event in mind.
 *
 * @example
 * ```ts
 * const { rows } = await measureCallLatency(calls, config.latency, 'Redis latency and throughput (local redis-server)');
 * ```
 */
export const measureCallLatency = async (
  calls: Record<Library, Call>,
  config: LatencyConfig,
  section: string,
): Promise<{ rows: Row[]; series: LatencySeries[] }> => {
  const { oncely, Powertools: powertools } = await measureBoth(calls, config);
  const rows: Row[] = [];
  for (const [kind, key] of [
    ['first call', 'firstMs'],
    ['replay', 'replayMs'],
  ] as const) {
    for (const [name, fraction] of [
      ['p50', 0.5],
      ['p99', 0.99],
    ] as const) {
      const o = percentile(oncely[key], fraction);
      const p = percentile(powertools[key], fraction);
      const metric = `${name} ${kind} (${config.sequentialCalls} sequential)`;
      rows.push({
        section,
        metric,
        unit: 'ms',
        oncely: o,
        powertools: p,
        basis: 'measured',
        target: within5Percent(o, p),
      });
    }
  }
  rows.push(
    {
      section,
      metric: 'client CPU per first call',
      unit: 'µs',
      oncely: oncely.firstCpuUs,
      powertools: powertools.firstCpuUs,
      basis: 'measured',
    },
    {
      section,
      metric: 'client CPU per replay',
      unit: 'µs',
      oncely: oncely.replayCpuUs,
      powertools: powertools.replayCpuUs,
      basis: 'measured',
    },
    {
      section,
      metric: `throughput, ${config.throughputCalls} unique calls at concurrency ${config.concurrency}`,
      unit: 'calls/s',
      oncely: oncely.callsPerSecond,
      powertools: powertools.callsPerSecond,
      basis: 'measured',
      target: { text: '>= 0.95x Powertools', met: oncely.callsPerSecond >= 0.95 * powertools.callsPerSecond },
    },
  );
  const series: LatencySeries[] = [
    { label: 'first call', library: 'oncely', samplesMs: oncely.firstMs },
    { label: 'first call', library: 'Powertools', samplesMs: powertools.firstMs },
    { label: 'replay', library: 'oncely', samplesMs: oncely.replayMs },
    { label: 'replay', library: 'Powertools', samplesMs: powertools.replayMs },
  ];
  return { rows, series };
};
