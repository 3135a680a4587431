import { InMemoryStore, makeIdempotent } from '@oncely/core';
import { resolveOptions } from '@oncely/core/engine';
import { FaultyStore } from '@oncely/core/testing';
import { recordingLogger } from './fixtures.js';

const store = new InMemoryStore();

describe('POWERTOOLS_IDEMPOTENCY_DISABLED', () => {
  afterEach(() => {
    delete process.env.POWERTOOLS_IDEMPOTENCY_DISABLED;
  });

  // Powertools reads it with getBooleanFromEnv({ extendedParsing: true }): trimmed, any case.
  it.each(['true', 'TRUE', '1', 'yes', 'y', 't', 'on', ' true '])('disables oncely when set to %j', (value) => {
    expect(resolveOptions({ store }, { POWERTOOLS_IDEMPOTENCY_DISABLED: value }).disabled).toBe(true);
  });

  it.each(['false', '0', 'no', 'off', ''])('leaves oncely on when set to %j', (value) => {
    expect(resolveOptions({ store }, { POWERTOOLS_IDEMPOTENCY_DISABLED: value }).disabled).toBe(false);
  });

  it('runs every call without touching the store, with one warning naming the variable', async () => {
    process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
    const faulty = new FaultyStore(new InMemoryStore());
    const logger = recordingLogger();
    let runs = 0;
    const handler = makeIdempotent(
      async (_event?: unknown) => {
        runs += 1;
      },
      { store: faulty, logger, keyPrefix: 'disabled-by-powertools' },
    );

    await handler({ id: 1 });
    await handler({ id: 1 });

    expect(runs).toBe(2);
    expect(faulty.calls).toEqual({ acquire: 0, complete: 0, release: 0, extend: 0, get: 0 });
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('POWERTOOLS_IDEMPOTENCY_DISABLED');
  });
});
