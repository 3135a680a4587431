import { IdempotencyPersistenceError, type StoreOperation } from '@oncely/core';

interface FailureContext {
  operation: StoreOperation;
  key: string;
  keyPrefix: string;
}

// @redis/client's error classes keep the name `Error`; their constructor names tell them apart.
const className = (error: Error): string => {
  const constructorName = (error.constructor as { name?: unknown } | undefined)?.name;
  return typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Error'
    ? constructorName
    : error.name;
};

// The client gave up before sending the command: nothing was written.
const notSent = new Set(['ClientOfflineError', 'ConnectionTimeoutError', 'ReconnectStrategyError']);
// Socket errors of a connection attempt, which queued commands are rejected with (as provoked in
// test/misconfiguration.int.test.ts): nothing was sent.
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// Server replies that mean Redis is briefly unable to serve (loading, failing over, a busy script).
const transientReplies = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN', 'MOVED', 'ASK']);
// Server replies that the same script on the same client meets again until someone changes the
// configuration, the ACL or the data under the key.
const permanentReplies = new Set(['WRONGTYPE', 'READONLY', 'NOPERM']);
const writes = new Set<StoreOperation>(['acquire', 'complete', 'release', 'extend']);

/** The code of a Redis error reply (`WRONGTYPE`, `OOM`, `NOSCRIPT`...), if the error is one. */
export const replyCode = (error: unknown): string | undefined => {
  if (!(error instanceof Error)) return undefined;
  const name = className(error);
  const isReply = name === 'ErrorReply' || name === 'SimpleError' || name === 'BlobError';
  const code = /^([A-Z][A-Z_-]+) /.exec(error.message)?.[1];
  return isReply || code === 'NOSCRIPT' ? code : undefined;
};

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const name = className(error);
  return error.message === '' ? name : `${name}: ${error.message}`;
};

const replyAdvice = (code: string | undefined, context: FailureContext): string => {
  switch (code) {
    case 'WRONGTYPE':
      return `Redis key "${context.keyPrefix}${context.key}" holds another kind of value; give the store a keyPrefix that no other data uses`;
    case 'READONLY':
      return 'the client is connected to a read-only replica (after a failover?); connect it to the primary endpoint';
    case 'NOPERM':
      return (
        'the Redis user may not run this; allow EVAL, EVALSHA and the commands the scripts call ' +
        `on the keys "${context.keyPrefix}*" (see the ACL line in the @oncely/redis README)`
      );
    case 'OOM':
      // Not "use an eviction policy": every record has a TTL, so volatile-* policies evict records.
      return 'Redis is out of memory and refused the write; give it more memory (maxmemory) or free some';
    default:
      return code !== undefined && transientReplies.has(code)
        ? 'Redis cannot serve right now (loading, failing over or busy); retry the call'
        : 'see the cause; retry the call if the failure was transient';
  }
};

/**
 * Wraps a `@redis/client` failure as an `IdempotencyPersistenceError` whose message says what
 * happened and what to do, with the key and the original error as `cause`. Failures that the
 * same call meets again (`WRONGTYPE`, `READONLY`, `NOPERM`, a closed client, a host that does not
 * resolve) are `retryable: false`.
 *
 * @example
 * ```ts
 * catch (error) { throw toPersistenceError(error, { operation: 'acquire', key, keyPrefix }); }
 * ```
 */
export const toPersistenceError = (error: unknown, context: FailureContext): IdempotencyPersistenceError => {
  const { operation, key, keyPrefix } = context;
  const what = `Redis ${operation} of key "${key}" (Redis key "${keyPrefix}${key}") failed (${describe(error)})`;
  const fail = (advice: string, retryable = true) =>
    new IdempotencyPersistenceError(`${what}; ${advice}`, { key, cause: error, retryable });
  const reach = 'check that Redis is up and reachable from the function (URL, VPC, security group)';

  const code = replyCode(error);
  // An error reply means Redis answered: the script did not run, or stopped at its first write
  // (the scripts put the one write Redis can refuse under OOM, HSET or SET, first).
  if (code !== undefined || (error instanceof Error && className(error) === 'ErrorReply')) {
    return fail(replyAdvice(code, context), code === undefined || !permanentReplies.has(code));
  }
  const name = error instanceof Error ? className(error) : '';
  const errno = (error as { code?: unknown } | null)?.code;
  if (name === 'ClientClosedError') {
    // A closed client never reopens by itself: every retry on it fails the same way.
    return fail(
      'the client is closed (never connected, closed, or its reconnectStrategy gave up): create and ' +
        'connect it once per container, outside the handler, and do not close it between invocations',
      false,
    );
  }
  if (errno === 'ENOTFOUND') {
    return fail(
      "the host of the client's URL does not resolve, so nothing was written: check the URL " +
        '(REDIS_URL or the url option of createClient); retrying does not help',
      false,
    );
  }
  if (errno === 'ECONNREFUSED') {
    // Retryable: a Redis that restarts or fails over refuses connections for a moment, and the
    // client reconnects by itself; but a wrong port refuses them for ever.
    return fail(
      "nothing accepts connections at the client's URL, so nothing was written: check the URL's host " +
        'and port (REDIS_URL or the url option of createClient) and that Redis is up',
    );
  }
  if (notSent.has(name) || (typeof errno === 'string' && notSentCodes.has(errno))) {
    return fail(`the client is not connected, so nothing was written; ${reach}, then retry the call`);
  }
  if (writes.has(operation)) {
    return fail(
      `Redis gave no clear answer, so the write may have been applied; retrying with the same owner is safe; ${reach}`,
    );
  }
  return fail(`Redis gave no clear answer; ${reach}, then retry the call`);
};
