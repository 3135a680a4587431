/** A completed result as the local cache keeps it. */
export interface CachedResult {
  data: string | undefined;
  /** A cached error outcome, when the call's error was stored (`cacheErrors`). */
  error?: string | undefined;
  expiresAtSec: number;
  validation: string | undefined;
}

/**
 * Bounded LRU of completed results in this container, by entries and by bytes of result
 * text. A hit answers a replay without a store request; expired entries are never returned.
 *
 * @example
 * ```ts
 * const cache = new LocalCache({ maxEntries: 256, maxBytes: 4_000_000 });
 * cache.set('k', { data: '1', expiresAtSec: 2e9, validation: undefined });
 * cache.get('k', Date.now())?.data; // '1'
 * ```
 */
export class LocalCache {
  readonly #entries = new Map<string, CachedResult>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(limits: { maxEntries: number; maxBytes: number }) {
    this.#maxEntries = limits.maxEntries;
    this.#maxBytes = limits.maxBytes;
  }

  get(key: string, nowMs: number): CachedResult | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAtSec * 1000 <= nowMs) {
      this.#bytes -= sizeOf(entry);
      return undefined;
    }
    // Re-inserting moves the entry to the young end of the Map's insertion order.
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedResult): void {
    const bytes = sizeOf(entry);
    if (bytes > this.#maxBytes) return;
    this.delete(key);
    this.#entries.set(key, entry);
    this.#bytes += bytes;
    for (const [oldestKey, oldest] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldestKey);
      this.#bytes -= sizeOf(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= sizeOf(entry);
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }
}

// UTF-16 length times two approximates the heap the string holds; the key is small next to it.
const sizeOf = (entry: CachedResult): number => ((entry.data?.length ?? 0) + (entry.error?.length ?? 0)) * 2 + 64;
