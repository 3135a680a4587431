import { IdempotencyConfigError } from './errors.js';
import { isDottedPath } from './selector.js';

const knownOptions = [
  'store',
  'key',
  'validate',
  'expiresAfterSeconds',
  'whenInProgress',
  'lock',
  'localCache',
  'requireKey',
  'hash',
  'keyPrefix',
  'scope',
  'onReplay',
  'logger',
  'payloadArgument',
  'responses',
  'onDecision',
  'cacheErrors',
];
const known = new Set(knownOptions);

export const quote = (value: unknown): string => JSON.stringify(value) ?? String(value);

// The options of 0.x that API 1.0 renamed or regrouped, with the new form of the value given.
const renamed: Record<string, (value: unknown) => string> = {
  keyPath: (path) =>
    typeof path === 'string' && isDottedPath(path)
      ? `key: ${quote(path)} (a dotted path)`
      : `key: jmespath(${quote(path)}) with import { jmespath } from '@oncely/core/jmespath'`,
  keyHeader: (header) => `key: { header: ${quote(header)} }`,
  validatePath: (path) =>
    typeof path === 'string' && isDottedPath(path)
      ? `validate: ${quote(path)} (a dotted path)`
      : `validate: jmespath(${quote(path)}) with import { jmespath } from '@oncely/core/jmespath'`,
  jmesPathOptions: () => 'jmespath(expression, { functions }) for key or validate',
  lockDurationMs: (ms) => `lock: { durationMs: ${quote(ms)} }`,
  lease: (lease) => {
    const { durationMs, renew } = (typeof lease === 'object' && lease !== null ? lease : {}) as Record<string, unknown>;
    return `lock: { durationMs: ${quote(durationMs)}${renew === false ? ', renew: false' : ''} }`;
  },
  http: () => "responses: httpResponses with import { httpResponses } from '@oncely/core'",
};

/**
 * Refuses option names that are not options: a 0.x name with its 1.0 form (from the value given),
 * anything else with the list of known options.
 *
 * @example
 * ```ts
 * checkOptionNames({ store, keyPath: 'body.id' }); // throws: "keyPath" -> key: "body.id" (a dotted path)
 * ```
 */
export const checkOptionNames = (input: Record<string, unknown>): void => {
  const names = Object.keys(input);
  const old = names.filter((name) => Object.hasOwn(renamed, name));
  if (old.length > 0) {
    const advice = old.map((name) => `"${name}" -> ${renamed[name]?.(input[name])}`).join('; ');
    throw new IdempotencyConfigError(
      `Option${old.length > 1 ? 's' : ''} of oncely 0.x renamed in 1.0: ${advice}. See the migration table in the @oncely/core README.`,
    );
  }
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new IdempotencyConfigError(
      `Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}; known options: ${knownOptions.join(', ')}.`,
    );
  }
};
