/** In-process CPU overhead: rounds (the median is reported) and timed calls per round, by payload size. */
export interface CpuConfig {
  readonly rounds: number;
  readonly callsByPayloadBytes: ReadonlyMap<number, number>;
}

/** DynamoDB Local: sequential first calls and replays per library, then unique calls at a concurrency. */
export interface LatencyConfig {
  readonly sequentialCalls: number;
  readonly throughputCalls: number;
  readonly concurrency: number;
}

/** Identical concurrent calls against a handler that takes `handlerMs`. */
export interface DuplicatesConfig {
  readonly callers: number;
  readonly handlerMs: number;
}

/** How much work each measurement does: the full run (under 5 minutes on 2 cores) or `--quick` (~30 s, for CI). */
export interface BenchConfig {
  readonly quick: boolean;
  readonly cpu: CpuConfig;
  readonly latency: LatencyConfig;
  /** The latency calls against Redis: more of them, as a call takes tenths of a millisecond. */
  readonly redis: LatencyConfig;
  readonly duplicates: DuplicatesConfig;
  /** Fresh Node processes that import each bundle. */
  readonly bundles: { readonly importRuns: number };
}

/** Payload sizes of the CPU measurement. */
export const CPU_PAYLOAD_BYTES = [1024, 128 * 1024] as const;
/** Result sizes of the capacity measurement. */
export const CAPACITY_RESULT_BYTES = [1024, 10 * 1024, 100 * 1024] as const;

const full: BenchConfig = {
  quick: false,
  cpu: {
    rounds: 7,
    callsByPayloadBytes: new Map([
      [1024, 3000],
      [128 * 1024, 150],
    ]),
  },
  latency: { sequentialCalls: 300, throughputCalls: 1000, concurrency: 16 },
  redis: { sequentialCalls: 1000, throughputCalls: 10_000, concurrency: 16 },
  duplicates: { callers: 30, handlerMs: 200 },
  bundles: { importRuns: 10 },
};

const quick: BenchConfig = {
  quick: true,
  cpu: {
    rounds: 3,
    callsByPayloadBytes: new Map([
      [1024, 600],
      [128 * 1024, 30],
    ]),
  },
  latency: { sequentialCalls: 60, throughputCalls: 200, concurrency: 16 },
  redis: { sequentialCalls: 300, throughputCalls: 4000, concurrency: 16 },
  duplicates: { callers: 30, handlerMs: 200 },
  bundles: { importRuns: 3 },
};

/**
 * The configuration for the command-line arguments: `--quick` selects the smoke run.
 *
 * @example
 * ```ts
 * const config = benchConfig(process.argv.slice(2)); // config.quick === true with --quick
 * ```
 */
export const benchConfig = (args: readonly string[]): BenchConfig => (args.includes('--quick') ? quick : full);
