import { IdempotencyEngine } from './engine.js';
import { defaultKeyPrefix } from './makeIdempotent.js';
import { type IdempotencyOptions, resolveOptions } from './options.js';

// biome-ignore lint/suspicious/noExplicitAny: a decorated method may take any arguments
type AnyMethod = (this: any, ...args: any[]) => any;

/**
 * Method decorator: the decorated method runs at most once per idempotency key. Works with
 * TypeScript 5 standard decorators and with `experimentalDecorators`.
 *
 * @example
 * ```ts
 * class Handler {
 *   @idempotent({ store, keyPath: 'body.orderId' })
 *   async handler(event: APIGatewayProxyEvent, context: Context) { return capture(event); }
 * }
 * ```
 */
export function idempotent(options: IdempotencyOptions) {
  const resolved = resolveOptions(options);
  function decorate<M extends AnyMethod>(method: M, context: ClassMethodDecoratorContext): M;
  function decorate(target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
  function decorate(
    methodOrTarget: AnyMethod | object,
    contextOrKey: ClassMethodDecoratorContext | string | symbol,
    descriptor?: PropertyDescriptor,
  ): AnyMethod | PropertyDescriptor {
    const legacy = descriptor !== undefined;
    const method = (legacy ? descriptor.value : methodOrTarget) as AnyMethod;
    const name = typeof contextOrKey === 'object' ? contextOrKey.name : contextOrKey;
    const engine = new IdempotencyEngine(resolved, defaultKeyPrefix(String(name)));
    const wrapped = function idempotentMethod(this: unknown, ...args: unknown[]) {
      return engine.execute(args, () => method.apply(this, args));
    };
    return legacy ? { ...descriptor, value: wrapped } : wrapped;
  }
  return decorate;
}
