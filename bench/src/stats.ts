/**
 * The value below which `fraction` of the samples fall (nearest rank).
 *
 * @example
 * ```ts
 * percentile([3, 1, 2], 0.5); // 2
 * ```
 */
export const percentile = (samples: readonly number[], fraction: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] as number;
};

/**
 * The median of the samples.
 *
 * @example
 * ```ts
 * median([5, 1, 3]); // 3
 * ```
 */
export const median = (samples: readonly number[]): number => percentile(samples, 0.5);
