import type { Completion, IdempotencyRecord } from '@oncely/core';
import type { PowertoolsFormat } from './options.js';
import { decodePowertoolsRecord, powertoolsOutcomeArgs } from './powertoolsCodec.js';
import {
  powertoolsAcquireScript,
  powertoolsCompleteScript,
  powertoolsExtendScript,
  powertoolsGetScript,
  powertoolsReleaseScript,
} from './powertoolsScripts.js';
import { decodeRecord, recordFields, replyStrings } from './recordCodec.js';
import { acquireScript, completeScript, extendScript, getScript, releaseScript, type Script } from './scripts.js';

/**
 * How records are laid out in Redis: the scripts of each operation (the same arguments in every
 * format), how a completion's outcome is passed, and how a reply is read back.
 */
export interface RecordFormat {
  scripts: Readonly<Record<'acquire' | 'complete' | 'release' | 'extend' | 'get', Script>>;
  /** The complete script's arguments after owner, expiresAtSec and expireAtMs. */
  outcomeArgs(completion: Completion): string[];
  /** The record in a script's reply, `undefined` for none; throws when the reply is not a record. */
  decode(key: string, reply: unknown): IdempotencyRecord | undefined;
}

/** One hash per record (the default). */
const hashFormat: RecordFormat = Object.freeze({
  scripts: Object.freeze({
    acquire: acquireScript,
    complete: completeScript,
    release: releaseScript,
    extend: extendScript,
    get: getScript,
  }),
  outcomeArgs: (completion: Completion): string[] => {
    if (completion.notStored !== undefined) return [recordFields.notStored, completion.notStored];
    if (completion.error !== undefined) return [recordFields.error, completion.error];
    if (completion.data !== undefined) return [recordFields.data, completion.data];
    return [];
  },
  decode: (key: string, reply: unknown): IdempotencyRecord | undefined => {
    const fields = replyStrings(reply);
    return fields.length === 0 ? undefined : decodeRecord(key, fields);
  },
});

/** One JSON string per record, as Powertools TypeScript's CachePersistenceLayer writes it. */
const powertoolsTypeScriptFormat: RecordFormat = Object.freeze({
  scripts: Object.freeze({
    acquire: powertoolsAcquireScript,
    complete: powertoolsCompleteScript,
    release: powertoolsReleaseScript,
    extend: powertoolsExtendScript,
    get: powertoolsGetScript,
  }),
  outcomeArgs: powertoolsOutcomeArgs,
  decode: decodePowertoolsRecord,
});

/**
 * The record format of a store: the hash, or Powertools' cache format.
 *
 * @example
 * ```ts
 * const { scripts } = recordFormat('typescript');
 * ```
 */
export const recordFormat = (powertools: PowertoolsFormat | undefined): RecordFormat =>
  powertools === 'typescript' ? powertoolsTypeScriptFormat : hashFormat;
