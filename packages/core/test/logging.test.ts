import { InMemoryStore, makeIdempotent } from '@oncely/core';
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
      { store, logger, keyPath: 'card' },
    );

    await handler({ card: secret }, lambdaContext());
    await handler({ card: secret }, lambdaContext());
    await handler({ card: `${secret}-2`, fail: true }, lambdaContext()).catch(() => {});
    await handler({}, lambdaContext());

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

describe('shared default key prefix', () => {
  const warnings = (logger: ReturnType<typeof recordingLogger>) =>
    logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);

  it('warns at construction when two anonymous functions on one store would share keys', async () => {
    const store = new InMemoryStore();
    const logger = recordingLogger();
    const refund = makeIdempotent(async (event: { id: number }) => `refund ${event.id}`, { store, logger });
    const capture = makeIdempotent(async (event: { id: number }) => `capture ${event.id}`, { store, logger });

    expect(warnings(logger)).toEqual([
      expect.stringMatching(/already uses the default key prefix "oncely".*keyPrefix/),
    ]);
    // What the warning is about: the second function replays the first one's result.
    await refund({ id: 1 });
    await expect(capture({ id: 1 })).resolves.toBe('refund 1');
  });

  it('stays silent for distinct prefixes, explicit prefixes, or separate stores', () => {
    const logger = recordingLogger();
    const store = new InMemoryStore();
    makeIdempotent(async function refund() {}, { store, logger });
    makeIdempotent(async function capture() {}, { store, logger });
    makeIdempotent(async () => {}, { store, logger, keyPrefix: 'a' });
    makeIdempotent(async () => {}, { store, logger, keyPrefix: 'a' });
    makeIdempotent(async () => {}, { store: new InMemoryStore(), logger });
    makeIdempotent(async () => {}, { store: new InMemoryStore(), logger });

    expect(warnings(logger)).toEqual([]);
  });
});
