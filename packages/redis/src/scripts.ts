import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, under which Redis caches it for `EVALSHA`. */
export interface Script {
  name: string;
  source: string;
  sha1: string;
}

/** A script with its SHA-1. */
export const script = (name: string, source: string): Script => ({
  name,
  source,
  sha1: createHash('sha1').update(source).digest('hex'),
});

// Every script touches one key, KEYS[1], so it runs on Redis Cluster too. Fields are named as
// in `recordFields`. New fields are written (HSET) before stale ones are dropped (HDEL): a
// script stops at its first failing command without undoing the ones before, and only HSET can
// be refused (OOM), so a refused write leaves the old record whole.

/**
 * ARGV: owner, lockedUntilMs, expiresAtSec, expireAtMs, nowMs[, validation].
 * Writes the INPROGRESS lock and returns an empty array, or returns the holder's fields.
 */
export const acquireScript = script(
  'acquire',
  `local record = redis.call('HGETALL', KEYS[1])
if #record > 0 then
  local f = {}
  for i = 1, #record, 2 do f[record[i]] = record[i + 1] end
  local nowMs = tonumber(ARGV[5])
  local expiration = tonumber(f['expiration'])
  local lockedUntil = tonumber(f['in_progress_expiration'])
  -- '<=' as in core's isRecordExpired (expiresAtSec * 1000 <= nowMs), so store and engine agree.
  local recordExpired = expiration ~= nil and expiration * 1000 <= nowMs
  -- A lock without in_progress_expiration (old Powertools) is held until the record expires.
  local lockExpired = f['status'] == 'INPROGRESS' and lockedUntil ~= nil and lockedUntil < nowMs
  -- A retry of our own write after an ambiguous error must not turn into a conflict; but only
  -- while the record is still that lock: a late copy must not turn a result back into a lock.
  -- Nor move the end of a lease renewed since back.
  local lockIsOurs = f['owner'] == ARGV[1] and f['status'] == 'INPROGRESS'
    and (lockedUntil == nil or lockedUntil <= tonumber(ARGV[2]))
  if not (recordExpired or lockExpired or lockIsOurs) then return record end
end
redis.call('HSET', KEYS[1], 'status', 'INPROGRESS', 'expiration', ARGV[3], 'in_progress_expiration', ARGV[2], 'owner', ARGV[1])
if ARGV[6] then
  redis.call('HSET', KEYS[1], 'validation', ARGV[6])
  redis.call('HDEL', KEYS[1], 'data', 'error', 'result_not_stored')
else
  redis.call('HDEL', KEYS[1], 'data', 'error', 'result_not_stored', 'validation')
end
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return {}`,
);

/**
 * ARGV: owner, expiresAtSec, expireAtMs[, field ('data' | 'error' | 'result_not_stored'), value].
 * Completes the record if `owner` holds it (not only while INPROGRESS: a retried completion
 * after an ambiguous success must succeed). Returns 1, or 0 when the lock is lost.
 */
export const completeScript = script(
  'complete',
  `if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'COMPLETED', 'expiration', ARGV[2])
if ARGV[4] then redis.call('HSET', KEYS[1], ARGV[4], ARGV[5]) end
local stale = { data = true, error = true, result_not_stored = true }
if ARGV[4] then stale[ARGV[4]] = nil end
redis.call('HDEL', KEYS[1], 'in_progress_expiration')
for field in pairs(stale) do redis.call('HDEL', KEYS[1], field) end
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1`,
);

/** ARGV: owner. Deletes the record if `owner` holds it; a key already gone counts as released. */
export const releaseScript = script(
  'release',
  `if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
return 0`,
);

/**
 * ARGV: owner, lockedUntilMs, expiresAtSec, expireAtMs. Moves the lock's end and the record's
 * expiry (and the key's TTL with it) forward while `owner` holds it and it is INPROGRESS.
 */
export const extendScript = script(
  'extend',
  `local held = redis.call('HMGET', KEYS[1], 'owner', 'status', 'in_progress_expiration')
if held[1] ~= ARGV[1] or held[2] ~= 'INPROGRESS' then return 0 end
-- A late copy of an earlier renewal never moves the lock's end back.
if held[3] and tonumber(held[3]) > tonumber(ARGV[2]) then return 1 end
redis.call('HSET', KEYS[1], 'in_progress_expiration', ARGV[2], 'expiration', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return 1`,
);

/** Returns the record's fields (an empty array when there is none). */
export const getScript = script('get', `return redis.call('HGETALL', KEYS[1])`);
