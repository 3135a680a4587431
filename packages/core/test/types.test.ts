import {
  errorNamed,
  httpResponses,
  type IdempotencyOptions,
  type IdempotencyRecord,
  InMemoryStore,
  idempotent,
  makeIdempotent,
} from '@oncely/core';
import { jmespath } from '@oncely/core/jmespath';
import { idempotency } from '@oncely/middy';

// Type-level tests. Jest runs this file transpiled only; `npx tsc -p tsconfig.test.json` (CI) checks
// it, and fails on a wrong case that compiles, since its `@ts-expect-error` is then unused. The
// wrong cases sit in functions that are never called: compiling is what they test.

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typeIs = <A, B>(_proof: Equal<A, B>): void => undefined;

interface Invoice {
  tenant: string;
  number: number;
}
interface Mailer {
  send(invoice: Invoice): Promise<string>;
}
interface OrderEvent {
  detail: { orderId: string; tenant: string };
}

const mailer: Mailer = { send: async (invoice) => `sent ${invoice.number}` };
const invoice: Invoice = { tenant: 'acme', number: 7 };

describe('payloadArgument in the types', () => {
  it('types key and scope from the first argument when payloadArgument is left out', async () => {
    const seen: unknown[] = [];
    const handle = makeIdempotent(async (event: OrderEvent, _context?: unknown) => event.detail.orderId, {
      store: new InMemoryStore(),
      key: (event) => {
        typeIs<typeof event, OrderEvent>(true);
        seen.push(event);
        return event.detail.orderId;
      },
      scope: (event, context) => {
        typeIs<typeof event, OrderEvent>(true);
        typeIs<typeof context, unknown>(true);
        return event.detail.tenant;
      },
      onReplay: (response, record) => {
        typeIs<typeof response, string>(true);
        typeIs<typeof record, IdempotencyRecord>(true);
        return response;
      },
    });

    await handle({ detail: { orderId: 'o-1', tenant: 'acme' } });

    expect(seen).toEqual([{ detail: { orderId: 'o-1', tenant: 'acme' } }]);
  });

  it('types key and scope from the argument payloadArgument names', async () => {
    const seen: unknown[] = [];
    const sendInvoice = makeIdempotent(async (to: Mailer, sent: Invoice) => to.send(sent), {
      store: new InMemoryStore(),
      payloadArgument: 1,
      key: (payload) => {
        typeIs<typeof payload, Invoice>(true);
        seen.push(payload);
        return [payload.tenant, payload.number];
      },
      scope: (payload) => {
        typeIs<typeof payload, Invoice>(true);
        return payload.tenant;
      },
      onReplay: (response) => {
        typeIs<typeof response, string>(true);
        return response;
      },
    });

    const result = await sendInvoice(mailer, invoice);

    typeIs<typeof result, string>(true);
    expect(result).toBe('sent 7');
    expect(seen).toEqual([invoice]);
  });

  it('keeps options typed beforehand: the first argument, or the index given as a type argument', () => {
    const first: IdempotencyOptions<OrderEvent, string> = {
      store: new InMemoryStore(),
      keyPrefix: 'orders',
      key: (event) => event.detail.orderId,
    };
    const second: IdempotencyOptions<Invoice, string, 1> = {
      store: new InMemoryStore(),
      keyPrefix: 'invoices',
      payloadArgument: 1,
      key: (payload) => payload.number,
    };

    const byEvent = makeIdempotent(async (event: OrderEvent) => event.detail.orderId, first);
    const bySecond = makeIdempotent(async (to: Mailer, sent: Invoice) => to.send(sent), second);

    expect([typeof byEvent, typeof bySecond]).toEqual(['function', 'function']);
  });
});

describe('the key option in the types', () => {
  it('accepts each form of key and validate, and the grouped options', () => {
    const store = new InMemoryStore();
    const handler = async (event: OrderEvent) => event.detail.orderId;
    const options: IdempotencyOptions<OrderEvent, string>[] = [
      { store, key: 'detail.orderId', validate: 'detail.tenant' },
      { store, key: jmespath('detail.orderId'), validate: jmespath('detail.tenant') },
      { store, key: { header: 'Idempotency-Key' }, scope: (event) => event.detail.tenant },
      { store, key: { header: 'Idempotency-Key' }, scope: false },
      { store, key: (event) => [event.detail.tenant, event.detail.orderId], validate: (event) => event.detail.tenant },
      { store, whenInProgress: 'throw', lock: { durationMs: 30_000 } },
      { store, whenInProgress: { waitMs: 10_000 }, lock: { durationMs: 300, renew: false } },
      { store, cacheErrors: errorNamed('CardDeclined'), responses: httpResponses },
      { store, cacheErrors: (error) => error instanceof RangeError },
    ];

    const wrapped = options.map((each, index) => makeIdempotent(handler, { ...each, keyPrefix: `types-${index}` }));

    expect(wrapped).toHaveLength(options.length);
  });
});

// Never called: each `@ts-expect-error` must meet a type error, or tsc fails.
export const wrongOptionShapes = (store: InMemoryStore): IdempotencyOptions<OrderEvent>[] => [
  // @ts-expect-error a number is no key
  { store, key: 42 },
  // @ts-expect-error a header key names its header as a string
  { store, key: { header: 42 } },
  // @ts-expect-error the 0.x wait mode is { waitMs } in 1.0
  { store, whenInProgress: { wait: true } },
  // @ts-expect-error cacheErrors is a predicate, such as errorNamed('A')
  { store, cacheErrors: ['A'] },
  // @ts-expect-error a lock names its durationMs
  { store, lock: { renew: false } },
  // @ts-expect-error renew is a boolean
  { store, lock: { durationMs: 500, renew: 'no' } },
  // @ts-expect-error http: true is responses: httpResponses in 1.0
  { store, http: true },
  // @ts-expect-error keyPath is key in 1.0
  { store, keyPath: 'detail.orderId' },
  // @ts-expect-error responses answers replays and errors
  { store, responses: { replay: (result: unknown) => result } },
  // @ts-expect-error key reads the payload as typed
  { store, key: (event) => event.detail.missing },
];

export const wrongCases = (store: InMemoryStore): unknown[] => [
  makeIdempotent(async (to: Mailer, sent: Invoice) => to.send(sent), {
    store,
    payloadArgument: 1,
    // @ts-expect-error the payload is the Invoice, which has no `send`
    key: (payload) => payload.send,
  }),
  makeIdempotent(async (to: Mailer, sent: Invoice) => to.send(sent), {
    store,
    // @ts-expect-error without payloadArgument the payload is the Mailer, which has no `tenant`
    scope: (payload) => payload.tenant,
  }),
  makeIdempotent(async (to: Mailer, sent: Invoice) => to.send(sent), {
    store,
    payloadArgument: 2,
    // @ts-expect-error there is no third argument: the payload is undefined
    key: (payload) => payload.tenant,
  }),
  makeIdempotent(async (to: Mailer, sent: Invoice) => to.send(sent), {
    store,
    payloadArgument: 1,
    // @ts-expect-error onReplay must give back what the function returns
    onReplay: () => 42,
  }),
];

describe('@idempotent in the types', () => {
  it('types key and scope from explicit type arguments', async () => {
    const seen: unknown[] = [];
    class Orders {
      @idempotent<OrderEvent, string>({
        store: new InMemoryStore(),
        key: (event) => {
          typeIs<typeof event, OrderEvent>(true);
          seen.push(event.detail.orderId);
          return event.detail.orderId;
        },
        scope: (event) => event.detail.tenant,
        onReplay: (response) => response.toUpperCase(),
      })
      async handle(event: OrderEvent): Promise<string> {
        return event.detail.orderId;
      }
    }

    await new Orders().handle({ detail: { orderId: 'o-2', tenant: 'acme' } });

    expect(seen).toEqual(['o-2']);
  });

  it('types the payload as any without type arguments: a decorator factory does not see its method', async () => {
    const seen: unknown[] = [];
    class Orders {
      @idempotent({
        store: new InMemoryStore(),
        key: (event) => {
          // biome-ignore lint/suspicious/noExplicitAny: what the test shows
          typeIs<typeof event, any>(true);
          seen.push(event.detail.orderId);
          return event.detail.orderId;
        },
      })
      async handle(event: OrderEvent): Promise<string> {
        return event.detail.orderId;
      }
    }

    await new Orders().handle({ detail: { orderId: 'o-3', tenant: 'acme' } });

    expect(seen).toEqual(['o-3']);
  });
});

export const wrongDecoratorCases = (store: InMemoryStore) =>
  class {
    // @ts-expect-error with type arguments, key reads the event as declared
    @idempotent<OrderEvent>({ store, key: (event) => event.detail.missing })
    async handle(event: OrderEvent) {
      return event;
    }
  };

describe('the Middy middleware in the types', () => {
  it('types key, scope and onReplay from its type arguments', () => {
    const middleware = idempotency<OrderEvent, string>({
      store: new InMemoryStore(),
      keyPrefix: 'middy-types',
      key: (event) => {
        typeIs<typeof event, OrderEvent>(true);
        return event.detail.orderId;
      },
      scope: (event) => {
        typeIs<typeof event, OrderEvent>(true);
        return event.detail.tenant;
      },
      onReplay: (response) => {
        typeIs<typeof response, string>(true);
        return response;
      },
    });

    expect(typeof middleware.before).toBe('function');
  });
});

export const wrongMiddyCases = (store: InMemoryStore): unknown[] => [
  // @ts-expect-error with type arguments, key reads the event as declared
  idempotency<OrderEvent, string>({ store, key: (event) => event.detail.missing }),
  // @ts-expect-error onReplay must give back the response type
  idempotency<OrderEvent, string>({ store, onReplay: () => 42 }),
];
