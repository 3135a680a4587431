import type { IdempotencyRecord } from '@oncely/core';
import { parseRecordStatus } from '@oncely/core/engine';

/**
 * Names of the record's fields in its Redis hash: the Powertools attribute names (plus `owner`
 * and `error`). The idempotency key is the Redis key itself, after the store's `keyPrefix`.
 *
 * @example
 * ```ts
 * await client.hGet(`idempotency:${key}`, recordFields.status); // 'COMPLETED'
 * ```
 */
export const recordFields = Object.freeze({
  status: 'status',
  expiration: 'expiration',
  inProgressExpiration: 'in_progress_expiration',
  data: 'data',
  validation: 'validation',
  owner: 'owner',
  error: 'error',
  notStored: 'result_not_stored',
});

// A client may map bulk strings to Buffers (`withTypeMapping`); the record is text either way.
const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/**
 * Reads a script's array reply as text. Throws `TypeError` when the reply is not an array.
 *
 * @example
 * ```ts
 * replyStrings(['status', 'COMPLETED']); // ['status', 'COMPLETED']
 * ```
 */
export const replyStrings = (reply: unknown): string[] => {
  if (!Array.isArray(reply)) throw new TypeError(`expected an array reply, got ${typeof reply}`);
  return reply.map(text);
};

const numberOf = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/**
 * Reads a hash's fields (the flat `HGETALL` reply) into an `IdempotencyRecord`. Throws
 * `TypeError` naming the field when the hash is not a record.
 *
 * @example
 * ```ts
 * decodeRecord('k', ['status', 'COMPLETED', 'expiration', '1767225600', 'data', '{"ok":true}']);
 * ```
 */
export const decodeRecord = (key: string, flat: readonly string[]): IdempotencyRecord => {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i] as string, flat[i + 1] as string);
  const status = parseRecordStatus(fields.get(recordFields.status));
  const expiresAtSec = numberOf(fields.get(recordFields.expiration));
  if (status === undefined) throw new TypeError(`hash has no "${recordFields.status}" of INPROGRESS or COMPLETED`);
  if (expiresAtSec === undefined) throw new TypeError(`hash has no numeric "${recordFields.expiration}"`);
  const record: IdempotencyRecord = { key, status, expiresAtSec };
  const lockedUntilMs = numberOf(fields.get(recordFields.inProgressExpiration));
  if (lockedUntilMs !== undefined) record.lockedUntilMs = lockedUntilMs;
  for (const name of ['data', 'validation', 'owner', 'error', 'notStored'] as const) {
    const value = fields.get(recordFields[name]);
    if (value !== undefined) record[name] = value;
  }
  return record;
};
