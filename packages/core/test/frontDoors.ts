import { type IdempotencyOptions, idempotent, makeIdempotent } from '@oncely/core';

// biome-ignore lint/suspicious/noExplicitAny: handlers under test take any event
export type Handler = (event: any, context?: any) => Promise<unknown>;

/** A name and a way to put a handler behind that front door. */
export type FrontDoor = [string, (fn: Handler, options: IdempotencyOptions) => Handler];

/** The same handler behind each front door of the core package. */
export const coreFrontDoors: FrontDoor[] = [
  ['makeIdempotent', (fn, options) => makeIdempotent(fn, options)],
  [
    '@idempotent (standard decorator)',
    (fn, options) => {
      class Subject {
        @idempotent(options)
        // biome-ignore lint/suspicious/noExplicitAny: see Handler
        async handle(event: any, context?: any) {
          return fn(event, context);
        }
      }
      const subject = new Subject();
      return (event, context) => subject.handle(event, context);
    },
  ],
  [
    '@idempotent (legacy decorator call)',
    (fn, options) => {
      const target = {};
      const descriptor: PropertyDescriptor = { value: fn, writable: true, configurable: true };
      const decorated = idempotent(options)(target, 'handle', descriptor);
      return decorated.value as Handler;
    },
  ],
];
