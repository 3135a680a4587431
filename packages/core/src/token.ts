/** What a running call is known by: pass it downstream as an idempotency token. */
export interface IdempotencyToken {
  /** The idempotency key of the call. */
  readonly key: string;
  /** The token unique to this execution (it changes when a retry takes over the lock). */
  readonly owner: string;
}

// Keyed by the invocation's own context object, so interleaved invocations never see each
// other's token, and the entry goes with the context.
const tokens = new WeakMap<object, IdempotencyToken>();

/**
 * The key and owner token of the call running with this Lambda context (inside the handler),
 * or `undefined` when the call is not guarded (no context, no key, disabled).
 *
 * @example
 * ```ts
 * const handler = makeIdempotent(async (event, context) => {
 *   const token = getIdempotencyToken(context);
 *   await payments.charge(event.body, { idempotencyKey: token?.key });
 * }, { store });
 * ```
 */
export const getIdempotencyToken = (context: unknown): IdempotencyToken | undefined =>
  typeof context === 'object' && context !== null ? tokens.get(context) : undefined;

/** Binds a token to a context while its call runs; returns the undo (nested calls restore the outer token). */
export const bindIdempotencyToken = (context: unknown, token: IdempotencyToken): (() => void) => {
  if (typeof context !== 'object' || context === null) return () => {};
  const outer = tokens.get(context);
  tokens.set(context, token);
  return () => {
    if (outer === undefined) tokens.delete(context);
    else tokens.set(context, outer);
  };
};
