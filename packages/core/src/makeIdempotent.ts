import { IdempotencyEngine } from './engine.js';
import { type IdempotencyOptions, resolveOptions } from './options.js';

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
 * replays get the first call's result. Options are checked here, at cold start.
 *
 * @example
 * ```ts
 * export const handler = makeIdempotent(
 *   async (event: { body: { orderId: string } }) => capture(event.body),
 *   { store: new DynamoDBStore({ tableName: 'idempotency' }), keyPath: 'body.orderId' },
 * );
 * ```
 */
export const makeIdempotent = <F extends AnyFunction>(
  fn: F,
  options: IdempotencyOptions<Parameters<F>[0], Awaited<ReturnType<F>>>,
): ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>) => {
  const engine = new IdempotencyEngine(resolveOptions(options), defaultKeyPrefix(fn.name), 'makeIdempotent');
  return function idempotentCall(this: unknown, ...args: Parameters<F>) {
    return engine.execute(args, () => fn.apply(this, args) as Awaited<ReturnType<F>>);
  };
};
