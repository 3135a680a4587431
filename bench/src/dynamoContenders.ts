import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { type BenchHandler, type WrapOptions, withOncely, withPowertools } from './contenders.js';
import type { LocalDynamoDB } from './localDynamoDB.js';
import { logRequests, type RequestLog } from './requestLog.js';

/** The two libraries, compared in the same run. */
export type Library = 'oncely' | 'Powertools';
export const LIBRARIES: readonly Library[] = ['oncely', 'Powertools'];

/** A handler guarded by one library on DynamoDB Local, with the log of its client's requests. */
export interface Guarded<E, R> {
  readonly handler: BenchHandler<E, R>;
  readonly log: RequestLog;
}

/**
 * Wraps `handler` with `library` and its DynamoDB store on its own client and table.
 *
 * @example
 * ```ts
 * const { handler, log } = guardWithDynamoDB('oncely', local, bare, { localCache: true });
 * ```
 */
export const guardWithDynamoDB = <E, R>(
  library: Library,
  local: LocalDynamoDB,
  handler: BenchHandler<E, R>,
  options: WrapOptions & { consumedCapacity?: boolean } = {},
): Guarded<E, R> => {
  const client: DynamoDBClient = local.client();
  const log = logRequests(client, { consumedCapacity: options.consumedCapacity ?? false });
  const wrapOptions: WrapOptions = { localCache: options.localCache ?? false, wait: options.wait ?? false };
  if (library === 'oncely') {
    const store = new DynamoDBStore({ tableName: local.tables.oncely, client });
    return { handler: withOncely(handler, store, wrapOptions), log };
  }
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: local.tables.powertools, awsSdkV3Client: client });
  return { handler: withPowertools(handler, persistenceStore, wrapOptions), log };
};
