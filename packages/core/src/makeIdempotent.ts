import { IdempotencyEngine } from './engine.js';
import type { IdempotencyOptions } from './options.js';
import { resolveOptions } from './resolveOptions.js';

// biome-ignore lint/suspicious/noExplicitAny: a wrapped function may take any arguments
type AnyFunction = (...args: any[]) => unknown;

/**
 * The default key prefix: the Lambda function's name and the wrapped function's name, so two
 * wrapped functions called with the same payload never share a key.
 *
 * @example
 * ```ts
 * defaultKeyPrefix('capture', { AWS_LAMBDA_FUNCTION_NAME: 'payments' }); // 'payments.capture'
 * ```
 */
export const defaultKeyPrefix = (functionName: string, env: Record<string, string | undefined> = process.env): string =>
  [env.AWS_LAMBDA_FUNCTION_NAME, functionName].filter((part) => part !== undefined && part !== '').join('.') ||
  'oncely';

/**
 * Wraps a Lambda handler or any function so that it runs at most once per idempotency key;
 * replays get the first call's result. Options are checked here, at cold start. `key` and `scope`
 * receive the argument `payloadArgument` names (default 0), typed as the wrapped function declares it.
 *
 * @example
 * ```ts
 * export const handler = makeIdempotent(
 *   async (event: { body: { orderId: string } }) => capture(event.body),
 *   { store: new DynamoDBStore({ tableName: 'idempotency' }), key: 'body.orderId' },
 * );
 * const send = makeIdempotent(async (mailer: Mailer, invoice: Invoice) => mailer.send(invoice), {
 *   store,
 *   payloadArgument: 1,
 *   key: (invoice) => invoice.number, // `invoice: Invoice`
 * });
 * ```
 */
/**
 * The payload argument's type. An index only known as `number` (options typed
 * `IdempotencyOptions<Event>` beforehand) means the first argument, as before `payloadArgument` was
 * typed; such options name another one with their third type argument.
 */
type PayloadAt<TArgs extends readonly unknown[], TIndex extends number> = number extends TIndex
  ? TArgs[0]
  : TArgs[TIndex];

// `TIndex` is inferred from the literal `payloadArgument` (0 when it is left out); `key` and `scope`
// are checked after it, so their parameter is typed from the argument at that index.
export const makeIdempotent = <F extends AnyFunction, const TIndex extends number = 0>(
  fn: F,
  options: IdempotencyOptions<PayloadAt<Parameters<F>, TIndex>, Awaited<ReturnType<F>>, TIndex>,
): ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>) => {
  const engine = new IdempotencyEngine(resolveOptions(options), {
    defaultKeyPrefix: defaultKeyPrefix(fn.name),
    frontDoor: 'makeIdempotent',
    guarded: fn,
  });
  return function idempotentCall(this: unknown, ...args: Parameters<F>) {
    return engine.execute(args, () => fn.apply(this, args) as Awaited<ReturnType<F>>);
  };
};
