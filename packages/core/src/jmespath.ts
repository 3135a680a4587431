import { search } from '@aws-lambda-powertools/jmespath';
import { type Functions, PowertoolsFunctions } from '@aws-lambda-powertools/jmespath/functions';
import { IdempotencyConfigError } from './errors.js';
import { type PayloadSelector, payloadSelector } from './selector.js';

/** Options of `jmespath()`. */
export interface JmesPathOptions {
  /**
   * The functions the expression may call, as Powertools' `jmesPathOptions` takes them: an
   * instance of a class extending `PowertoolsFunctions` (or `Functions`) from
   * `@aws-lambda-powertools/jmespath/functions`. It replaces the default set, so extend
   * `PowertoolsFunctions` to keep `powertools_json` and the others. Default: `new PowertoolsFunctions()`.
   */
  functions?: Functions;
}

let powertoolsFunctions: Functions | undefined;

const describe = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;

/**
 * A JMESPath selector for the `key` or `validate` option, with Powertools' JMESPath functions
 * (`powertools_json`, `powertools_base64`, ...). Compiled and checked now: a bad expression or
 * an unknown function throws `IdempotencyConfigError` at cold start, not on the first request.
 * This entry point is the only one that bundles JMESPath.
 *
 * @example
 * ```ts
 * import { jmespath } from '@oncely/core/jmespath';
 * makeIdempotent(handler, { store, key: jmespath('powertools_json(body).orderId') });
 * ```
 */
export const jmespath = (expression: string, options: JmesPathOptions = {}): PayloadSelector => {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new IdempotencyConfigError(
      `jmespath() got ${describe(expression)}; pass a non-empty JMESPath expression such as "powertools_json(body).orderId".`,
    );
  }
  const customFunctions = parseFunctions(options.functions);
  const searchOptions = { customFunctions };
  // `search` parses once and caches the tree by expression, so every request reuses it. Running it
  // on `{}` also surfaces unknown functions and wrong arities; type errors on `{}` are expected.
  try {
    search(expression, {}, searchOptions);
  } catch (error) {
    if ((error as Error).name !== 'JMESPathTypeError') {
      throw new IdempotencyConfigError(
        `jmespath(${JSON.stringify(expression)}) is not a valid JMESPath expression: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return payloadSelector(`jmespath(${JSON.stringify(expression)})`, (payload) =>
    search(expression, payload as Parameters<typeof search>[1], searchOptions),
  );
};

// Duck-typed rather than `instanceof Functions`: the ESM and CJS copies of the package each
// have their own class.
const parseFunctions = (value: unknown): Functions => {
  if (value === undefined) {
    powertoolsFunctions ??= new PowertoolsFunctions();
    return powertoolsFunctions;
  }
  if (typeof value !== 'object' || value === null || typeof (value as Functions).introspectMethods !== 'function') {
    throw new IdempotencyConfigError(
      `jmespath() option "functions" is ${describe(value)}; use an instance of a class extending ` +
        'PowertoolsFunctions (or Functions) from @aws-lambda-powertools/jmespath/functions.',
    );
  }
  return value as Functions;
};
