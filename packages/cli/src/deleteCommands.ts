import type { RecordStatus } from '@oncely/core';
import { isLockExpired } from '@oncely/core/engine';
import { type Flags, UsageError } from './args.js';
import { iso, recordJson, relative } from './format.js';
import { type CliIo, exitCodes } from './io.js';
import type { RecordSource } from './source.js';

interface DeleteCommand {
  name: 'release' | 'forget';
  status: RecordStatus;
  effect: string;
}

const release: DeleteCommand = { name: 'release', status: 'INPROGRESS', effect: 'the next retry runs the handler' };
const forget: DeleteCommand = { name: 'forget', status: 'COMPLETED', effect: 'the next call runs the handler again' };

const say = (io: CliIo, flags: Flags, value: Record<string, unknown>, text: string): void =>
  io.stdout(flags.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);

/**
 * `oncely release KEY` and `oncely forget KEY`: reads the record, checks its status (and
 * `--owner`), asks, then deletes it only while it is unchanged: a record that completed, was
 * taken over or was extended in between is left alone. (The store's own `release` is fenced on
 * the owner alone, and would also delete a record its owner completed in the meantime.)
 */
const deleteRecord = async (
  command: DeleteCommand,
  source: RecordSource,
  positionals: string[],
  flags: Flags,
  io: CliIo,
) => {
  const [key] = positionals;
  if (key === undefined || positionals.length > 1) throw new UsageError(`oncely ${command.name} takes one KEY`);
  if (command.name === 'forget' && flags.owner !== undefined) throw new UsageError('--owner is for oncely release');
  const nowMs = io.now();
  const record = await source.get(key);
  if (record === undefined) {
    say(
      io,
      flags,
      { key, done: false, reason: 'not-found' },
      `No record for key ${key} in ${source.where}; nothing to ${command.name}.`,
    );
    return exitCodes.refused;
  }
  if (record.status !== command.status) {
    const other = command.name === 'release' ? 'forget' : 'release';
    say(
      io,
      flags,
      { key, done: false, reason: 'wrong-status', record: recordJson(record, nowMs) },
      `Refused: the record of ${key} is ${record.status}, not ${command.status}; use oncely ${other} if that is what you mean.`,
    );
    return exitCodes.refused;
  }
  if (flags.owner !== undefined && record.owner !== flags.owner) {
    say(
      io,
      flags,
      { key, done: false, reason: 'changed', record: recordJson(record, nowMs) },
      `Refused: the record changed: its owner is now ${record.owner ?? '(none)'}, not ${flags.owner}. Inspect it again.`,
    );
    return exitCodes.refused;
  }
  const held = record.lockedUntilMs !== undefined && !isLockExpired(record, nowMs) ? record.lockedUntilMs : undefined;
  const warning =
    command.name === 'release' && held !== undefined
      ? ` The lock is still held until ${iso(held)} (${relative(held, nowMs)}): the call may still be running.`
      : '';
  const question =
    `${command.name === 'release' ? 'Release the lock on' : 'Forget the result of'} ${key}` +
    ` (owner ${record.owner ?? 'none'})? Then ${command.effect}.${warning}`;
  if (!flags.yes) {
    if (!io.interactive) {
      io.stderr(`${question}\nNot on a terminal: pass --yes to ${command.name} without asking.\n`);
      return exitCodes.usage;
    }
    if (!(await io.confirm(question))) {
      say(io, flags, { key, done: false, reason: 'declined' }, 'Nothing deleted.');
      return exitCodes.refused;
    }
  }
  const outcome = await source.deleteIfUnchanged(record);
  if (outcome === 'changed') {
    say(
      io,
      flags,
      { key, done: false, reason: 'changed' },
      `Refused: the record of ${key} changed since it was read (completed, taken over or extended); nothing deleted. Inspect it again.`,
    );
    return exitCodes.refused;
  }
  const past = command.name === 'release' ? 'Released' : 'Forgot';
  say(
    io,
    flags,
    { key, done: true, action: command.name, deleted: recordJson(record, nowMs) },
    `${past} ${key} (was ${record.status}, owner ${record.owner ?? 'none'}); ${command.effect}.`,
  );
  return exitCodes.ok;
};

/** `oncely release KEY [--owner O]`. */
export const releaseCommand = (source: RecordSource, positionals: string[], flags: Flags, io: CliIo) =>
  deleteRecord(release, source, positionals, flags, io);

/** `oncely forget KEY`. */
export const forgetCommand = (source: RecordSource, positionals: string[], flags: Flags, io: CliIo) =>
  deleteRecord(forget, source, positionals, flags, io);
