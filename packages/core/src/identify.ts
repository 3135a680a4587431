import { IdempotencyKeyError } from './errors.js';
import { hashValue, idempotencyKey, isMissingKey } from './key.js';
import type { ResolvedOptions } from './options.js';

// Never the payload itself: it may carry personal data, and messages reach logs and clients.
const describeMaterial = (material: unknown): string => {
  if (material === undefined) return 'nothing';
  if (material === null || material === '') return JSON.stringify(material);
  return Array.isArray(material) ? 'an array of nulls' : 'an empty object';
};

// What to look at depends on how the key is selected: a client's header, a function, or a path.
const missingKeyAdvice = (keySource: string): string => {
  const header = /^header "(.*)"$/.exec(keySource)?.[1];
  if (header !== undefined) return `Send the ${header} header with each request`;
  if (keySource === 'key()') return 'Send the key; check what key() returns for such payloads';
  return (
    "Send the key; check the path (an API Gateway body is a JSON string: use key: jmespath('powertools_json(body).orderId') " +
    'or parse the body first)'
  );
};

/** What a call is known by, computed once before the handler runs. */
export interface CallIdentity {
  readonly key: string;
  readonly validation: string | undefined;
}

/**
 * The key and validation hash of a call, or `undefined` when the payload carries no key and
 * `requireKey` is off (the call then runs without idempotency, with a warning).
 * Throws `IdempotencyKeyError` when no key can be derived and one is required.
 */
export const identifyCall = (
  options: ResolvedOptions,
  keyPrefix: string,
  payload: unknown,
  context: unknown,
): CallIdentity | undefined => {
  let material: unknown;
  try {
    material = options.selectKey(payload);
  } catch (error) {
    throw new IdempotencyKeyError(
      `Could not select the idempotency key with ${options.keySource}: ${(error as Error).message}. Check the payload's shape.`,
      { cause: error },
    );
  }
  if (isMissingKey(material)) {
    if (options.requireKey) {
      throw new IdempotencyKeyError(
        `The payload of ${keyPrefix} has no idempotency key: ${options.keySource} selected ${describeMaterial(material)}. ` +
          `${missingKeyAdvice(options.keySource)}; or set requireKey: false to run such calls without idempotency.`,
      );
    }
    options.logger.warn(
      `No idempotency key in the payload (${options.keySource} selected ${describeMaterial(material)}); ` +
        'running without idempotency (requireKey: false)',
      {
        keyPrefix,
      },
    );
    return undefined;
  }
  let scope: string | undefined;
  if (options.scope) {
    scope = options.scope(payload, context);
    if (typeof scope !== 'string' || scope === '') {
      throw new IdempotencyKeyError(
        `The scope() option returned ${JSON.stringify(scope) ?? 'undefined'} for a call of ${keyPrefix}; ` +
          'it must name the tenant or caller. Check the authorizer context, or remove scope.',
      );
    }
  }
  try {
    return {
      key: idempotencyKey(keyPrefix, material, options.hash, scope),
      validation: options.selectValidation && hashValue(options.selectValidation(payload) ?? null, options.hash),
    };
  } catch (error) {
    throw new IdempotencyKeyError(
      `Could not hash the idempotency key or validation value of ${keyPrefix}: ${(error as Error).message}.`,
      { cause: error },
    );
  }
};
