import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  IdempotencyConfig,
  IdempotencyAlreadyInProgressError as PowertoolsInProgressError,
  IdempotencyValidationError as PowertoolsValidationError,
  makeIdempotent as powertoolsIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { CachePersistenceLayer } from '@aws-lambda-powertools/idempotency/cache';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError, makeIdempotent } from '@oncely/core';
import { RedisStore } from '@oncely/redis';
import { lambdaContext } from '../../core/test/fixtures.js';
import { useRedis } from './fixtures';

// One cache, two libraries: Powertools TypeScript's CachePersistenceLayer (driven through its own
// makeIdempotent on a real @redis/client client) and oncely's RedisStore in the Powertools format.
// Keys meet when both use the same key prefix (Powertools' keyPrefix, oncely's keyPrefix), the
// same key path, MD5 (oncely's hash: 'md5'), and the store's keyPrefix '' (its default here).

const redis = useRedis();

interface Order {
  orderId: string;
  amount?: number;
}

/**
 * A Powertools handler and an oncely handler on the same keys (validating `amount` when
 * `validate`); each counts its own runs, and oncely's warnings are kept.
 */
const sharedHandlers = <R>(produce: (side: 'powertools' | 'oncely') => Promise<R> | R, validate = false) => {
  const functionName = `orders-${randomUUID()}`;
  const runs = { powertools: 0, oncely: 0 };
  const warnings: string[] = [];
  const persistenceStore = new CachePersistenceLayer({ client: redis.client });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'orderId',
    ...(validate ? { payloadValidationJmesPath: 'amount' } : {}),
  });
  const powertools = powertoolsIdempotent(
    async (_event: Order, _context: unknown) => {
      runs.powertools++;
      return produce('powertools');
    },
    { persistenceStore, keyPrefix: functionName, config },
  );
  const store = new RedisStore({ client: redis.client, powertools: 'typescript' });
  const ignore = () => undefined;
  const oncely = makeIdempotent(
    async (_event: Order, _context?: unknown) => {
      runs.oncely++;
      return produce('oncely');
    },
    {
      store,
      key: 'orderId',
      hash: 'md5',
      keyPrefix: functionName,
      localCache: false,
      ...(validate ? { validate: 'amount' } : {}),
      logger: { debug: ignore, info: ignore, warn: (message: string) => warnings.push(message), error: ignore },
    },
  );
  return { powertools, oncely, runs, warnings, functionName };
};

/** A result that is not ready until `finish` gives it. */
const closedGate = () => {
  let finish: (result: string) => void = () => undefined;
  const gate = new Promise<string>((resolve) => {
    finish = resolve;
  });
  return { gate, finish: (result: string) => finish(result) };
};

/** Resolves once a key matching `pattern` exists in Redis (a lock was written). */
const lockWritten = async (pattern: string): Promise<void> => {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await redis.client.keys(pattern)).length > 0) return;
    await sleep(5);
  }
  throw new Error(`no key matches ${pattern}`);
};

const results: [string, unknown][] = [
  ['an object', { orderId: 'o-1', paid: true, lines: [{ sku: 'a', qty: 2 }], note: null }],
  ['an array', [1, 'two', { three: 3 }, []]],
  ['a string', 'captured'],
  ['a number', 1767225600123],
  ['a boolean', false],
  ['null', null],
];

describe('a result Powertools stored', () => {
  it.each(results)('is replayed by oncely: %s', async (_name, result) => {
    const { powertools, oncely, runs } = sharedHandlers(() => result);
    const event = { orderId: randomUUID() };

    const first = await powertools(event, lambdaContext());
    const replay = await oncely(event, lambdaContext());

    expect(first).toEqual(result);
    expect(replay).toEqual(result);
    expect(runs).toEqual({ powertools: 1, oncely: 0 });
  });
});

describe('a result oncely stored', () => {
  it.each(results)('is replayed by Powertools: %s', async (_name, result) => {
    const { powertools, oncely, runs } = sharedHandlers(() => result);
    const event = { orderId: randomUUID() };

    const first = await oncely(event, lambdaContext());
    const replay = await powertools(event, lambdaContext());

    expect(first).toEqual(result);
    expect(replay).toEqual(result);
    expect(runs).toEqual({ powertools: 0, oncely: 1 });
  });
});

describe('a lock', () => {
  it('Powertools holds blocks oncely until it expires; then oncely runs', async () => {
    const { gate, finish } = closedGate();
    const { powertools, oncely, runs, functionName } = sharedHandlers((side) => (side === 'powertools' ? gate : 'B'));
    const event = { orderId: randomUUID() };

    // t0: Powertools locks the key until t0 + 600 ms (its Lambda's remaining time) and hangs.
    const hung = powertools(event, lambdaContext({ remainingMs: 600 }));
    await lockWritten(`${functionName}#*`);
    const whileLocked = await oncely(event, lambdaContext()).catch((e: unknown) => e);
    // t0 + 700 ms: the lock is over (the record lives on), so oncely takes the key over.
    await sleep(700);
    const afterExpiry = await oncely(event, lambdaContext());
    // Powertools' call ends now. Its completion is a plain SET (Powertools does not fence its
    // writes), so it replaces the record of the oncely call that took over.
    finish('A');
    await hung;
    const replay = await oncely(event, lambdaContext());

    expect(whileLocked).toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(afterExpiry).toBe('B');
    expect(replay).toBe('A');
    expect(runs).toEqual({ powertools: 1, oncely: 1 });
  });

  it('oncely holds blocks Powertools until it expires; then Powertools runs, and oncely’s late result is not stored', async () => {
    const { gate, finish } = closedGate();
    const { powertools, oncely, runs, warnings, functionName } = sharedHandlers((side) =>
      side === 'oncely' ? gate : 'B',
    );
    const event = { orderId: randomUUID() };

    // t0: oncely locks the key until t0 + 600 ms and hangs.
    const hung = oncely(event, lambdaContext({ remainingMs: 600 }));
    await lockWritten(`${functionName}#*`);
    const whileLocked = await powertools(event, lambdaContext()).catch((e: unknown) => e);
    // t0 + 700 ms: Powertools takes the orphaned lock over and completes with B.
    await sleep(700);
    const afterExpiry = await powertools(event, lambdaContext());
    // oncely's call ends now; its completion is fenced on its owner, which no longer holds the key.
    finish('A');
    await hung.catch(() => undefined);
    const replay = await oncely(event, lambdaContext());

    expect(whileLocked).toBeInstanceOf(PowertoolsInProgressError);
    expect(afterExpiry).toBe('B');
    expect(replay).toBe('B');
    expect(runs).toEqual({ powertools: 1, oncely: 1 });
    expect(warnings).toEqual([expect.stringMatching(/lock was taken over while the call ran/)]);
  });
});

describe('a validated payload', () => {
  it('replays a result oncely stored in Powertools with the same amount, and refuses another amount in both', async () => {
    const { powertools, oncely, runs } = sharedHandlers(() => 'captured', true);
    const event = { orderId: randomUUID(), amount: 42 };

    await oncely(event, lambdaContext());
    const replay = await powertools(event, lambdaContext());
    const changedInPowertools = await powertools({ ...event, amount: 43 }, lambdaContext()).catch((e: unknown) => e);
    const changedInOncely = await oncely({ ...event, amount: 43 }, lambdaContext()).catch((e: unknown) => e);

    expect(replay).toBe('captured');
    expect(changedInPowertools).toBeInstanceOf(PowertoolsValidationError);
    expect(changedInOncely).toBeInstanceOf(IdempotencyValidationError);
    expect(runs).toEqual({ powertools: 0, oncely: 1 });
  });

  // Powertools' cache layer drops `validation` when it completes a record, so a record it
  // completed carries none; oncely accepts a record written without validation.
  it('replays a result Powertools stored in oncely, whatever the amount', async () => {
    const { powertools, oncely, runs } = sharedHandlers(() => 'captured', true);
    const event = { orderId: randomUUID(), amount: 42 };

    await powertools(event, lambdaContext());
    const replay = await oncely({ ...event, amount: 43 }, lambdaContext());

    expect(replay).toBe('captured');
    expect(runs).toEqual({ powertools: 1, oncely: 0 });
  });
});
