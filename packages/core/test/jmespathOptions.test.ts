import { Functions, PowertoolsFunctions } from '@aws-lambda-powertools/jmespath/functions';
import {
  IdempotencyConfigError,
  IdempotencyValidationError,
  InMemoryStore,
  makeIdempotent,
  resolveOptions,
} from '@oncely/core';
import { lambdaContext } from './fixtures.js';

// The shape Powertools documents for custom functions: a class extending PowertoolsFunctions,
// with `func`-prefixed methods called as snake_case names. (Powertools decorates them with
// `@Functions.signature`, a legacy decorator this repository's tsconfig does not enable; a
// method without it receives the evaluated arguments as an array.)
class OrderFunctions extends PowertoolsFunctions {
  funcLowercase(args: unknown[]): unknown {
    return typeof args[0] === 'string' ? args[0].toLowerCase() : args[0];
  }
}

const store = () => new InMemoryStore();

describe('jmesPathOptions', () => {
  it('lets keyPath call the functions it carries', async () => {
    let runs = 0;
    const handler = makeIdempotent(
      async (event: { orderId: string }, _context?: unknown) => {
        runs += 1;
        return event.orderId;
      },
      { store: store(), keyPath: 'lowercase(orderId)', jmesPathOptions: new OrderFunctions(), keyPrefix: 'jp-key' },
    );

    const first = await handler({ orderId: 'ORDER-1' }, lambdaContext());
    const replay = await handler({ orderId: 'order-1' }, lambdaContext());

    expect(replay).toBe(first);
    expect(runs).toBe(1);
  });

  it('keeps the Powertools functions when the class extends PowertoolsFunctions', () => {
    const resolved = resolveOptions({
      store: store(),
      keyPath: 'lowercase(powertools_json(body).orderId)',
      jmesPathOptions: new OrderFunctions(),
    });

    expect(resolved.selectKey({ body: '{"orderId":"ORDER-1"}' })).toBe('order-1');
  });

  it('lets validatePath call the functions it carries', async () => {
    const handler = makeIdempotent(async (_event: { id: number; note: string }, _context?: unknown) => 'ok', {
      store: store(),
      keyPath: 'id',
      validatePath: 'lowercase(note)',
      jmesPathOptions: new OrderFunctions(),
      keyPrefix: 'jp-validation',
    });

    await handler({ id: 1, note: 'Express' }, lambdaContext());

    await expect(handler({ id: 1, note: 'EXPRESS' }, lambdaContext())).resolves.toBe('ok');
    await expect(handler({ id: 1, note: 'standard' }, lambdaContext())).rejects.toBeInstanceOf(
      IdempotencyValidationError,
    );
  });

  it('replaces the Powertools functions, as in Powertools: an expression using one they lack fails at construction', () => {
    const build = () =>
      resolveOptions({ store: store(), keyPath: 'powertools_json(body).orderId', jmesPathOptions: new Functions() });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(/keyPath.*powertools_json/s);
  });

  it('fails at construction for an unknown function, naming it', () => {
    expect(() =>
      resolveOptions({ store: store(), keyPath: 'uppercase(orderId)', jmesPathOptions: new OrderFunctions() }),
    ).toThrow(/uppercase/);
  });

  it.each([
    ['a plain object', { lowercase: () => 'x' }],
    ['a class', OrderFunctions],
    ['a string', 'OrderFunctions'],
    ['null', null],
  ])('rejects %s at construction, naming the option', (_name, value) => {
    expect(() => resolveOptions({ store: store(), keyPath: 'id', jmesPathOptions: value as never })).toThrow(
      /Option "jmesPathOptions" is .*; use an instance of a class extending PowertoolsFunctions/,
    );
  });
});
