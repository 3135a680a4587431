/** The figures a fault scenario measured: one `name=value` each on its summary line. */
export type Figures = Record<string, string | number | boolean>;

/**
 * Prints one line of figures a scenario measured: `[faults] <store> <scenario>: name=value ...`.
 * Written to stdout directly: one line per test, without the stack trace Jest adds to
 * `console.log`.
 *
 * @example
 * ```ts
 * const report = faultReporter('redis');
 * report('zombie', { leaseMs: 600 }); // [faults] redis zombie: leaseMs=600
 * ```
 */
export const faultReporter =
  (store?: string) =>
  (scenario: string, figures: Figures): void => {
    const text = Object.entries(figures)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    const label = store === undefined ? scenario : `${store} ${scenario}`;
    process.stdout.write(`[faults] ${label}: ${text}\n`);
  };

/** Requests a fault proxy counted, per operation and per outcome. */
export interface CountsByOperation {
  byOperation: Record<string, { requests: number } & { [outcome: string]: number | undefined }>;
}

/**
 * `PutItem 3 (ambiguous 1, forwarded 2), UpdateItem 1 (forwarded 1)`: the operations `include`
 * keeps, in the order the proxy first saw them.
 */
export const describeCounts = (
  counts: CountsByOperation,
  include: (operation: string) => boolean = () => true,
): string =>
  Object.entries(counts.byOperation)
    .filter(([operation]) => include(operation))
    .map(([operation, { requests, ...outcomes }]) => {
      const detail = Object.entries(outcomes).map(([outcome, n]) => `${outcome} ${n}`);
      return `${operation} ${requests} (${detail.join(', ')})`;
    })
    .join(', ');
