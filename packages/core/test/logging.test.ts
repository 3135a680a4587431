import { IdempotencyConfigError, InMemoryStore, idempotent, makeIdempotent } from '@oncely/core';
import { idempotencyKey } from '@oncely/core/engine';
import { FaultyStore } from '@oncely/core/testing';
import { lambdaContext, recordingLogger } from './fixtures.js';

describe('ONCELY_DISABLED', () => {
  afterEach(() => {
    delete process.env.ONCELY_DISABLED;
  });

  it('runs every call without touching the store, with one warning at construction', async () => {
    process.env.ONCELY_DISABLED = 'true';
    const store = new FaultyStore(new InMemoryStore());
    const logger = recordingLogger();
    let runs = 0;
    const handler = makeIdempotent(
      async (_event?: unknown, _context?: unknown) => {
        runs += 1;
      },
      { store, logger },
    );

    await handler({ id: 1 });
    await handler({ id: 1 });

    expect(runs).toBe(2);
    expect(store.calls).toEqual({ acquire: 0, complete: 0, release: 0, extend: 0, get: 0 });
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });
});

describe('logging', () => {
  it('never logs payload values above debug', async () => {
    const secret = 'card-4111111111111111';
    const logger = recordingLogger();
    const store = new FaultyStore(new InMemoryStore(), [
      { operation: 'complete', fault: 'fail' },
      { operation: 'release', fault: 'fail' },
    ]);
    const handler = makeIdempotent(
      async (event: { card?: string; fail?: boolean }, _context?: unknown) => {
        if (event.fail) throw new Error('declined');
        return { card: event.card };
      },
      { store, logger, key: 'card' },
    );

    await handler({ card: secret }, lambdaContext());
    await handler({ card: secret }, lambdaContext());
    await handler({ card: `${secret}-2`, fail: true }, lambdaContext()).catch(() => {});
    await handler({}, lambdaContext()).catch(() => {});

    const visible = logger.lines.filter((line) => line.level !== 'debug');
    expect(visible.length).toBeGreaterThan(0);
    expect(JSON.stringify(visible)).not.toContain(secret);
  });

  it('carries the key on every line about a keyed call', async () => {
    const logger = recordingLogger();
    const handler = makeIdempotent(async (_event?: unknown, _context?: unknown) => 1, {
      store: new InMemoryStore(),
      logger,
      keyPrefix: 'p',
    });

    await handler({ id: 1 });
    await handler({ id: 1 });

    expect(logger.lines.length).toBeGreaterThan(0);
    for (const line of logger.lines) expect(line.extra[0]).toMatchObject({ key: expect.stringMatching(/^p#/) });
  });
});

describe('default logger', () => {
  afterEach(() => jest.restoreAllMocks());

  it('sends warnings and errors to console when no logger is given, and nothing below', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const debug = jest.spyOn(console, 'debug').mockImplementation(() => {});
    const info = jest.spyOn(console, 'info').mockImplementation(() => {});
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const store = new FaultyStore(new InMemoryStore(), [{ operation: 'release', fault: 'fail' }]);
    const handler = makeIdempotent(
      async (event: { id?: number; fail?: boolean }, _context?: unknown) => {
        if (event.fail) throw new Error('boom');
        return event.id;
      },
      { store, key: 'id', requireKey: false },
    );

    await handler({ id: 1 }, lambdaContext()); // debug lines only
    await handler({}, lambdaContext()); // no key: a warning
    await handler({ id: 2, fail: true }, lambdaContext()).catch(() => {}); // release fails: an error

    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[oncely\] No idempotency key/), expect.anything());
    expect(error).toHaveBeenCalledWith(
      expect.stringMatching(/^\[oncely\] Could not release the lock/),
      expect.anything(),
    );
    expect(debug).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });
});

describe('default key prefix', () => {
  const previousName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  afterEach(() => {
    if (previousName === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    else process.env.AWS_LAMBDA_FUNCTION_NAME = previousName;
  });

  it("refuses a second anonymous function at construction: both would replay each other's results", () => {
    const store = new InMemoryStore();
    makeIdempotent(async (event: { id: number }) => `refund ${event.id}`, { store });

    const second = () => makeIdempotent(async (event: { id: number }) => `capture ${event.id}`, { store });

    expect(second).toThrow(IdempotencyConfigError);
    expect(second).toThrow(/already uses the default key prefix "oncely" \(makeIdempotent\).*keyPrefix/);
  });

  it("refuses it across stores too: the registry is the process's, not the store object's", () => {
    makeIdempotent(async () => 1, { store: new InMemoryStore() });

    expect(() => makeIdempotent(async () => 2, { store: new InMemoryStore() })).toThrow(IdempotencyConfigError);
  });

  it('accepts the same function wrapped again, such as a wrapper built per batch record', async () => {
    const store = new InMemoryStore();
    const applyRecord = async (record: { id: number }) => `applied ${record.id}`;

    const results = [];
    for (const record of [{ id: 1 }, { id: 2 }, { id: 1 }])
      results.push(await makeIdempotent(applyRecord, { store })(record));

    expect(results).toEqual(['applied 1', 'applied 2', 'applied 1']);
    expect(() => makeIdempotent(async function applyRecord() {}, { store })).toThrow(IdempotencyConfigError);
  });

  it('accepts distinct function names and explicit prefixes', () => {
    const store = new InMemoryStore();

    expect(() => {
      makeIdempotent(async function refund() {}, { store });
      makeIdempotent(async function capture() {}, { store });
      makeIdempotent(async () => {}, { store, keyPrefix: 'a' });
      makeIdempotent(async () => {}, { store, keyPrefix: 'a' });
    }).not.toThrow();
  });

  it('names the Lambda function and the wrapped function', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'payments';
    const store = new InMemoryStore();
    const handler = makeIdempotent(
      async function capture(_event: { id: number }) {
        return 'ok';
      },
      { store },
    );

    await handler({ id: 1 });

    expect(await store.get(idempotencyKey('payments.capture', { id: 1 }, 'sha256'))).toMatchObject({
      status: 'COMPLETED',
    });
  });

  it('names the class and the method behind the decorator, so two classes with one method name never share keys', async () => {
    const store = new InMemoryStore();
    class Refunds {
      @idempotent({ store })
      async handle(event: { id: number }) {
        return `refund ${event.id}`;
      }
    }
    class Captures {
      @idempotent({ store })
      async handle(event: { id: number }) {
        return `capture ${event.id}`;
      }
    }

    await new Refunds().handle({ id: 1 });

    await expect(new Captures().handle({ id: 1 })).resolves.toBe('capture 1');
    expect(await store.get(idempotencyKey('Refunds.handle', { id: 1 }, 'sha256'))).toBeDefined();
    expect(await store.get(idempotencyKey('Captures.handle', { id: 1 }, 'sha256'))).toBeDefined();
  });

  it('names the declaring class even when a subclass instance is built first', async () => {
    const store = new InMemoryStore();
    class Base {
      @idempotent({ store })
      async handle(event: { id: number }) {
        return event.id;
      }
    }
    class Child extends Base {}

    await new Child().handle({ id: 7 });

    expect(await store.get(idempotencyKey('Base.handle', { id: 7 }, 'sha256'))).toBeDefined();
  });
});
