import type { IdempotencyRecord } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import type { DeleteOutcome, FoundRecord, RecordSource, ScanRequest } from './source.js';

/** Connection options of the Redis commands. */
export interface RedisConnection {
  url: string;
  /** The store's `keyPrefix`; default as `RedisStore`'s. */
  keyPrefix?: string | undefined;
  powertools?: 'typescript' | undefined;
}

// Deletes the record only while it is the one that was read: same status, expiry, lock end and
// owner ('' for none), in either format (a hash, or Powertools TypeScript's JSON string).
const deleteIfUnchangedScript = `
local kind = redis.call('TYPE', KEYS[1]).ok
local status, expiration, locked, owner
if kind == 'hash' then
  status = redis.call('HGET', KEYS[1], 'status')
  expiration = redis.call('HGET', KEYS[1], 'expiration')
  locked = redis.call('HGET', KEYS[1], 'in_progress_expiration')
  owner = redis.call('HGET', KEYS[1], 'owner')
elseif kind == 'string' then
  local ok, value = pcall(cjson.decode, redis.call('GET', KEYS[1]))
  if not ok or type(value) ~= 'table' then return 0 end
  status = value.status
  expiration = value.expiration
  locked = value.in_progress_expiration
  owner = value.owner
else
  return 0
end
if status ~= ARGV[1] then return 0 end
if tonumber(expiration) ~= tonumber(ARGV[2]) then return 0 end
if (tonumber(locked) or -1) ~= tonumber(ARGV[3]) then return 0 end
if type(owner) ~= 'string' then owner = '' end
if owner ~= ARGV[4] then return 0 end
return redis.call('DEL', KEYS[1])
`;

const SCAN_COUNT = '500';

// SCAN's MATCH is a glob: the prefix's own *, ?, [ and \ match only themselves.
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

/**
 * Connects to Redis and reads records through a `RedisStore` with the same `keyPrefix` and
 * format as the functions' store.
 */
export const openRedis = async (connection: RedisConnection): Promise<RecordSource> => {
  const { createClient } = await import('@redis/client');
  // A socket timeout, so a stalled server fails the command instead of hanging the terminal; and
  // two quick reconnects, then the error: RedisStore refuses a socket timeout without a reconnect
  // strategy (the client would close for good), and a command line should not retry for ever.
  const client = createClient({
    url: connection.url,
    socket: { socketTimeout: 5_000, reconnectStrategy: (retries) => (retries < 2 ? 200 : false) },
  });
  // Checked before connecting, so a store option the store refuses leaves no connection open.
  const store = new RedisStore({
    client,
    ...(connection.keyPrefix !== undefined && { keyPrefix: connection.keyPrefix }),
    ...(connection.powertools !== undefined && { powertools: connection.powertools }),
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to Redis at ${connection.url}: ${(error as Error).message ?? lastError}`);
  }
  const send = (args: string[]): Promise<unknown> => client.sendCommand(args);

  async function* scan({ prefix, onPage }: ScanRequest): AsyncIterable<FoundRecord> {
    const match = `${escapeGlob(store.keyPrefix + (prefix ?? ''))}*`;
    const progress = { pages: 0, scanned: 0 };
    let cursor = '0';
    do {
      const [next, keys] = (await send(['SCAN', cursor, 'MATCH', match, 'COUNT', SCAN_COUNT])) as [unknown, unknown[]];
      cursor = text(next);
      progress.pages++;
      progress.scanned += keys.length;
      onPage(progress);
      for (const redisKey of keys.map(text)) {
        const key = redisKey.slice(store.keyPrefix.length);
        const record = await store.get(key);
        // Gone between SCAN and the read (expired, released): not a record any more.
        if (record === undefined) continue;
        const sizeBytes = Number(await send(['MEMORY', 'USAGE', redisKey])) || 0;
        yield { record, sizeBytes };
      }
    } while (cursor !== '0');
  }

  return {
    where: `Redis ${connection.url} (key prefix "${store.keyPrefix}")`,
    get: (key) => store.get(key),
    raw: async (key) => {
      const redisKey = store.keyPrefix + key;
      const kind = text(await send(['TYPE', redisKey]));
      if (kind === 'none') return undefined;
      // The client's own HGETALL: its raw reply is a flat array or a map, by client version and protocol.
      if (kind === 'hash') return { ...(await client.hGetAll(redisKey)) };
      if (kind === 'string') return text(await send(['GET', redisKey]));
      return { type: kind };
    },
    scan,
    deleteIfUnchanged: async (record: IdempotencyRecord): Promise<DeleteOutcome> => {
      const reply = await client.eval(deleteIfUnchangedScript, {
        keys: [store.keyPrefix + record.key],
        arguments: [record.status, String(record.expiresAtSec), String(record.lockedUntilMs ?? -1), record.owner ?? ''],
      });
      return Number(reply) === 1 ? 'deleted' : 'changed';
    },
    close: async () => {
      await client.close();
    },
  };
};
