import { Functions, PowertoolsFunctions } from '@aws-lambda-powertools/jmespath/functions';
import { IdempotencyConfigError, IdempotencyValidationError, InMemoryStore, makeIdempotent } from '@oncely/core';
import { resolveOptions } from '@oncely/core/engine';
import { jmespath } from '@oncely/core/jmespath';
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

describe('jmespath()', () => {
  it('selects with Powertools’ functions by default', () => {
    const selector = jmespath('powertools_json(body).orderId');

    expect(selector.select({ body: '{"orderId":"o-1"}' })).toBe('o-1');
    expect(selector.source).toBe('jmespath("powertools_json(body).orderId")');
  });

  it('selects what a dotted path cannot: an index, a projection, a pipe', () => {
    const payload = { a: [{ id: 1 }, { id: 2 }], b: { c: 'x' } };

    expect(jmespath('a[0].id').select(payload)).toBe(1);
    expect(jmespath('a[*].id').select(payload)).toEqual([1, 2]);
    expect(jmespath('b | c').select(payload)).toBe('x');
  });

  it.each([
    ['a syntax error', 'body.[', /jmespath\("body.\["\) is not a valid JMESPath expression/],
    ['an unclosed bracket', '[[', /jmespath\("\[\["\) is not a valid JMESPath expression/],
    ['an unknown function', 'nope(body)', /jmespath\("nope\(body\)"\) is not a valid JMESPath expression: .*nope/],
    ['a function with the wrong arity', 'powertools_json(body, body)', /is not a valid JMESPath expression/],
  ])('throws IdempotencyConfigError when it is built with %s', (_name, expression, message) => {
    const build = () => jmespath(expression);

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(message);
  });

  it.each([
    ['an empty string', '', /jmespath\(\) got ""; pass a non-empty JMESPath expression/],
    ['white space', ' ', /jmespath\(\) got " "; pass a non-empty/],
    ['a number', 42, /jmespath\(\) got number; pass a non-empty/],
    ['undefined', undefined, /jmespath\(\) got undefined; pass a non-empty/],
    ['null', null, /jmespath\(\) got null; pass a non-empty/],
  ])('throws IdempotencyConfigError when the expression is %s', (_name, expression, message) => {
    const build = () => jmespath(expression as never);

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(message);
  });

  it('accepts an expression whose functions only fail on an empty payload', () => {
    expect(() => jmespath('powertools_json(body).orderId')).not.toThrow();
  });

  it('fails at run time, as an IdempotencyKeyError, where a function fails on the payload', async () => {
    const handler = makeIdempotent(async (_event: { body: unknown }, _context?: unknown) => 'ok', {
      store: store(),
      key: jmespath('powertools_json(body).orderId'),
    });

    await expect(handler({ body: 42 }, lambdaContext())).rejects.toThrow(
      /Could not select the idempotency key with key jmespath\("powertools_json\(body\).orderId"\)/,
    );
  });
});

describe('jmespath() with custom functions', () => {
  it('lets key call the functions it carries', async () => {
    let runs = 0;
    const handler = makeIdempotent(
      async (event: { orderId: string }, _context?: unknown) => {
        runs += 1;
        return event.orderId;
      },
      {
        store: store(),
        key: jmespath('lowercase(orderId)', { functions: new OrderFunctions() }),
        keyPrefix: 'jp-key',
      },
    );

    const first = await handler({ orderId: 'ORDER-1' }, lambdaContext());
    const replay = await handler({ orderId: 'order-1' }, lambdaContext());

    expect(replay).toBe(first);
    expect(runs).toBe(1);
  });

  it('keeps the Powertools functions when the class extends PowertoolsFunctions', () => {
    const resolved = resolveOptions({
      store: store(),
      key: jmespath('lowercase(powertools_json(body).orderId)', { functions: new OrderFunctions() }),
    });

    expect(resolved.selectKey({ body: '{"orderId":"ORDER-1"}' })).toBe('order-1');
  });

  it('lets validate call the functions it carries', async () => {
    const handler = makeIdempotent(async (_event: { id: number; note: string }, _context?: unknown) => 'ok', {
      store: store(),
      key: 'id',
      validate: jmespath('lowercase(note)', { functions: new OrderFunctions() }),
      keyPrefix: 'jp-validation',
    });

    await handler({ id: 1, note: 'Express' }, lambdaContext());

    await expect(handler({ id: 1, note: 'EXPRESS' }, lambdaContext())).resolves.toBe('ok');
    await expect(handler({ id: 1, note: 'standard' }, lambdaContext())).rejects.toBeInstanceOf(
      IdempotencyValidationError,
    );
  });

  it('replaces the Powertools functions, as in Powertools: an expression using one they lack fails at construction', () => {
    const build = () => jmespath('powertools_json(body).orderId', { functions: new Functions() });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(/jmespath\("powertools_json\(body\).orderId"\).*powertools_json/s);
  });

  it('fails at construction for an unknown function, naming it', () => {
    expect(() => jmespath('uppercase(orderId)', { functions: new OrderFunctions() })).toThrow(/uppercase/);
  });

  it.each([
    ['a plain object', { lowercase: () => 'x' }],
    ['a class', OrderFunctions],
    ['a string', 'OrderFunctions'],
    ['null', null],
  ])('rejects %s as functions at construction, naming the option', (_name, value) => {
    const build = () => jmespath('id', { functions: value as never });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(
      /jmespath\(\) option "functions" is .*; use an instance of a class extending PowertoolsFunctions/,
    );
  });
});
