import type { AttributeValue, TransactWriteItemsCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { WritePatternUsageError } from './errors.js';
import type { ItemKey } from './target.js';
import { addAction, type ItemUpdate, placeholders, withOwnPlaceholders } from './updateExpression.js';

/**
 * Applied change ids kept in a string-set attribute of the item itself: one UpdateItem per
 * change, for items with a short lifecycle (an order, an invoice). Each token makes every later
 * write of the item larger; a full set is refused with `TokenSetFullError`.
 *
 * @example
 * ```ts
 * const strategy: TokenSetStrategy = { kind: 'token-set', attribute: 'appliedChanges', maxTokens: 20 };
 * ```
 */
export interface TokenSetStrategy {
  kind: 'token-set';
  /** String-set attribute holding the applied change ids. Default `appliedChanges`. */
  attribute?: string | undefined;
  /** Most change ids the item records. Default 20 (about 0.8 KB of UUIDs). */
  maxTokens?: number | undefined;
}

/**
 * Each applied change id is an item of its own, with a TTL, written in one transaction with
 * the update: for items with an unbounded lifecycle (an account balance, a counter). Twice the
 * write units of a plain update, plus the token item.
 *
 * @example
 * ```ts
 * const strategy: TokenItemStrategy = { kind: 'token-item', ttlSeconds: 7 * 24 * 3600 };
 * ```
 */
export interface TokenItemStrategy {
  kind: 'token-item';
  /** How long a change id is remembered, at least; enable TTL on `expiresAtAttribute`. */
  ttlSeconds: number;
  /** Table of the token items. Default: the item's table. */
  tableName?: string | undefined;
  /**
   * Primary key of the token item. Default: every attribute of the item's key set to
   * `change#["<item's table>",<item's key>,"<changeId>"]` (type S, each part JSON-encoded, so no
   * two tables, keys or change ids share a token); give your own when the key has a non-string
   * attribute, and make it just as injective: include the table when a token table is shared.
   */
  tokenKey?: ((key: ItemKey, changeId: string, tableName: string) => ItemKey) | undefined;
  /** Epoch-seconds TTL attribute of the token item. Default `expiration`, as in the idempotency table. */
  expiresAtAttribute?: string | undefined;
  /** Tries when DynamoDB cancels the transaction for a conflict with another one on the item. Default 8. */
  maxAttempts?: number | undefined;
}

/**
 * How `updateOnce` remembers the change ids it applied.
 *
 * @example
 * ```ts
 * const strategy: ApplyOnceStrategy = { kind: 'token-set', maxTokens: 20 };
 * ```
 */
export type ApplyOnceStrategy = TokenSetStrategy | TokenItemStrategy;

/**
 * One update to apply once: the item, the update, and the id of this change (derived from the
 * request that causes it, so a retry carries the same id).
 *
 * @example
 * ```ts
 * const change: ApplyOnceUpdate = { key: { id: { S: 'page-views' } }, update, changeId: event.requestId, strategy };
 * ```
 */
export interface ApplyOnceUpdate {
  key: ItemKey;
  update: ItemUpdate;
  changeId: string;
  strategy: ApplyOnceStrategy;
}

export const DEFAULT_MAX_TOKENS = 20;

const joinConditions = (...conditions: (string | undefined)[]): string =>
  conditions
    .filter((condition): condition is string => condition !== undefined && condition.trim() !== '')
    .map((condition) => `(${condition})`)
    .join(' AND ');

/**
 * UpdateItem of the token-set strategy: the update plus `ADD` of the change id, conditioned on
 * the id being absent and the set not full (and on the caller's condition).
 *
 * @example
 * ```ts
 * await client.send(new UpdateItemCommand(buildTokenSetInput('counters', change)));
 * ```
 */
export const buildTokenSetInput = (
  tableName: string,
  change: ApplyOnceUpdate & { strategy: TokenSetStrategy },
): UpdateItemCommandInput => {
  const maxTokens = change.strategy.maxTokens ?? DEFAULT_MAX_TOKENS;
  const { names, values } = withOwnPlaceholders(
    change.update,
    { '#oncelyTokens': change.strategy.attribute ?? 'appliedChanges' },
    {
      ':oncelyToken': { S: change.changeId },
      ':oncelyTokenSet': { SS: [change.changeId] },
      ':oncelyMaxTokens': { N: String(maxTokens) },
    },
  );
  const notApplied = 'NOT contains(#oncelyTokens, :oncelyToken)';
  const roomLeft = 'attribute_not_exists(#oncelyTokens) OR size(#oncelyTokens) < :oncelyMaxTokens';
  return {
    TableName: tableName,
    Key: change.key,
    UpdateExpression: addAction(change.update.expression, 'ADD', '#oncelyTokens :oncelyTokenSet'),
    ConditionExpression: joinConditions(notApplied, roomLeft, change.update.condition),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
};

// The key as JSON, attribute names sorted and types kept (a B value as base64), so that
// `{ pk: 'a,sk=b', sk: 'c' }` and `{ pk: 'a', sk: 'b,sk=c' }` stay apart.
const keyParts = (key: ItemKey): Record<string, unknown> => {
  const parts: Record<string, unknown> = {};
  for (const name of Object.keys(key).sort()) {
    const value = key[name] as AttributeValue;
    const part =
      value.S !== undefined
        ? { S: value.S }
        : value.N !== undefined
          ? { N: value.N }
          : value.B !== undefined
            ? { B: Buffer.from(value.B).toString('base64') }
            : value;
    Object.defineProperty(parts, name, { value: part, enumerable: true });
  }
  return parts;
};

/**
 * The default token of a change: the item's table, key and change id, each JSON-encoded, so
 * one change id applied to two tables sharing a token table, or key and id pairs that would
 * join to the same text (`ORDER#1#LINE` + `2`, `ORDER#1` + `LINE#2`), never share a token.
 *
 * @example
 * ```ts
 * tokenText('counters', { id: { S: 'page-views' } }, 'c1'); // 'change#["counters",{"id":{"S":"page-views"}},"c1"]'
 * ```
 */
export const tokenText = (tableName: string, key: ItemKey, changeId: string): string =>
  `change#${JSON.stringify([tableName, keyParts(key), changeId])}`;

const defaultTokenKey = (key: ItemKey, changeId: string, tableName: string): ItemKey => {
  const token: AttributeValue = { S: tokenText(tableName, key, changeId) };
  return Object.fromEntries(Object.keys(key).map((name) => [name, token]));
};

/**
 * TransactWriteItems of the token-item strategy: the caller's update, and a Put of the change's
 * token item only if it does not exist yet. Item 0 is the update, item 1 the token.
 *
 * @example
 * ```ts
 * await client.send(new TransactWriteItemsCommand(buildTokenItemInput('accounts', change, Date.now())));
 * ```
 */
export const buildTokenItemInput = (
  tableName: string,
  change: ApplyOnceUpdate & { strategy: TokenItemStrategy },
  nowMs: number,
): TransactWriteItemsCommandInput => {
  const { strategy, update } = change;
  const tokenKey = (strategy.tokenKey ?? defaultTokenKey)(change.key, change.changeId, tableName);
  const keyAttribute = Object.keys(tokenKey)[0];
  if (keyAttribute === undefined) throw new WritePatternUsageError('tokenKey returned an empty key');
  const expiresAtSec = Math.floor(nowMs / 1000) + strategy.ttlSeconds;
  return {
    TransactItems: [
      {
        Update: {
          TableName: tableName,
          Key: change.key,
          UpdateExpression: update.expression,
          ...(update.condition === undefined ? {} : { ConditionExpression: update.condition }),
          ...placeholders(update.names, update.values),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: strategy.tableName ?? tableName,
          Item: {
            changeId: { S: change.changeId },
            [strategy.expiresAtAttribute ?? 'expiration']: { N: String(expiresAtSec) },
            ...tokenKey,
          },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': keyAttribute },
        },
      },
    ],
  };
};
