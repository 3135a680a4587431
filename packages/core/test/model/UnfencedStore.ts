import type { Completion, FencedOutcome, IdempotencyStore } from '@oncely/core';

/**
 * A deliberately broken store for checking that the model can fail: `complete` and `release`
 * ignore the owner and write over whoever holds the record.
 */
export const unfenced = (inner: IdempotencyStore): IdempotencyStore => ({
  acquire: (lock) => inner.acquire(lock),
  get: (key) => inner.get(key),
  extend: (...args) => inner.extend(...args),
  async complete(completion: Completion): Promise<FencedOutcome> {
    const record = await inner.get(completion.key);
    return inner.complete({ ...completion, owner: record?.owner ?? completion.owner });
  },
  async release(key: string, owner: string): Promise<FencedOutcome> {
    const record = await inner.get(key);
    return inner.release(key, record?.owner ?? owner);
  },
});
