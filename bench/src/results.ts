/** Where a number comes from: timed or counted here, derived by a published rule, or reported by DynamoDB Local. */
export type Basis = 'measured' | 'computed' | 'reported';

/** A target printed beside a row; it is judged, never asserted. */
export interface Target {
  readonly text: string;
  readonly met: boolean;
}

/** One line of the results table. `powertools` is undefined where Powertools has no equivalent. */
export interface Row {
  readonly section: string;
  readonly metric: string;
  readonly unit: string;
  readonly oncely: number;
  readonly powertools: number | undefined;
  readonly basis: Basis;
  readonly target?: Target | undefined;
}

/** Latency samples of one library and one kind of call, for the chart. */
export interface LatencySeries {
  readonly label: string;
  readonly library: 'oncely' | 'Powertools';
  readonly samplesMs: readonly number[];
}

/** Everything a run produced. */
export interface BenchResults {
  readonly rows: Row[];
  readonly latency: LatencySeries[];
  readonly notes: string[];
}

/**
 * oncely's value divided by Powertools', or undefined when there is nothing to divide by.
 *
 * @example
 * ```ts
 * ratioOf({ oncely: 1, powertools: 4 } as Row); // 0.25
 * ```
 */
export const ratioOf = (row: Pick<Row, 'oncely' | 'powertools'>): number | undefined =>
  row.powertools === undefined || row.powertools === 0 || !Number.isFinite(row.powertools)
    ? undefined
    : row.oncely / row.powertools;

/**
 * A target of "oncely at most `factor` times Powertools".
 *
 * @example
 * ```ts
 * atMostTimes(0.5, 10, 30); // { text: '<= 0.5x Powertools', met: true }
 * ```
 */
export const atMostTimes = (factor: number, oncely: number, powertools: number): Target => ({
  text: factor === 1 ? '<= Powertools' : `<= ${factor}x Powertools`,
  met: oncely <= factor * powertools,
});

/**
 * A target of an exact value for oncely.
 *
 * @example
 * ```ts
 * exactly(2, 2); // { text: '= 2', met: true }
 * ```
 */
export const exactly = (expected: number, oncely: number): Target => ({
  text: `= ${expected}`,
  met: oncely === expected,
});
