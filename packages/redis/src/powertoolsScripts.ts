import { type Script, script } from './scripts.js';

// The scripts of the Powertools format: the record is one JSON string under KEYS[1], as
// Powertools TypeScript's CachePersistenceLayer writes it (`{"status", "expiration",
// "in_progress_expiration", "data", "validation"}`), plus `owner`, `error` and
// `result_not_stored`, which Powertools does not read. The rules are those of scripts.ts.
//
// Redis' cjson reads a record but never writes one: it formats numbers with 14 significant
// digits and encodes an empty table as {}, so a re-encoded result or timestamp could change.
// Records are written as text: numbers and the result as the caller sent them, strings through
// cjson.encode (a string encodes exactly). SET ... PXAT writes the record and its TTL in one
// command, the only one Redis can refuse (OOM), so a refused write leaves the old record whole.

// The record under KEYS[1] as a table, or nil when the key holds something else. A record
// Powertools wrote has no owner, so it is never the caller's.
const readRecord = `local function readRecord(text)
  local ok, record = pcall(cjson.decode, text)
  if ok and type(record) == 'table' then return record end
  return nil
end
`;

// '"owner":"…"' and, when the record has one, '"validation":"…"'.
const ownerAndValidation = `local function ownerAndValidation(owner, validation)
  local text = ',"owner":' .. cjson.encode(owner)
  if type(validation) == 'string' then text = text .. ',"validation":' .. cjson.encode(validation) end
  return text
end
`;

// An INPROGRESS record: ARGV[2] is lockedUntilMs, ARGV[3] expiresAtSec, as decimal integers.
const lockRecord = `local function lockRecord(owner, validation)
  return '{"status":"INPROGRESS","expiration":' .. ARGV[3] .. ',"in_progress_expiration":' .. ARGV[2]
    .. ownerAndValidation(owner, validation) .. '}'
end
`;

/**
 * ARGV: owner, lockedUntilMs, expiresAtSec, expireAtMs, nowMs[, validation].
 * Writes the INPROGRESS lock and returns nil, or returns the record (the key's text) that holds it.
 */
export const powertoolsAcquireScript: Script = script(
  'powertools-acquire',
  `${readRecord}${ownerAndValidation}${lockRecord}local text = redis.call('GET', KEYS[1])
if text then
  local f = readRecord(text)
  -- Not a record: never overwritten; the caller reports it.
  if f == nil then return text end
  local nowMs = tonumber(ARGV[5])
  local expiration = tonumber(f['expiration'])
  local lockedUntil = tonumber(f['in_progress_expiration'])
  local recordExpired = expiration ~= nil and expiration * 1000 <= nowMs
  local lockExpired = f['status'] == 'INPROGRESS' and lockedUntil ~= nil and lockedUntil < nowMs
  local lockIsOurs = f['owner'] == ARGV[1] and f['status'] == 'INPROGRESS'
    and (lockedUntil == nil or lockedUntil <= tonumber(ARGV[2]))
  if not (recordExpired or lockExpired or lockIsOurs) then return text end
end
redis.call('SET', KEYS[1], lockRecord(ARGV[1], ARGV[6]), 'PXAT', ARGV[4])
return false`,
);

/**
 * ARGV: owner, expiresAtSec, expireAtMs[, field ('data' | 'error' | 'result_not_stored'), value
 * as JSON]. Completes the record if `owner` holds it, keeping its validation. Returns 1, or 0
 * when the lock is lost.
 */
export const powertoolsCompleteScript: Script = script(
  'powertools-complete',
  `${readRecord}${ownerAndValidation}local text = redis.call('GET', KEYS[1])
if not text then return 0 end
local f = readRecord(text)
if f == nil or f['owner'] ~= ARGV[1] then return 0 end
local record = '{"status":"COMPLETED","expiration":' .. ARGV[2]
if ARGV[4] then record = record .. ',' .. cjson.encode(ARGV[4]) .. ':' .. ARGV[5] end
record = record .. ownerAndValidation(ARGV[1], f['validation']) .. '}'
redis.call('SET', KEYS[1], record, 'PXAT', ARGV[3])
return 1`,
);

/** ARGV: owner. Deletes the record if `owner` holds it; a key already gone counts as released. */
export const powertoolsReleaseScript: Script = script(
  'powertools-release',
  `${readRecord}local text = redis.call('GET', KEYS[1])
if not text then return 1 end
local f = readRecord(text)
if f == nil or f['owner'] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
);

/**
 * ARGV: owner, lockedUntilMs, expiresAtSec, expireAtMs. Moves the lock's end and the record's
 * expiry (and the key's TTL with it) forward while `owner` holds it and it is INPROGRESS.
 */
export const powertoolsExtendScript: Script = script(
  'powertools-extend',
  `${readRecord}${ownerAndValidation}${lockRecord}local text = redis.call('GET', KEYS[1])
if not text then return 0 end
local f = readRecord(text)
if f == nil or f['owner'] ~= ARGV[1] or f['status'] ~= 'INPROGRESS' then return 0 end
-- A late copy of an earlier renewal never moves the lock's end back.
local lockedUntil = tonumber(f['in_progress_expiration'])
if lockedUntil ~= nil and lockedUntil > tonumber(ARGV[2]) then return 1 end
redis.call('SET', KEYS[1], lockRecord(ARGV[1], f['validation']), 'PXAT', ARGV[4])
return 1`,
);

/** Returns the record's text, or nil when there is none. */
export const powertoolsGetScript: Script = script('powertools-get', `return redis.call('GET', KEYS[1])`);
