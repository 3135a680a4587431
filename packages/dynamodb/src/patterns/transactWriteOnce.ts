import { createHash } from 'node:crypto';
import {
  type DynamoDBClient,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { type IdempotencyLogger, silentLogger } from '@oncely/core';
import { canonicalJson } from '@oncely/core/engine';
import { errorName, isTransactionCanceled } from '../sdkError.js';
import {
  type CancellationReason,
  ClientRequestTokenMismatchError,
  TransactionCanceledError,
  WritePatternUsageError,
} from './errors.js';
import { toWriteFailedError } from './failures.js';
import { checkKnownKeys, given, isPlainObject, parseClient, parseLogger, refuse } from './options.js';

// DynamoDB accepts tokens of 1 to 36 characters, and at most 100 items per transaction.
const MAX_TOKEN_LENGTH = 36;
const MAX_ITEMS = 100;

/**
 * A client request token derived from the caller's intent: the first 36 hex digits of the
 * SHA-256 of its canonical JSON (object keys sorted), so the same intent always gets the same
 * token and a different one (almost surely, 144 bits) another. The intent must be plain JSON
 * (a valid `Date` counts as its ISO string): a Map, a Set, a class instance, NaN, a BigInt...
 * would share a token with other intents, so they throw `WritePatternUsageError` naming their
 * path (`$[1] is a Map`).
 *
 * @example
 * ```ts
 * clientRequestTokenFor(['transfer', transferId]); // 36 hex digits
 * ```
 */
export const clientRequestTokenFor = (intent: unknown): string => {
  let text: string | undefined;
  try {
    text = canonicalJson(intent);
  } catch (error) {
    throw new WritePatternUsageError(
      `the intent cannot be turned into a client request token: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (text === undefined) throw new WritePatternUsageError(`the intent ${String(intent)} has no JSON form`);
  return createHash('sha256').update(text).digest('hex').slice(0, MAX_TOKEN_LENGTH);
};

/**
 * A transaction to commit at most once: its items, and either the intent it carries out
 * (hashed into the token) or a token of your own.
 *
 * @example
 * ```ts
 * const transaction: IdempotentTransaction = { items, intent: ['transfer', transferId] };
 * ```
 */
export type IdempotentTransaction = {
  items: TransactWriteItem[];
} & ({ intent: unknown; clientRequestToken?: never } | { clientRequestToken: string; intent?: never });

/**
 * The TransactWriteItems input with the token of the intent.
 *
 * @example
 * ```ts
 * const input = buildTransactWriteOnceInput({ items, intent: ['transfer', 't-1'] });
 * ```
 */
export const buildTransactWriteOnceInput = (transaction: IdempotentTransaction): TransactWriteItemsCommandInput => {
  const token =
    transaction.clientRequestToken !== undefined
      ? transaction.clientRequestToken
      : clientRequestTokenFor(transaction.intent);
  return { TransactItems: transaction.items, ClientRequestToken: token };
};

const where = 'transactWriteOnce';
const optionNames = ['client', 'logger', 'items', 'intent', 'clientRequestToken'];

/**
 * Checks the options of one `transactWriteOnce` call before anything is sent; throws
 * `WritePatternUsageError` naming the option, the value and what is allowed.
 *
 * @example
 * ```ts
 * checkTransactWriteOnceOptions({ client, items: [], intent: ['transfer', 't-1'] }); // throws: items must be...
 * ```
 */
export const checkTransactWriteOnceOptions = (options: unknown): void => {
  checkKnownKeys(where, options, optionNames);
  parseClient(where, options.client);
  parseLogger(where, options.logger);
  const { items, clientRequestToken } = options;
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
    refuse(where, 'items', items, `a non-empty array of at most ${MAX_ITEMS} TransactWriteItems (DynamoDB's limit)`);
  }
  (items as unknown[]).forEach((item, index) => {
    if (!isPlainObject(item)) refuse(where, `items[${index}]`, item, 'a TransactWriteItem such as { Put: { ... } }');
  });
  if (given(options, 'intent') && given(options, 'clientRequestToken')) {
    throw new WritePatternUsageError(`${where}: give either intent or clientRequestToken, not both`, {
      option: 'clientRequestToken',
    });
  }
  if (!given(options, 'intent') && !given(options, 'clientRequestToken')) {
    throw new WritePatternUsageError(
      `${where}: give intent (what the transaction carries out, hashed into its token) or clientRequestToken`,
      { option: 'intent' },
    );
  }
  const tokenFits =
    typeof clientRequestToken === 'string' &&
    clientRequestToken.length >= 1 &&
    clientRequestToken.length <= MAX_TOKEN_LENGTH;
  if (given(options, 'clientRequestToken') && !tokenFits) {
    refuse(where, 'clientRequestToken', clientRequestToken, `a string of 1 to ${MAX_TOKEN_LENGTH} characters`);
  }
};

const tablesOf = (items: TransactWriteItem[]): string =>
  [
    ...new Set(
      items.map(
        (item) =>
          item.Put?.TableName ?? item.Update?.TableName ?? item.Delete?.TableName ?? item.ConditionCheck?.TableName,
      ),
    ),
  ].join(', ');

/**
 * Commits a `TransactWriteItems` with a `ClientRequestToken` derived from the caller's intent, so
 * that a retry of the same intent within 10 minutes of the first commit is a no-op that succeeds
 * (DynamoDB's idempotency window; after it, the same request applies again; use `updateOnce`
 * with a token item when retries can come later). Returns `{ status: 'committed' }` both times:
 * DynamoDB does not say whether this call or an earlier one applied it.
 * A cancellation is thrown as `TransactionCanceledError` with one reason per refused item; the
 * same token with other items as `ClientRequestTokenMismatchError`. The options are checked
 * first: a wrong one throws `WritePatternUsageError` and sends nothing.
 *
 * Safe to retry: after a 5xx, a timeout or `TransactionInProgressException`, thrown as
 * `WriteFailedError` with `maybeApplied: true`, call again with the same intent and items.
 *
 * @example
 * ```ts
 * await transactWriteOnce({
 *   client,
 *   intent: ['transfer', transfer.id],
 *   items: [
 *     { Update: { TableName: 'accounts', Key: { id: { S: transfer.from } }, UpdateExpression: 'ADD #b :minus', ... } },
 *     { Update: { TableName: 'accounts', Key: { id: { S: transfer.to } }, UpdateExpression: 'ADD #b :plus', ... } },
 *   ],
 * });
 * ```
 */
export const transactWriteOnce = async (
  options: { client: DynamoDBClient; logger?: IdempotencyLogger | undefined } & IdempotentTransaction,
): Promise<{ status: 'committed'; clientRequestToken: string }> => {
  checkTransactWriteOnceOptions(options);
  const { client, logger = silentLogger } = options;
  const input = buildTransactWriteOnceInput(options);
  const token = input.ClientRequestToken as string;
  const tableName = tablesOf(options.items);
  const subject = `the transaction with client request token "${token}"`;
  logger.debug('transactWriteOnce: committing', { key: token, items: options.items.length });
  try {
    await client.send(new TransactWriteItemsCommand(input));
    return { status: 'committed', clientRequestToken: token };
  } catch (error) {
    if (isTransactionCanceled(error)) {
      const reasons: CancellationReason[] = (error.CancellationReasons ?? []).flatMap((reason, index) =>
        reason.Code === undefined || reason.Code === 'None'
          ? []
          : [{ index, code: reason.Code, message: reason.Message, item: reason.Item }],
      );
      const listed = reasons.map((reason) => `item ${reason.index}: ${reason.code}`).join(', ');
      throw new TransactionCanceledError(
        `DynamoDB cancelled ${subject} on table(s) ${tableName} (${listed}); nothing was written. A failed ` +
          'condition stays failed; a TransactionConflict can be retried with the same intent',
        { tableName, reasons, cause: error },
      );
    }
    if (errorName(error) === 'IdempotentParameterMismatchException') {
      throw new ClientRequestTokenMismatchError(
        `${subject} was used within the last 10 minutes for a transaction with other items; nothing was written. ` +
          'Derive the token from everything that makes the intent unique (include the amounts and accounts)',
        { tableName, cause: error },
      );
    }
    throw toWriteFailedError(error, { operation: 'TransactWriteItems', tableName, subject, isWrite: true });
  }
};
