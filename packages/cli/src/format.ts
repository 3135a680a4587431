import type { IdempotencyRecord } from '@oncely/core';
import { isLockExpired, isRecordExpired } from '@oncely/core/engine';

/** A span of time in words: `3m 20s`, `2h 5m`, `4d 1h`. */
export const span = (ms: number): string => {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
};

/** `in 3m 20s` or `3m 20s ago`. */
export const relative = (atMs: number, nowMs: number): string =>
  atMs >= nowMs ? `in ${span(atMs - nowMs)}` : `${span(nowMs - atMs)} ago`;

/** An epoch millisecond as ISO 8601 UTC, to the second. */
export const iso = (atMs: number): string => new Date(atMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What a call with this key would do now. */
export type ReplayAction = 'replay' | 'wait-or-refuse' | 'run';

/**
 * What a call with the record's key would do now, as the engine decides: a live completed
 * record is replayed, a live lock makes it wait (whenInProgress: { wait }) or be refused
 * (IdempotencyAlreadyInProgressError, HTTP 409), anything else runs the handler.
 */
export const replayNow = (
  record: IdempotencyRecord | undefined,
  nowMs: number,
): { action: ReplayAction; reason: string } => {
  if (record === undefined) return { action: 'run', reason: 'no record: the handler runs' };
  if (isRecordExpired(record, nowMs)) return { action: 'run', reason: 'the record has expired: the handler runs' };
  if (record.status === 'COMPLETED') {
    if (record.notStored !== undefined) {
      return { action: 'replay', reason: 'replays fail with IdempotencyResultNotStoredError (result not stored)' };
    }
    if (record.error !== undefined) return { action: 'replay', reason: 'the cached error is thrown again' };
    return { action: 'replay', reason: 'the stored result is returned; the handler does not run' };
  }
  if (isLockExpired(record, nowMs)) return { action: 'run', reason: 'the lock has ended: the next call takes over' };
  const until = record.lockedUntilMs === undefined ? 'the record expires' : iso(record.lockedUntilMs);
  return {
    action: 'wait-or-refuse',
    reason: `locked until ${until}: refused (IdempotencyAlreadyInProgressError, HTTP 409), or waits with whenInProgress: { wait }`,
  };
};

/**
 * True for an INPROGRESS record that needs a look: its lock has ended (a crashed call; the next
 * call takes over, but nothing retries it by itself), it has no lock end (held until the record
 * expires), or its lock ends more than `thresholdMs` from now (longer than any Lambda runs).
 */
export const isStuck = (record: IdempotencyRecord, nowMs: number, thresholdMs: number): boolean => {
  if (record.status !== 'INPROGRESS' || isRecordExpired(record, nowMs)) return false;
  if (record.lockedUntilMs === undefined) return true;
  return record.lockedUntilMs < nowMs || record.lockedUntilMs - nowMs > thresholdMs;
};

/** Shortens text to `width` characters, keeping its start and end. */
export const clip = (text: string, width: number): string =>
  text.length <= width
    ? text
    : `${text.slice(0, Math.ceil((width - 1) / 2))}…${text.slice(text.length - Math.floor((width - 1) / 2))}`;

/** The record as JSON for scripts: times in both epoch and ISO form, the result parsed. */
export const recordJson = (record: IdempotencyRecord, nowMs: number) => ({
  key: record.key,
  status: record.status,
  owner: record.owner ?? null,
  lockedUntilMs: record.lockedUntilMs ?? null,
  lockedUntil: record.lockedUntilMs === undefined ? null : iso(record.lockedUntilMs),
  expiresAtSec: record.expiresAtSec,
  expiresAt: iso(record.expiresAtSec * 1000),
  expired: isRecordExpired(record, nowMs),
  validation: record.validation ?? null,
  result: record.data === undefined ? null : parseOr(record.data),
  error: record.error === undefined ? null : parseOr(record.error),
  notStored: record.notStored === undefined ? null : parseOr(record.notStored),
});

const parseOr = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

// Human output fits an 80-column terminal.
const COLUMNS = 80;

/**
 * `label` (padded to 13 columns) and `text`, wrapped at word boundaries so no line passes 80
 * columns; continuation lines are indented under the text. A single word longer than the room
 * (a long key) stays whole.
 */
export const field = (label: string, text: string): string => {
  const indent = ' '.repeat(13);
  const room = COLUMNS - indent.length;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return `${label.padEnd(13)}${lines.join(`\n${indent}`)}`;
};
