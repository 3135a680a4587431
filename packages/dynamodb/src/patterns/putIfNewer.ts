import {
  type AttributeValue,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { silentLogger } from '@oncely/core';
import { isConditionalCheckFailed } from '../sdkError.js';
import { UnexpectedItemError, WritePatternUsageError } from './errors.js';
import { toWriteFailedError } from './failures.js';
import { checkAttributeMap, checkKnownKeys, checkWriteTarget, given, parseName, refuse } from './options.js';
import { describeKey, type ItemKey, type WriteTarget } from './target.js';

// An item without the version attribute (a new key, or one written by a writer that does not
// version) is older than any version.
const isNewer = 'attribute_not_exists(#version) OR #version < :version';

/** A version: an integer, as a `bigint` when it is past 2^53 (DynamoDB numbers hold 38 digits). */
export type Version = number | bigint;

interface VersionedWriteBase {
  key: ItemKey;
  /** The version of this write, such as the source's sequence number or an updated-at in ms. */
  version: Version;
  /** Attribute holding the version. Default `version`. */
  versionAttribute?: string | undefined;
}

/**
 * A versioned write: either a full `item` (PutItem, replacing every attribute) or a `set` of
 * attributes to update (UpdateItem, other attributes kept).
 *
 * @example
 * ```ts
 * const write: VersionedWrite = { key: { pk: { S: 'acct-1' } }, version: 42, set: { balance: { N: '150' } } };
 * ```
 */
export type VersionedWrite = VersionedWriteBase &
  ({ item: Record<string, AttributeValue>; set?: never } | { set: Record<string, AttributeValue>; item?: never });

/**
 * What `putIfNewer` did. A refused write is not an error: `duplicate` means the stored version
 * equals this one (a redelivered record), `stale` that it is higher (an out-of-order record).
 *
 * @example
 * ```ts
 * const outcome: PutIfNewerOutcome = { status: 'skipped', reason: 'stale', storedVersion: 43 };
 * ```
 */
export type PutIfNewerOutcome =
  | { status: 'written' }
  | { status: 'skipped'; reason: 'duplicate' | 'stale'; storedVersion: Version };

const versionAttributeOf = (write: VersionedWrite): string => write.versionAttribute ?? 'version';

const where = 'putIfNewer';
const optionNames = ['client', 'tableName', 'logger', 'key', 'version', 'versionAttribute', 'item', 'set'];

/**
 * Checks the options of one `putIfNewer` call before anything is sent; throws
 * `WritePatternUsageError` naming the option, the value and what is allowed.
 *
 * @example
 * ```ts
 * checkPutIfNewerOptions({ client, tableName: 'balances', key, version: 1.5, item }); // throws: version must be an integer...
 * ```
 */
export const checkPutIfNewerOptions = (options: unknown): void => {
  checkKnownKeys(where, options, optionNames);
  checkWriteTarget(where, options);
  checkAttributeMap(where, 'key', options.key, { nonEmpty: true });
  const { version } = options;
  if (typeof version !== 'bigint' && !Number.isSafeInteger(version)) {
    refuse(where, 'version', version, 'an integer (a number up to 2^53, or a bigint)');
  }
  const versionAttribute = parseName(where, 'versionAttribute', options.versionAttribute, 'version');
  if (given(options, 'item') && given(options, 'set')) {
    throw new WritePatternUsageError(`${where}: give either item or set, not both`, { option: 'set' });
  }
  if (!given(options, 'item') && !given(options, 'set')) {
    throw new WritePatternUsageError(`${where}: give item (a full item to put) or set (attributes to update)`, {
      option: 'item',
    });
  }
  if (given(options, 'item')) {
    checkAttributeMap(where, 'item', options.item);
    return;
  }
  checkAttributeMap(where, 'set', options.set);
  const key = options.key as ItemKey;
  const taken = Object.keys(options.set as object).find((name) => name in key || name === versionAttribute);
  if (taken !== undefined) {
    throw new WritePatternUsageError(
      `${where}: set must not hold the key or version attribute "${taken}"; they are written from key and version`,
      { option: 'set' },
    );
  }
};

/**
 * The PutItem or UpdateItem of a versioned write: applied when the item is new or its stored
 * version is lower; on refusal DynamoDB returns the stored item in the same round trip.
 *
 * @example
 * ```ts
 * await client.send(new PutItemCommand(buildPutIfNewerInput('balances', { key, version: 7, item }) as PutItemCommandInput));
 * ```
 */
export const buildPutIfNewerInput = (
  tableName: string,
  write: VersionedWrite,
): PutItemCommandInput | UpdateItemCommandInput => {
  const versionAttribute = versionAttributeOf(write);
  const version: AttributeValue = { N: String(write.version) };
  const common = {
    TableName: tableName,
    ConditionExpression: isNewer,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
  if (write.item !== undefined) {
    return {
      ...common,
      Item: { ...write.item, ...write.key, [versionAttribute]: version },
      ExpressionAttributeNames: { '#version': versionAttribute },
      ExpressionAttributeValues: { ':version': version },
    };
  }
  const names: Record<string, string> = { '#version': versionAttribute };
  const values: Record<string, AttributeValue> = { ':version': version };
  const assignments = ['#version = :version'];
  Object.entries(write.set).forEach(([attribute, value], index) => {
    names[`#a${index}`] = attribute;
    values[`:a${index}`] = value;
    assignments.push(`#a${index} = :a${index}`);
  });
  return {
    ...common,
    Key: write.key,
    UpdateExpression: `SET ${assignments.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};

/**
 * Tells a duplicate from a stale write, given the item that refused it.
 *
 * @example
 * ```ts
 * classifySkip({ version: { N: '7' } }, 'version', 7); // { status: 'skipped', reason: 'duplicate', storedVersion: 7 }
 * ```
 */
export const classifySkip = (
  stored: Record<string, AttributeValue>,
  versionAttribute: string,
  version: Version,
): Extract<PutIfNewerOutcome, { status: 'skipped' }> | undefined => {
  const text = stored[versionAttribute]?.N;
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const storedVersion = typeof version === 'bigint' ? BigInt(text) : Number(text);
  // A refused write has a stored version >= ours; equal is a redelivery.
  const reason = BigInt(text) === BigInt(version) ? 'duplicate' : 'stale';
  return { status: 'skipped', reason, storedVersion };
};

/**
 * Writes an item only when its key is new or the stored version is lower than `version`: for
 * stream consumers (Kinesis, DynamoDB Streams, SQS) that see duplicate and out-of-order records.
 * A duplicate or stale write returns `{ status: 'skipped', reason }`, logged at debug; any other
 * failure throws a `WriteFailedError`. One request; a refused write still uses write capacity.
 * The options are checked first: a wrong one throws `WritePatternUsageError` and sends nothing.
 *
 * Safe to retry: a 5xx or a timeout is thrown as `WriteFailedError` with `maybeApplied: true`,
 * and calling again with the same arguments either writes or reports `duplicate` (the write that
 * the failed call applied), never writes an older version over a newer one.
 *
 * @example
 * ```ts
 * const outcome = await putIfNewer({
 *   client, tableName: 'balances',
 *   key: { accountId: { S: record.accountId } },
 *   version: record.sequence,
 *   item: { balance: { N: String(record.balance) } },
 * });
 * if (outcome.status === 'skipped') metrics.addMetric(`skipped_${outcome.reason}`, 'Count', 1);
 * ```
 */
export const putIfNewer = async (options: WriteTarget & VersionedWrite): Promise<PutIfNewerOutcome> => {
  checkPutIfNewerOptions(options);
  const { client, tableName, logger = silentLogger } = options;
  const input = buildPutIfNewerInput(tableName, options);
  const subject = `item ${describeKey(options.key)} (version ${options.version})`;
  const isPut = options.item !== undefined;
  try {
    if (isPut) await client.send(new PutItemCommand(input as PutItemCommandInput));
    else await client.send(new UpdateItemCommand(input as UpdateItemCommandInput));
    return { status: 'written' };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) {
      throw toWriteFailedError(error, {
        operation: isPut ? 'PutItem' : 'UpdateItem',
        tableName,
        subject,
        isWrite: true,
      });
    }
    const versionAttribute = versionAttributeOf(options);
    const skipped = error.Item === undefined ? undefined : classifySkip(error.Item, versionAttribute, options.version);
    if (skipped === undefined) {
      throw new UnexpectedItemError(
        `DynamoDB refused ${subject} on table "${tableName}", but the stored item has no integer "${versionAttribute}" ` +
          'attribute; check versionAttribute, and that no other writer stores it as another type',
        { tableName, item: error.Item, cause: error },
      );
    }
    logger.debug(`putIfNewer skipped a ${skipped.reason} write`, {
      key: describeKey(options.key),
      tableName,
      version: String(options.version),
      storedVersion: String(skipped.storedVersion),
    });
    return skipped;
  }
};
