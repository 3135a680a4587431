import type {
  AttributeValue,
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Completion, LockRequest } from '@oncely/core';
import { itemSizeBytes, MAX_ITEM_BYTES } from './itemSize.js';
import { primaryKeyOf, type TableLayout } from './layout.js';
import { resultTooLarge } from './persistenceError.js';
import { encodeData } from './recordCodec.js';

// Each clause named; a reader sees the lock's life at a glance. `#id` is the partition key: in
// sort-key mode `attribute_not_exists` on it still asks "is there an item with this primary key".
const keyIsFree = 'attribute_not_exists(#id)';
// `<=` as in core's isRecordExpired (expiresAtSec * 1000 <= nowMs), so store and engine agree.
const recordExpired = '#expiration <= :nowSec';
// A lock without in_progress_expiration (old Powertools) never matches: it is held until the record expires.
const lockExpired = '#status = :inProgress AND #lockedUntil < :nowMs';
// Fences completion, release and extend on the call that took the lock.
const ownerIsUs = '#owner = :owner';
// An SDK retry of our own lock write after an ambiguous 5xx must not turn into a conflict; but
// only while the record is still that lock: a copy of the write that arrives after the call
// completed (the SDK gave up on it, DynamoDB got it later) must not turn the result back into a
// lock, nor move the end of a lease renewed since then back.
const lockIsOurs = '#owner = :owner AND #status = :inProgress AND #lockedUntil <= :lockedUntilMs';

const n = (value: number): AttributeValue => ({ N: String(value) });

/**
 * PutItem that writes the INPROGRESS lock when the key is free, its record or lock expired, or
 * the lock is already ours; on conflict DynamoDB returns the holder's item (one round trip).
 *
 * @example
 * ```ts
 * await client.send(new PutItemCommand(buildAcquireInput(layout, { key, owner, lockedUntilMs, expiresAtSec, nowMs })));
 * ```
 */
export const buildAcquireInput = (layout: TableLayout, lock: LockRequest): PutItemCommandInput => {
  const { names } = layout;
  const item: Record<string, AttributeValue> = {
    ...primaryKeyOf(layout, lock.key),
    [names.status]: { S: 'INPROGRESS' },
    [names.expiration]: n(lock.expiresAtSec),
    [names.inProgressExpiration]: n(lock.lockedUntilMs),
    [names.owner]: { S: lock.owner },
  };
  if (lock.validation !== undefined) item[names.validation] = { S: lock.validation };
  return {
    TableName: layout.tableName,
    Item: item,
    ConditionExpression: `${keyIsFree} OR ${recordExpired} OR (${lockExpired}) OR (${lockIsOurs})`,
    ExpressionAttributeNames: {
      '#id': names.key,
      '#expiration': names.expiration,
      '#status': names.status,
      '#lockedUntil': names.inProgressExpiration,
      '#owner': names.owner,
    },
    ExpressionAttributeValues: {
      ':nowSec': n(Math.floor(lock.nowMs / 1000)),
      ':nowMs': n(lock.nowMs),
      ':inProgress': { S: 'INPROGRESS' },
      ':owner': { S: lock.owner },
      ':lockedUntilMs': n(lock.lockedUntilMs),
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
};

/**
 * UpdateItem that turns the caller's lock into a COMPLETED record with the (possibly
 * compressed) result. Conditioned on the owner only, not on the status: a retried completion
 * after an ambiguous success succeeds, and a lock taken over has another owner, so it is fenced.
 * Throws `IdempotencyPersistenceError` when the result cannot fit into an item.
 *
 * @example
 * ```ts
 * await client.send(new UpdateItemCommand(buildCompleteInput(layout, { key, owner, data, expiresAtSec })));
 * ```
 */
export const buildCompleteInput = (layout: TableLayout, completion: Completion): UpdateItemCommandInput => {
  const { names } = layout;
  const key = primaryKeyOf(layout, completion.key);
  const values: Record<string, AttributeValue> = {
    ':completed': { S: 'COMPLETED' },
    ':expiresAtSec': n(completion.expiresAtSec),
    ':owner': { S: completion.owner },
  };
  const attributeNames: Record<string, string> = {
    '#status': names.status,
    '#expiration': names.expiration,
    '#lockedUntil': names.inProgressExpiration,
    '#data': names.data,
    '#owner': names.owner,
  };
  let updateExpression = 'SET #status = :completed, #expiration = :expiresAtSec REMOVE #lockedUntil, #data';
  if (completion.notStored !== undefined) {
    attributeNames['#notStored'] = names.notStored;
    values[':notStored'] = { S: completion.notStored };
    updateExpression =
      'SET #status = :completed, #expiration = :expiresAtSec, #notStored = :notStored REMOVE #lockedUntil, #data';
  } else if (completion.error !== undefined) {
    attributeNames['#error'] = names.error;
    values[':error'] = { S: completion.error };
    updateExpression =
      'SET #status = :completed, #expiration = :expiresAtSec, #error = :error REMOVE #lockedUntil, #data';
  } else if (completion.data !== undefined) {
    // What we know of the item after the update; validation and unknown attributes come on top,
    // and DynamoDB's own ValidationException catches those rare cases.
    const otherBytes = itemSizeBytes({
      ...key,
      [names.status]: values[':completed'] as AttributeValue,
      [names.expiration]: values[':expiresAtSec'] as AttributeValue,
      [names.owner]: values[':owner'] as AttributeValue,
      [names.data]: { S: '' },
    });
    const data = encodeData(completion.data, layout, otherBytes);
    // The value alone: the attribute's name is counted in otherBytes. A native value (powertools:
    // 'typescript') is counted as DynamoDB counts a map or a list.
    const sizeBytes = otherBytes + itemSizeBytes({ '': data });
    if (sizeBytes > MAX_ITEM_BYTES) throw resultTooLarge(completion.key, sizeBytes);
    values[':data'] = data;
    updateExpression = 'SET #status = :completed, #expiration = :expiresAtSec, #data = :data REMOVE #lockedUntil';
  }
  return {
    TableName: layout.tableName,
    Key: key,
    UpdateExpression: updateExpression,
    ConditionExpression: ownerIsUs,
    ExpressionAttributeNames: attributeNames,
    ExpressionAttributeValues: values,
  };
};

/**
 * UpdateItem that moves the caller's lock expiry and the record's expiry forward (a heartbeat lease
 * renewal), only while the caller owns the record and it is still INPROGRESS.
 *
 * @example
 * ```ts
 * await client.send(new UpdateItemCommand(buildExtendInput(layout, key, owner, lockedUntilMs, expiresAtSec)));
 * ```
 */
export const buildExtendInput = (
  layout: TableLayout,
  key: string,
  owner: string,
  lockedUntilMs: number,
  expiresAtSec: number,
): UpdateItemCommandInput => ({
  TableName: layout.tableName,
  Key: primaryKeyOf(layout, key),
  // The record's expiry moves with the lock: a record that expired while its lock still ran
  // could be taken over by a duplicate.
  UpdateExpression: 'SET #lockedUntil = :lockedUntilMs, #expiration = :expiresAtSec',
  // A late copy of an earlier renewal never moves the lock's end back (`<=`: an SDK retry of
  // this very renewal still applies). A refusal returns the item, so the store can tell it apart.
  ConditionExpression: lockIsOurs,
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  ExpressionAttributeNames: {
    '#lockedUntil': layout.names.inProgressExpiration,
    '#expiration': layout.names.expiration,
    '#owner': layout.names.owner,
    '#status': layout.names.status,
  },
  ExpressionAttributeValues: {
    ':lockedUntilMs': n(lockedUntilMs),
    ':expiresAtSec': n(expiresAtSec),
    ':owner': { S: owner },
    ':inProgress': { S: 'INPROGRESS' },
  },
});

/**
 * DeleteItem that frees the key while the caller holds it; a record already gone counts as
 * released (a retry after an ambiguous delete).
 *
 * @example
 * ```ts
 * await client.send(new DeleteItemCommand(buildReleaseInput(layout, key, owner)));
 * ```
 */
export const buildReleaseInput = (layout: TableLayout, key: string, owner: string): DeleteItemCommandInput => ({
  TableName: layout.tableName,
  Key: primaryKeyOf(layout, key),
  ConditionExpression: `${keyIsFree} OR ${ownerIsUs}`,
  ExpressionAttributeNames: { '#id': layout.names.key, '#owner': layout.names.owner },
  ExpressionAttributeValues: { ':owner': { S: owner } },
});

/**
 * Strongly consistent GetItem of the record for `key`.
 *
 * @example
 * ```ts
 * const { Item } = await client.send(new GetItemCommand(buildGetInput(layout, key)));
 * ```
 */
export const buildGetInput = (layout: TableLayout, key: string): GetItemCommandInput => ({
  TableName: layout.tableName,
  Key: primaryKeyOf(layout, key),
  ConsistentRead: true,
});
