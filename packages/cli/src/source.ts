import type { IdempotencyRecord } from '@oncely/core';

/** A record found by a scan, with the approximate size of its stored item in bytes. */
export interface FoundRecord {
  record: IdempotencyRecord;
  sizeBytes: number;
}

/** Progress of a scan, reported once per page. */
export interface ScanProgress {
  pages: number;
  scanned: number;
}

/** What a scan reads: keys starting with `prefix`, at most `limit` records. */
export interface ScanRequest {
  prefix: string | undefined;
  onPage: (progress: ScanProgress) => void;
}

/** Outcome of a conditional delete: `changed` means the record is no longer the one read, and nothing was deleted. */
export type DeleteOutcome = 'deleted' | 'changed';

/**
 * Where the records live, read and written with the store's own code (DynamoDB or Redis).
 * `deleteIfUnchanged` deletes a record only while its status, expiry, lock end and owner are
 * still those of `record`.
 */
export interface RecordSource {
  /** Names the table or server in messages: `table "idempotency"`. */
  readonly where: string;
  get(key: string): Promise<IdempotencyRecord | undefined>;
  /** The stored item as the backend holds it (DynamoDB attribute values, a Redis hash or string). */
  raw(key: string): Promise<unknown>;
  scan(request: ScanRequest): AsyncIterable<FoundRecord>;
  deleteIfUnchanged(record: IdempotencyRecord): Promise<DeleteOutcome>;
  close(): Promise<void>;
}
