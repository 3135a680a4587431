import {
  IdempotencyConfigError,
  IdempotencyKeyError,
  IdempotencyValidationError,
  InMemoryStore,
  makeIdempotent,
} from '@oncely/core';
import { resolveOptions } from '@oncely/core/engine';
import { jmespath } from '@oncely/core/jmespath';
import { lambdaContext } from './fixtures.js';

const store = new InMemoryStore();
const selectKey = (key: unknown, payload: unknown) => resolveOptions({ store, key: key as never }).selectKey(payload);

/** A handler behind `makeIdempotent` with these options, counting its runs. */
const counted = (options: Record<string, unknown>) => {
  let runs = 0;
  const handler = makeIdempotent(
    // biome-ignore lint/suspicious/noExplicitAny: payloads of every shape
    async (_event: any, _context?: unknown) => {
      runs += 1;
      return runs;
    },
    { store: new InMemoryStore(), keyPrefix: 'k', ...options },
  );
  return { handler, runs: () => runs };
};

describe('key as a dotted path', () => {
  it('selects a nested property', () => {
    expect(selectKey('body.order.id', { body: { order: { id: 'o-1' } } })).toBe('o-1');
  });

  it('selects an array element by its index as a segment', () => {
    expect(selectKey('detail.lines.0.sku', { detail: { lines: [{ sku: 'A' }, { sku: 'B' }] } })).toBe('A');
    expect(selectKey('lines.1', { lines: ['a', 'b'] })).toBe('b');
  });

  it('selects names JMESPath would need quoted, such as a dash or a dollar sign', () => {
    expect(selectKey('order-id', { 'order-id': 'o-1' })).toBe('o-1');
    expect(selectKey('a.$id', { a: { $id: 7 } })).toBe(7);
  });

  it.each([
    ['a missing property', 'body.orderId', { body: {} }],
    ['a path through a string', 'body.orderId', { body: '{"orderId":"o-1"}' }],
    ['a path through null', 'body.orderId', { body: null }],
    ['a path through a number', 'a.b', { a: 1 }],
    ['an index past the end', 'lines.5', { lines: ['a'] }],
  ])('selects nothing for %s', (_name, path, payload) => {
    expect(selectKey(path, payload)).toBeUndefined();
  });

  it.each([
    ['constructor', {}],
    ['__proto__', {}],
    ['toString', {}],
    ['a.constructor.name', { a: {} }],
    ['a.__proto__', { a: { b: 1 } }],
    ['hasOwnProperty', Object.create({ hasOwnProperty: 'inherited' })],
  ])('reads own properties only: %s selects nothing', (path, payload) => {
    expect(selectKey(path, payload)).toBeUndefined();
  });

  it('refuses a payload whose path reaches only an inherited property, instead of keying on it', async () => {
    const { handler, runs } = counted({ key: 'constructor' });

    await expect(handler({}, lambdaContext())).rejects.toThrow(IdempotencyKeyError);
    expect(runs()).toBe(0);
  });

  it('replays a payload with the same value at the path, whatever else differs', async () => {
    const { handler, runs } = counted({ key: 'body.orderId' });

    await handler({ body: { orderId: 'o-1', note: 'a' } }, lambdaContext());
    const replay = await handler({ body: { orderId: 'o-1', note: 'b' } }, lambdaContext());

    expect(replay).toBe(1);
    expect(runs()).toBe(1);
  });

  it('names the path when it selects nothing', async () => {
    const { handler } = counted({ key: 'body.orderId' });

    await expect(handler({ body: {} }, lambdaContext())).rejects.toThrow(
      /has no idempotency key: key "body.orderId" selected/,
    );
  });

  it.each(['powertools_json(body).id', 'a[0]', 'a | b', 'a.*', 'a[?b == `1`].c', '@', "'literal'", 'a b'])(
    'rejects %j as no dotted path, pointing to jmespath()',
    (path) => {
      const build = () => resolveOptions({ store, key: path });

      expect(build).toThrow(IdempotencyConfigError);
      expect(build).toThrow(
        `Option "key" is ${JSON.stringify(path)}, which is not a dotted path such as "body.orderId". ` +
          `For a JMESPath expression use key: jmespath(${JSON.stringify(path)}) with import { jmespath } from '@oncely/core/jmespath'.`,
      );
    },
  );
});

// No JMESPath expression has an empty segment either: pointing to jmespath() would not help.
describe.each(['a..b', 'a.', '.a', ''])('key %j', (path) => {
  it('is rejected as a path with an empty segment', () => {
    expect(() => resolveOptions({ store, key: path })).toThrow(
      `Option "key" is ${JSON.stringify(path)}, which has an empty segment; write the path as "body.orderId".`,
    );
  });
});

describe('key as jmespath()', () => {
  it('selects with the expression', () => {
    expect(selectKey(jmespath('powertools_json(body).orderId'), { body: '{"orderId":"o-1"}' })).toBe('o-1');
  });

  it('names the expression when it selects nothing', async () => {
    const { handler } = counted({ key: jmespath('a[0]') });

    await expect(handler({ a: [] }, lambdaContext())).rejects.toThrow(/key jmespath\("a\[0\]"\) selected/);
  });
});

describe('key: { header }', () => {
  const headerKey = { key: { header: 'Idempotency-Key' }, scope: false as const };

  it('reads the header whatever the case of its name', () => {
    const resolved = resolveOptions({ store, ...headerKey });

    expect(resolved.selectKey({ headers: { 'idempotency-key': 'k-1' } })).toBe('k-1');
    expect(resolved.selectKey({ headers: { 'IDEMPOTENCY-KEY': 'k-1' } })).toBe('k-1');
    expect(resolved.selectKey({ headers: { 'Other-Header': 'k-1' } })).toBeUndefined();
    expect(resolved.keySource).toBe('header "Idempotency-Key"');
  });

  it('replays a request with the same key under another spelling of the header', async () => {
    const { handler, runs } = counted(headerKey);

    await handler({ headers: { 'Idempotency-Key': 'k-1' }, body: 'a' }, lambdaContext());
    const replay = await handler({ headers: { 'idempotency-key': 'k-1' }, body: 'b' }, lambdaContext());

    expect(replay).toBe(1);
    expect(runs()).toBe(1);
  });

  it('throws IdempotencyKeyError naming the header when a request lacks it', async () => {
    const { handler, runs } = counted(headerKey);

    await expect(handler({ headers: {} }, lambdaContext())).rejects.toThrow(/header "Idempotency-Key" selected/);
    expect(runs()).toBe(0);
  });

  it('tells the client side to send the header, not to check a path', async () => {
    const { handler } = counted(headerKey);
    const failure = handler({ headers: {} }, lambdaContext());

    await expect(failure).rejects.toThrow(/Send the Idempotency-Key header with each request/);
    await expect(failure).rejects.not.toThrow(/check the path/);
  });

  it('needs a scope, or scope: false asked for explicitly', () => {
    const build = () => resolveOptions({ store, key: { header: 'Idempotency-Key' } });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(/Option "key: \{ header \}" lets clients choose the key, so it needs "scope"/);
    expect(() => resolveOptions({ store, key: { header: 'Idempotency-Key' }, scope: () => 't' })).not.toThrow();
    expect(resolveOptions({ store, key: { header: 'Idempotency-Key' }, scope: false }).scope).toBeUndefined();
  });

  it.each([
    ['a header name with a space', { header: 'Idempotency Key' }],
    ['an empty header name', { header: '' }],
    ['a header name with a colon', { header: 'Idempotency-Key:' }],
    ['a header that is not a string', { header: 42 }],
    ['another field next to header', { header: 'Idempotency-Key', path: 'body.id' }],
    ['an object without header', { path: 'body.id' }],
    ['an empty object', {}],
  ])('rejects %s', (_name, key) => {
    const build = () => resolveOptions({ store, key: key as never, scope: false });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(
      /Option "key" is an object; use \{ header: 'Idempotency-Key' \} with an HTTP header name, or a dotted path, jmespath\(\) or a function/,
    );
  });
});

describe('key as a function', () => {
  it('keys on what the function returns', async () => {
    const { handler, runs } = counted({ key: (event: { tenant: string; id: number }) => [event.tenant, event.id] });

    await handler({ tenant: 't', id: 1, note: 'a' }, lambdaContext());
    await handler({ tenant: 't', id: 1, note: 'b' }, lambdaContext());
    await handler({ tenant: 'u', id: 1 }, lambdaContext());

    expect(runs()).toBe(2);
  });

  it('throws IdempotencyKeyError when the function throws, without running the handler', async () => {
    const { handler, runs } = counted({
      key: () => {
        throw new Error('no order here');
      },
    });

    await expect(handler({}, lambdaContext())).rejects.toThrow(IdempotencyKeyError);
    expect(runs()).toBe(0);
  });

  // Once: the option's name is not repeated ("key key()").
  it('names the function key() in messages', async () => {
    const { handler } = counted({ key: () => undefined });

    await expect(handler({}, lambdaContext())).rejects.toThrow(/has no idempotency key: key\(\) selected nothing/);
    await expect(handler({}, lambdaContext())).rejects.toThrow(/check what key\(\) returns for such payloads/);
  });
});

describe('key of another kind', () => {
  it.each([
    ['a number', 42, /Option "key" is 42; use a dotted path such as "body.orderId", jmespath\("\.\.\."\)/],
    ['null', null, /Option "key" is null; use a dotted path/],
    ['true', true, /Option "key" is true; use a dotted path/],
  ])('rejects %s', (_name, key, message) => {
    const build = () => resolveOptions({ store, key: key as never });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(message);
  });
});

describe('validate', () => {
  it.each([
    ['a dotted path', 'body.amount'],
    ['jmespath()', jmespath('body.amount')],
    ['a function', (event: { body: { amount: number } }) => event.body.amount],
  ])('as %s, replays an unchanged value and refuses a changed one', async (_name, validate) => {
    const { handler, runs } = counted({ key: 'body.orderId', validate });

    await handler({ body: { orderId: 'o-1', amount: 5, note: 'a' } }, lambdaContext());
    const replay = await handler({ body: { orderId: 'o-1', amount: 5, note: 'b' } }, lambdaContext());
    const tampered = handler({ body: { orderId: 'o-1', amount: 500 } }, lambdaContext());

    expect(replay).toBe(1);
    await expect(tampered).rejects.toThrow(IdempotencyValidationError);
    await expect(tampered).rejects.toThrow(/differs from the first call's at the validated part \(validate\)/);
    expect(runs()).toBe(1);
  });

  it('rejects a JMESPath string, pointing to jmespath()', () => {
    const build = () => resolveOptions({ store, validate: 'powertools_json(body).amount' });

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(/For a JMESPath expression use validate: jmespath\("powertools_json\(body\).amount"\)/);
  });

  it.each([
    ['a number', 42],
    ['an object', { path: 'body.amount' }],
  ])('rejects %s', (_name, validate) => {
    expect(() => resolveOptions({ store, validate: validate as never })).toThrow(
      /Option "validate" is .*; use a dotted path such as "body.orderId", jmespath\("\.\.\."\) from '@oncely\/core\/jmespath', or a function of the payload/,
    );
  });
});

// Records written before an upgrade must still replay: a key selected as 0.x's keyPath did
// (JMESPath), as a dotted path, or by a function is the same key.
describe('the same key, however it is selected', () => {
  it('replays a record written through jmespath() from a dotted path and from a function', async () => {
    const shared = new InMemoryStore();
    let runs = 0;
    const guard = (key: unknown) =>
      makeIdempotent(
        async (_event: { body: { order: { id: string } } }, _context?: unknown) => {
          runs += 1;
          return 'captured';
        },
        { store: shared, keyPrefix: 'payments', key: key as never },
      );
    const event = { body: { order: { id: 'o-1' } } };

    await guard(jmespath('body.order.id'))(event, lambdaContext());
    await guard('body.order.id')(event, lambdaContext());
    await guard((payload: typeof event) => payload.body.order.id)(event, lambdaContext());

    expect(runs).toBe(1);
  });
});
