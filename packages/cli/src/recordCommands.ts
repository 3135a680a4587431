import type { IdempotencyRecord } from '@oncely/core';
import { parseRecordStatus } from '@oncely/core/engine';
import { type Flags, positiveInteger, UsageError } from './args.js';
import { clip, field, iso, isStuck, recordJson, relative, replayNow } from './format.js';
import { type CliIo, exitCodes } from './io.js';
import type { FoundRecord, RecordSource } from './source.js';

// Longer than any Lambda invocation (15 minutes): a lock held past this was not set by a live call.
const DEFAULT_STUCK_AFTER_SEC = 900;

const keyArgument = (positionals: readonly string[], command: string): string => {
  const [key] = positionals;
  if (key === undefined || positionals.length > 1) throw new UsageError(`oncely ${command} takes one KEY`);
  return key;
};

const json = (value: unknown): string => `${JSON.stringify(value, binary, 2)}\n`;

// A compressed result (B) is bytes: shown as base64, not as an object of indices.
const binary = (_name: string, value: unknown): unknown =>
  value instanceof Uint8Array ? { base64: Buffer.from(value).toString('base64') } : value;

const describe = (record: IdempotencyRecord, nowMs: number): string => {
  const lines = [`key          ${record.key}`, `status       ${record.status}`];
  lines.push(`owner        ${record.owner ?? '(none: written by Powertools)'}`);
  if (record.lockedUntilMs !== undefined) {
    lines.push(`locked until ${iso(record.lockedUntilMs)} (${relative(record.lockedUntilMs, nowMs)})`);
  }
  lines.push(`expires      ${iso(record.expiresAtSec * 1000)} (${relative(record.expiresAtSec * 1000, nowMs)})`);
  if (record.validation !== undefined) lines.push(`validation   ${record.validation}`);
  const replay = replayNow(record, nowMs);
  lines.push(field('replay now', `${replay.action}: ${replay.reason}`));
  const shown = recordJson(record, nowMs);
  if (record.data !== undefined) lines.push('result', JSON.stringify(shown.result, null, 2));
  if (record.error !== undefined) lines.push('cached error', JSON.stringify(shown.error, null, 2));
  if (record.notStored !== undefined) lines.push('result not stored', JSON.stringify(shown.notStored, null, 2));
  return `${lines.join('\n')}\n`;
};

/** `oncely inspect KEY`. */
export const inspectCommand = async (source: RecordSource, positionals: string[], flags: Flags, io: CliIo) => {
  const key = keyArgument(positionals, 'inspect');
  const nowMs = io.now();
  const record = await source.get(key);
  const item = flags.raw ? await source.raw(key) : undefined;
  if (record === undefined) {
    const replay = replayNow(undefined, nowMs);
    if (flags.json) io.stdout(json({ key, found: false, replay }));
    else io.stdout(`${field('no record', `for key ${key} in ${source.where}; a call with this key runs now.`)}\n`);
    return exitCodes.refused;
  }
  if (flags.json) {
    io.stdout(
      json({ found: true, ...recordJson(record, nowMs), replay: replayNow(record, nowMs), ...(flags.raw && { item }) }),
    );
  } else {
    io.stdout(describe(record, nowMs));
    if (flags.raw) io.stdout(`item\n${json(item)}`);
  }
  return exitCodes.ok;
};

/** Scans the records the flags select, with a progress line on stderr. */
const scanRecords = async function* (source: RecordSource, flags: Flags, io: CliIo): AsyncIterable<FoundRecord> {
  let last = '';
  for await (const found of source.scan({
    prefix: flags.prefix,
    onPage: ({ pages, scanned }) => {
      last = `scanned ${scanned} items in ${pages} pages`;
      if (io.interactive) io.stderr(`\r${last}`);
    },
  })) {
    yield found;
  }
  io.stderr(io.interactive ? '\n' : `${last}\n`);
};

/** `oncely list`. */
export const listCommand = async (source: RecordSource, flags: Flags, io: CliIo) => {
  const status = flags.status === undefined ? undefined : parseRecordStatus(flags.status);
  if (flags.status !== undefined && status === undefined) {
    throw new UsageError(`--status must be INPROGRESS or COMPLETED, got "${flags.status}"`);
  }
  const limit = positiveInteger(flags.limit, 'limit');
  const stuckAfterMs = (positiveInteger(flags['stuck-after'], 'stuck-after') ?? DEFAULT_STUCK_AFTER_SEC) * 1000;
  const nowMs = io.now();
  const records: IdempotencyRecord[] = [];
  for await (const { record } of scanRecords(source, flags, io)) {
    if (status !== undefined && record.status !== status) continue;
    if (flags.stuck && !isStuck(record, nowMs, stuckAfterMs)) continue;
    records.push(record);
    if (limit !== undefined && records.length >= limit) break;
  }
  if (flags.json) {
    io.stdout(
      json(records.map((record) => ({ ...recordJson(record, nowMs), stuck: isStuck(record, nowMs, stuckAfterMs) }))),
    );
    return exitCodes.ok;
  }
  const rows = records.map((record) => {
    const lock =
      record.status === 'INPROGRESS' && record.lockedUntilMs !== undefined ? relative(record.lockedUntilMs, nowMs) : '';
    return `${record.status.padEnd(11)}${lock.padEnd(14).slice(0, 14)} ${relative(record.expiresAtSec * 1000, nowMs).padEnd(13)}${clip(record.key, 41)}`;
  });
  io.stdout(
    `${'STATUS'.padEnd(11)}${'LOCK ENDS'.padEnd(14)}${'EXPIRES'.padEnd(14)}KEY\n${rows.map((row) => `${row}\n`).join('')}`,
  );
  io.stdout(`${records.length} record${records.length === 1 ? '' : 's'}\n`);
  return exitCodes.ok;
};

const SIZE_BUCKETS = [1024, 4096, 16_384, 65_536, 409_600];
const bucketName = (index: number): string =>
  index < SIZE_BUCKETS.length ? `<= ${(SIZE_BUCKETS[index] as number) / 1024} KB` : '> 400 KB';

/** `oncely stats`: counts by status and prefix, the oldest lock, item sizes. */
export const statsCommand = async (source: RecordSource, flags: Flags, io: CliIo) => {
  const nowMs = io.now();
  const byStatus: Record<string, number> = { INPROGRESS: 0, COMPLETED: 0, expired: 0 };
  const byPrefix: Record<string, number> = {};
  const sizes: number[] = new Array(SIZE_BUCKETS.length + 1).fill(0);
  let stuck = 0;
  let oldestLock: IdempotencyRecord | undefined;
  for await (const { record, sizeBytes } of scanRecords(source, flags, io)) {
    const expired = record.expiresAtSec * 1000 <= nowMs;
    byStatus[expired ? 'expired' : record.status] = (byStatus[expired ? 'expired' : record.status] ?? 0) + 1;
    const hashAt = record.key.lastIndexOf('#');
    const prefix = hashAt < 0 ? '(none)' : record.key.slice(0, hashAt);
    byPrefix[prefix] = (byPrefix[prefix] ?? 0) + 1;
    const bucket = SIZE_BUCKETS.findIndex((limit) => sizeBytes <= limit);
    const index = bucket < 0 ? SIZE_BUCKETS.length : bucket;
    sizes[index] = (sizes[index] ?? 0) + 1;
    if (isStuck(record, nowMs, DEFAULT_STUCK_AFTER_SEC * 1000)) stuck++;
    if (
      !expired &&
      record.status === 'INPROGRESS' &&
      (oldestLock === undefined || (record.lockedUntilMs ?? 0) < (oldestLock.lockedUntilMs ?? 0))
    ) {
      oldestLock = record;
    }
  }
  const histogram = Object.fromEntries(sizes.map((count, index) => [bucketName(index), count]));
  if (flags.json) {
    io.stdout(
      json({
        byStatus,
        byPrefix,
        stuck,
        oldestLock: oldestLock === undefined ? null : recordJson(oldestLock, nowMs),
        sizes: histogram,
      }),
    );
    return exitCodes.ok;
  }
  const lines = ['by status', ...Object.entries(byStatus).map(([name, count]) => `  ${name.padEnd(12)}${count}`)];
  lines.push('by prefix', ...Object.entries(byPrefix).map(([name, count]) => `  ${clip(name, 60).padEnd(62)}${count}`));
  lines.push(`stuck        ${stuck}`);
  if (oldestLock !== undefined) {
    const ends =
      oldestLock.lockedUntilMs === undefined ? 'no lock end' : `lock ends ${relative(oldestLock.lockedUntilMs, nowMs)}`;
    lines.push(`oldest lock  ${clip(oldestLock.key, 40)} (${ends})`);
  }
  lines.push('item sizes', ...Object.entries(histogram).map(([name, count]) => `  ${name.padEnd(12)}${count}`));
  io.stdout(`${lines.join('\n')}\n`);
  return exitCodes.ok;
};
