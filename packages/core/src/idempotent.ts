import { IdempotencyEngine } from './engine.js';
import { defaultKeyPrefix } from './makeIdempotent.js';
import type { IdempotencyOptions } from './options.js';
import { resolveOptions } from './resolveOptions.js';

// biome-ignore lint/suspicious/noExplicitAny: a decorated method may take any arguments
type AnyMethod = (this: any, ...args: any[]) => any;

// `Class.method`, or the method alone where the class has no name of its own (a plain object).
const frontDoorName = (owner: unknown, method: string): string => {
  const className = typeof owner === 'function' ? owner.name : '';
  return className === '' || owner === Object ? method : `${className}.${method}`;
};

// The class whose prototype holds `wrapped` under `name`: the class that declared the method,
// also when a subclass instance is the first one built.
const declaringClass = (instance: object, name: string | symbol, wrapped: unknown): unknown => {
  for (let proto = Object.getPrototypeOf(instance); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, name) && proto[name] === wrapped) return proto.constructor;
  }
  return instance.constructor;
};

/**
 * Method decorator: the decorated method runs at most once per idempotency key. Works with
 * TypeScript 5 standard decorators and with `experimentalDecorators`. The default key prefix is
 * the Lambda function name plus `Class.method`.
 *
 * TypeScript types a decorator factory's call before it sees the method, so the event type cannot
 * flow from the method into `key`, `scope` and `onReplay`: name it as a type argument
 * (`@idempotent<OrderEvent, Result>(...)`); without one the payload is `any`.
 *
 * @example
 * ```ts
 * class Handler {
 *   @idempotent<OrderEvent>({ store, key: (event) => event.detail.orderId })
 *   async handler(event: OrderEvent, context: Context) { return capture(event); }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: any payload and result type is accepted here
export function idempotent<TPayload = any, TResult = any>(options: IdempotencyOptions<TPayload, TResult>) {
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
    let engine: IdempotencyEngine | undefined;
    const build = (owner: unknown): IdempotencyEngine => {
      engine ??= new IdempotencyEngine(resolved, {
        defaultKeyPrefix: defaultKeyPrefix(frontDoorName(owner, String(name))),
        frontDoor: '@idempotent',
        guarded: method,
      });
      return engine;
    };
    const wrapped = function idempotentMethod(this: unknown, ...args: unknown[]) {
      const ready =
        engine ?? build(typeof this === 'object' && this !== null ? declaringClass(this, name, wrapped) : this);
      return ready.execute(args, () => method.apply(this, args));
    };
    if (legacy) {
      // The legacy form gets the prototype (or the class, for a static method): build now.
      build(typeof methodOrTarget === 'function' ? methodOrTarget : (methodOrTarget as object).constructor);
      return { ...descriptor, value: wrapped };
    }
    // A standard method decorator does not see its class; its initializer runs when the class is
    // defined (static) or an instance is built, which is still cold start, and sees it.
    (contextOrKey as ClassMethodDecoratorContext).addInitializer(function (this: unknown) {
      if (engine !== undefined) return;
      build(typeof this === 'function' ? this : declaringClass(this as object, name, wrapped));
    });
    return wrapped;
  }
  return decorate;
}
