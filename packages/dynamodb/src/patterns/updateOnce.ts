import { type AttributeValue, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { silentLogger } from '@oncely/core';
import { isConditionalCheckFailed, isTransactionCanceled } from '../sdkError.js';
import { ConditionFailedError, TokenSetFullError, UnexpectedItemError, WriteFailedError } from './errors.js';
import { toWriteFailedError } from './failures.js';
import {
  checkAttributeMap,
  checkKnownKeys,
  checkWriteTarget,
  given,
  isPlainObject,
  parseCount,
  parseName,
  refuse,
} from './options.js';
import { describeKey, type WriteTarget } from './target.js';
import {
  type ApplyOnceUpdate,
  buildTokenItemInput,
  buildTokenSetInput,
  DEFAULT_MAX_TOKENS,
  type TokenItemStrategy,
  type TokenSetStrategy,
} from './updateOnceInputs.js';

/**
 * What `updateOnce` did: `applied` the update, or found the change id `already-applied` (a
 * retry) and applied nothing.
 *
 * @example
 * ```ts
 * const outcome: UpdateOnceOutcome = { status: 'already-applied' };
 * ```
 */
export interface UpdateOnceOutcome {
  status: 'applied' | 'already-applied';
}

const where = 'updateOnce';
const optionNames = ['client', 'tableName', 'logger', 'key', 'update', 'changeId', 'strategy'];
const updateNames = ['expression', 'names', 'values', 'condition'];
const strategyNames = {
  'token-set': ['kind', 'attribute', 'maxTokens'],
  'token-item': ['kind', 'ttlSeconds', 'tableName', 'tokenKey', 'expiresAtAttribute', 'maxAttempts'],
};

const checkUpdate = (update: unknown): void => {
  checkKnownKeys(where, update, updateNames, 'update.');
  parseName(where, 'update.expression', update.expression);
  if (given(update, 'names')) {
    if (!isPlainObject(update.names)) refuse(where, 'update.names', update.names, 'an object of attribute names');
    for (const [placeholder, name] of Object.entries(update.names as object)) {
      parseName(where, `update.names[${JSON.stringify(placeholder)}]`, name);
    }
  }
  if (given(update, 'values')) checkAttributeMap(where, 'update.values', update.values);
  if (given(update, 'condition')) parseName(where, 'update.condition', update.condition);
};

const checkStrategy = (strategy: unknown): void => {
  if (!isPlainObject(strategy)) refuse(where, 'strategy', strategy, "an object such as { kind: 'token-set' }");
  const { kind } = strategy as Record<string, unknown>;
  if (kind !== 'token-set' && kind !== 'token-item') {
    refuse(where, 'strategy.kind', kind, "'token-set' or 'token-item'");
    return;
  }
  checkKnownKeys(where, strategy, strategyNames[kind], 'strategy.');
  if (kind === 'token-set') {
    parseName(where, 'strategy.attribute', strategy.attribute, 'appliedChanges');
    parseCount(where, 'strategy.maxTokens', strategy.maxTokens, DEFAULT_MAX_TOKENS);
    return;
  }
  const { ttlSeconds, tokenKey } = strategy;
  if (!Number.isSafeInteger(ttlSeconds) || (ttlSeconds as number) < 1) {
    refuse(where, 'strategy.ttlSeconds', ttlSeconds, 'a positive integer (how long a change id is remembered)');
  }
  if (given(strategy, 'tableName')) parseName(where, 'strategy.tableName', strategy.tableName);
  if (given(strategy, 'tokenKey') && typeof tokenKey !== 'function') {
    refuse(where, 'strategy.tokenKey', tokenKey, 'a function (key, changeId, tableName) => the token item key');
  }
  parseName(where, 'strategy.expiresAtAttribute', strategy.expiresAtAttribute, 'expiration');
  parseCount(where, 'strategy.maxAttempts', strategy.maxAttempts, 8);
};

/**
 * Checks the options of one `updateOnce` call before anything is sent; throws
 * `WritePatternUsageError` naming the option, the value and what is allowed.
 *
 * @example
 * ```ts
 * checkUpdateOnceOptions({ client, tableName, key, update, changeId: '', strategy }); // throws: changeId must be...
 * ```
 */
export const checkUpdateOnceOptions = (options: unknown): void => {
  checkKnownKeys(where, options, optionNames);
  checkWriteTarget(where, options);
  checkAttributeMap(where, 'key', options.key, { nonEmpty: true });
  checkUpdate(options.update);
  const { changeId } = options;
  if (typeof changeId !== 'string' || changeId === '') {
    refuse(where, 'changeId', changeId, 'a non-empty string derived from the request, such as its id');
  }
  checkStrategy(options.strategy);
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const conditionFailed = (
  subject: string,
  tableName: string,
  item: Record<string, AttributeValue> | undefined,
  cause: unknown,
) =>
  new ConditionFailedError(
    `The condition of the update of ${subject} on table "${tableName}" is false; nothing was applied and the change ` +
      'was not recorded, so it can be applied once the condition holds',
    { tableName, item, cause },
  );

const viaTokenSet = async (
  options: WriteTarget & ApplyOnceUpdate & { strategy: TokenSetStrategy },
  subject: string,
): Promise<UpdateOnceOutcome> => {
  const { client, tableName, strategy } = options;
  try {
    await client.send(new UpdateItemCommand(buildTokenSetInput(tableName, options)));
    return { status: 'applied' };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) {
      throw toWriteFailedError(error, { operation: 'UpdateItem', tableName, subject, isWrite: true });
    }
    const attribute = strategy.attribute ?? 'appliedChanges';
    const maxTokens = strategy.maxTokens ?? DEFAULT_MAX_TOKENS;
    const stored = error.Item?.[attribute];
    const tokens = stored?.SS ?? [];
    if (tokens.includes(options.changeId)) return { status: 'already-applied' };
    if (stored !== undefined && stored.SS === undefined) {
      throw new UnexpectedItemError(
        `Attribute "${attribute}" of ${subject} on table "${tableName}" is not a string set of change ids; ` +
          'check the strategy attribute option',
        { tableName, item: error.Item, cause: error },
      );
    }
    if (tokens.length >= maxTokens) {
      throw new TokenSetFullError(
        `${subject} on table "${tableName}" already records ${tokens.length} applied changes (maxTokens ${maxTokens}), ` +
          `so change "${options.changeId}" was not applied: use the token-item strategy for items with a long ` +
          'lifecycle, or raise maxTokens (every token makes each write of the item larger)',
        { tableName, maxTokens, cause: error },
      );
    }
    throw conditionFailed(subject, tableName, error.Item, error);
  }
};

const viaTokenItem = async (
  options: WriteTarget & ApplyOnceUpdate & { strategy: TokenItemStrategy },
  subject: string,
): Promise<UpdateOnceOutcome> => {
  const { client, tableName, logger = silentLogger } = options;
  const maxAttempts = options.strategy.maxAttempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    // The SDK gives the transaction a ClientRequestToken and keeps it across its own retries,
    // so a retry of an applied transaction within 10 minutes succeeds without applying again.
    const input = buildTokenItemInput(tableName, options, Date.now());
    try {
      await client.send(new TransactWriteItemsCommand(input));
      return { status: 'applied' };
    } catch (error) {
      if (!isTransactionCanceled(error)) {
        throw toWriteFailedError(error, { operation: 'TransactWriteItems', tableName, subject, isWrite: true });
      }
      const [update, token] = error.CancellationReasons ?? [];
      if (token?.Code === 'ConditionalCheckFailed') return { status: 'already-applied' };
      if (update?.Code === 'ConditionalCheckFailed') throw conditionFailed(subject, tableName, update.Item, error);
      const conflict = update?.Code === 'TransactionConflict' || token?.Code === 'TransactionConflict';
      if (!conflict || attempt >= maxAttempts) {
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None').join(', ');
        throw new WriteFailedError(
          `DynamoDB cancelled the apply-once transaction of ${subject} on table "${tableName}" ` +
            `after ${attempt} attempt(s) (reasons: ${codes}); nothing was applied, retry later`,
          { tableName, maybeApplied: false, cause: error },
        );
      }
      logger.debug('updateOnce: transaction conflict, trying again', { key: describeKey(options.key), attempt });
      // Another transaction held the item: jittered, growing back-off (25 ms, 50 ms... up to 1 s).
      await delay(Math.random() * Math.min(1000, 25 * 2 ** attempt));
    }
  }
};

/**
 * Applies a non-idempotent update (a counter increment, a balance change) at most once per
 * `changeId`, and reports `applied` or `already-applied`. Two strategies: `token-set` records
 * the id on the item (one UpdateItem; bounded, for short-lived items) and `token-item` writes a
 * token item with a TTL in the same transaction (two items, twice the write units, any lifetime).
 * An `already-applied` retry is logged at debug. The options are checked first: a wrong one
 * throws `WritePatternUsageError` and sends nothing.
 *
 * Safe to retry: after a 5xx or a timeout, thrown as `WriteFailedError` with `maybeApplied: true`,
 * call again with the same `changeId`; the update is applied, or reported `already-applied`.
 *
 * @example
 * ```ts
 * const outcome = await updateOnce({
 *   client, tableName: 'counters',
 *   key: { id: { S: 'page-views' } },
 *   update: { expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': { N: '1' } } },
 *   changeId: event.requestContext.requestId,
 *   strategy: { kind: 'token-item', ttlSeconds: 86_400 },
 * });
 * ```
 */
export const updateOnce = async (options: WriteTarget & ApplyOnceUpdate): Promise<UpdateOnceOutcome> => {
  checkUpdateOnceOptions(options);
  const subject = `item ${describeKey(options.key)}`;
  const { strategy } = options;
  const outcome =
    strategy.kind === 'token-set'
      ? await viaTokenSet({ ...options, strategy }, subject)
      : await viaTokenItem({ ...options, strategy }, subject);
  if (outcome.status === 'already-applied') {
    (options.logger ?? silentLogger).debug('updateOnce: change already applied, nothing done', {
      key: describeKey(options.key),
      tableName: options.tableName,
      changeId: options.changeId,
    });
  }
  return outcome;
};
