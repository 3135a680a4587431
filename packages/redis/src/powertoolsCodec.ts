import type { Completion, IdempotencyRecord } from '@oncely/core';
import { parseRecordStatus } from '@oncely/core/engine';
import { recordFields } from './recordCodec.js';

// A client may map bulk strings to Buffers (`withTypeMapping`); the record is text either way.
const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Reads a record in the Powertools TypeScript cache format (one JSON object; `data` holds the
 * result as a JSON value) into an `IdempotencyRecord`, whose `data` is the result's JSON text.
 * A record Powertools wrote has no `owner`. Returns `undefined` for a missing key (a nil reply);
 * throws `TypeError` or `SyntaxError` when the value is not a record.
 *
 * @example
 * ```ts
 * decodePowertoolsRecord('k', '{"status":"COMPLETED","expiration":1767225600,"data":{"ok":true}}');
 * // { key: 'k', status: 'COMPLETED', expiresAtSec: 1767225600, data: '{"ok":true}' }
 * ```
 */
export const decodePowertoolsRecord = (key: string, reply: unknown): IdempotencyRecord | undefined => {
  if (reply === null || reply === undefined) return undefined;
  const item: unknown = JSON.parse(text(reply));
  if (!isObject(item)) throw new TypeError('value is not a JSON object');
  const status = parseRecordStatus(item[recordFields.status]);
  const expiresAtSec = finite(item[recordFields.expiration]);
  if (status === undefined) throw new TypeError(`value has no "${recordFields.status}" of INPROGRESS or COMPLETED`);
  if (expiresAtSec === undefined) throw new TypeError(`value has no numeric "${recordFields.expiration}"`);
  const record: IdempotencyRecord = { key, status, expiresAtSec };
  const lockedUntilMs = finite(item[recordFields.inProgressExpiration]);
  if (lockedUntilMs !== undefined) record.lockedUntilMs = lockedUntilMs;
  if (item[recordFields.data] !== undefined) record.data = JSON.stringify(item[recordFields.data]);
  for (const name of ['validation', 'owner', 'error', 'notStored'] as const) {
    const value = item[recordFields[name]];
    if (typeof value === 'string') record[name] = value;
  }
  return record;
};

/**
 * The completion's outcome as the complete script's last two arguments: the field and its value
 * as JSON. The result goes in `data` as the JSON value it is (what Powertools TypeScript stores
 * and replays); a cached error and a "not stored" mark go in as JSON strings.
 *
 * @example
 * ```ts
 * powertoolsOutcomeArgs({ key: 'k', owner: 'o', data: '{"ok":true}', expiresAtSec: 1 }); // ['data', '{"ok":true}']
 * ```
 */
export const powertoolsOutcomeArgs = (completion: Completion): string[] => {
  if (completion.notStored !== undefined) return [recordFields.notStored, JSON.stringify(completion.notStored)];
  if (completion.error !== undefined) return [recordFields.error, JSON.stringify(completion.error)];
  if (completion.data !== undefined) return [recordFields.data, completion.data];
  return [];
};
