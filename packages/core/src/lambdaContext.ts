/** The part of the Lambda context the engine reads. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/**
 * The part of a durable execution context the engine reads: what a handler wrapped with
 * `withDurableExecution` (@aws/durable-execution-sdk-js) receives instead of the Lambda context.
 * `lambdaContext` and `executionContext.durableExecutionArn` are in the SDK's `DurableContext`
 * type; `durableExecutionMode` is a field of its implementation, the one Powertools reads too.
 */
export interface DurableContextLike {
  readonly lambdaContext: LambdaContextLike;
  readonly executionContext?: { readonly durableExecutionArn?: unknown };
  /** `'ReplayMode'` when the invocation replays checkpointed operations of an execution begun earlier. */
  readonly durableExecutionMode?: unknown;
}

const isLambdaContext = (value: unknown): value is LambdaContextLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<LambdaContextLike>).getRemainingTimeInMillis === 'function';

// Recognised as Powertools does, by its `step` operation, and by the Lambda context it carries.
// Checked before `isLambdaContext`: Middy 7's durable mode copies the Lambda context's methods
// onto the durable context.
export const isDurableContext = (value: unknown): value is DurableContextLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { step?: unknown }).step === 'function' &&
  isLambdaContext((value as { lambdaContext?: unknown }).lambdaContext);

const isInvocationContext = (value: unknown): value is LambdaContextLike | DurableContextLike =>
  isDurableContext(value) || isLambdaContext(value);

/**
 * The invocation's context among a call's arguments, as the handler received it: the second
 * argument of a handler, or any argument that is a Lambda context or a durable execution context.
 *
 * @example
 * ```ts
 * findInvocationContext([event, durableContext]) === durableContext; // true
 * ```
 */
export const findInvocationContext = (args: readonly unknown[]): LambdaContextLike | DurableContextLike | undefined =>
  isInvocationContext(args[1]) ? args[1] : args.find(isInvocationContext);

/**
 * The Lambda context of an invocation context: itself, or the one inside a durable execution context.
 *
 * @example
 * ```ts
 * lambdaContextOf(durableContext) === durableContext.lambdaContext; // true
 * ```
 */
export const lambdaContextOf = (context: unknown): LambdaContextLike | undefined => {
  if (isDurableContext(context)) return context.lambdaContext;
  return isLambdaContext(context) ? context : undefined;
};

/**
 * The Lambda context among a call's arguments: the second argument of a handler, or any
 * argument that has `getRemainingTimeInMillis`; inside a durable execution context, its
 * `lambdaContext`.
 *
 * @example
 * ```ts
 * findLambdaContext([event, context]) === context; // true
 * ```
 */
export const findLambdaContext = (args: readonly unknown[]): LambdaContextLike | undefined =>
  lambdaContextOf(findInvocationContext(args));
