/** The part of the Lambda context the engine reads. */
export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

const isLambdaContext = (value: unknown): value is LambdaContextLike =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<LambdaContextLike>).getRemainingTimeInMillis === 'function';

/**
 * The Lambda context among a call's arguments: the second argument of a handler, or any
 * argument that has `getRemainingTimeInMillis`.
 *
 * @example
 * ```ts
 * findLambdaContext([event, context]) === context; // true
 * ```
 */
export const findLambdaContext = (args: readonly unknown[]): LambdaContextLike | undefined => {
  if (isLambdaContext(args[1])) return args[1];
  return args.find(isLambdaContext);
};
