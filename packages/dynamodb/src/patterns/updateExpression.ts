import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { WritePatternUsageError } from './errors.js';

/**
 * A non-idempotent update of one item, in DynamoDB's expression syntax with placeholders.
 *
 * @example
 * ```ts
 * const update: ItemUpdate = { expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': { N: '1' } } };
 * ```
 */
export interface ItemUpdate {
  /** An UpdateExpression: `SET`, `REMOVE`, `ADD`, `DELETE` clauses. */
  expression: string;
  names?: Record<string, string> | undefined;
  values?: Record<string, AttributeValue> | undefined;
  /** Your own ConditionExpression; when false, nothing is applied and `ConditionFailedError` is thrown. */
  condition?: string | undefined;
}

export type Clause = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

// Clause keywords are reserved words, so outside placeholders (`#add`, `:set`) and paths (`a.add`)
// every occurrence starts a clause.
const clauseKeyword = /(?<![\w#:.])(SET|REMOVE|ADD|DELETE)(?!\w)/gi;

/**
 * Adds one action to an UpdateExpression, into its clause if the expression has one (DynamoDB
 * allows each clause once), else as a new clause.
 *
 * @example
 * ```ts
 * addAction('ADD #count :one', 'ADD', '#tokens :token'); // 'ADD #count :one, #tokens :token'
 * ```
 */
export const addAction = (expression: string, clause: Clause, action: string): string => {
  const starts = [...expression.matchAll(clauseKeyword)];
  const same = starts.findIndex((match) => match[1]?.toUpperCase() === clause);
  if (same === -1) return `${expression.trim()} ${clause} ${action}`.trim();
  const next = starts[same + 1]?.index ?? expression.length;
  const before = expression.slice(0, next).trimEnd();
  const after = expression.slice(next);
  return `${before}, ${action}${after === '' ? '' : ` ${after.trimStart()}`}`;
};

/**
 * The caller's names and values with the pattern's own added; a caller placeholder starting with
 * `#oncely`/`:oncely` is refused, so the two can never collide.
 *
 * @example
 * ```ts
 * const { names, values } = withOwnPlaceholders(update, { '#oncelyTokens': 'appliedChanges' }, { ':oncelyToken': { S: id } });
 * ```
 */
export const withOwnPlaceholders = (
  update: ItemUpdate,
  ownNames: Record<string, string>,
  ownValues: Record<string, AttributeValue>,
): { names: Record<string, string>; values: Record<string, AttributeValue> } => {
  const taken = [...Object.keys(update.names ?? {}), ...Object.keys(update.values ?? {})].find((placeholder) =>
    /^[#:]oncely/i.test(placeholder),
  );
  if (taken !== undefined) {
    throw new WritePatternUsageError(`placeholder "${taken}" is reserved for the pattern's own attributes; rename it`);
  }
  return { names: { ...update.names, ...ownNames }, values: { ...update.values, ...ownValues } };
};

/**
 * `ExpressionAttributeNames`/`Values` fields, left out when empty (DynamoDB refuses empty maps).
 *
 * @example
 * ```ts
 * const input = { TableName, Key, UpdateExpression, ...placeholders(names, values) };
 * ```
 */
export const placeholders = (
  names: Record<string, string> | undefined,
  values: Record<string, AttributeValue> | undefined,
): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} => ({
  ...(names !== undefined && Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
  ...(values !== undefined && Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
});
