import { type IdempotencyOptions, InMemoryStore, idempotent, makeIdempotent } from '@oncely/core';

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
      scope: (event) => event.detail.tenant,
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
      scope: (payload) => payload.tenant,
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

// Never called: each `@ts-expect-error` must meet a type error, or tsc fails.
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
