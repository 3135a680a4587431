import { errorNamed, httpResponses, IdempotencyConfigError, InMemoryStore, makeIdempotent } from '@oncely/core';
import { resolveOptions } from '@oncely/core/engine';

const fn = async () => 'ok';
const store = new InMemoryStore();

const rejects = (options: unknown, message: RegExp) => {
  const build = () => makeIdempotent(fn, options as never);

  expect(build).toThrow(IdempotencyConfigError);
  expect(build).toThrow(message);
};

describe('options checked when the wrapper is built', () => {
  it.each([
    ['a missing store', {}, /Option "store" is undefined; pass an IdempotencyStore/],
    ['a store without methods', { store: {} }, /Option "store" is an object/],
    [
      'a negative expiry',
      { store, expiresAfterSeconds: -1 },
      /Option "expiresAfterSeconds" is -1; use a whole number of seconds from 1 to 315360000/,
    ],
    // A fractional expiry made the engine and the store disagree about when a record expires.
    ['a fractional expiry', { store, expiresAfterSeconds: 1.5 }, /"expiresAfterSeconds" is 1.5; use a whole number/],
    // 1e200 passed the old check and then failed every call.
    ['an absurd expiry', { store, expiresAfterSeconds: 1e200 }, /"expiresAfterSeconds" is 1e\+200/],
    ['an expiry past ten years', { store, expiresAfterSeconds: 315_360_001 }, /from 1 to 315360000/],
    [
      'a lock longer than a Lambda can run',
      { store, lock: { durationMs: 900_001 } },
      /"lock.durationMs" is 900001.*to 900000/,
    ],
    ['a fractional lock duration', { store, lock: { durationMs: 100.5 } }, /"lock.durationMs" is 100.5/],
    // A lease is renewed three times per term: a 1 ms lease would write to the store every millisecond.
    [
      'a lock shorter than 100 ms',
      { store, lock: { durationMs: 1 } },
      /"lock.durationMs" is 1; use a whole number of milliseconds from 100 to 900000/,
    ],
    ['a lock of 99 ms', { store, lock: { durationMs: 99 } }, /"lock.durationMs" is 99; .*from 100/],
    ['a lock of an hour', { store, lock: { durationMs: 3_600_000 } }, /"lock.durationMs" is 3600000/],
    [
      'a lock without durationMs',
      { store, lock: { renew: false } },
      /Option "lock.durationMs" is undefined; use a whole number of milliseconds from 100 to 900000/,
    ],
    ['a lock that is not an object', { store, lock: 500 }, /Option "lock" is 500; use \{ durationMs, renew \}/],
    [
      'a non-boolean lock.renew',
      { store, lock: { durationMs: 500, renew: 'no' } },
      /"lock.renew" is "no"; use true or false/,
    ],
    [
      'a wait longer than a Lambda can run',
      { store, whenInProgress: { waitMs: 1e9 } },
      /"whenInProgress.waitMs" is 1000000000/,
    ],
    ['a negative waitMs', { store, whenInProgress: { waitMs: -5 } }, /"whenInProgress.waitMs" is -5/],
    [
      'a whenInProgress object with other fields',
      { store, whenInProgress: { waitMs: 100, pollMs: 5 } },
      /Option "whenInProgress" is an object; use 'throw' or \{ waitMs \}/,
    ],
    ['a bad whenInProgress', { store, whenInProgress: 'wait' }, /Option "whenInProgress" is "wait"/],
    ['a fractional cache size', { store, localCache: { maxEntries: 2.5 } }, /"localCache.maxEntries" is 2.5/],
    ['a bad localCache', { store, localCache: { maxEntries: 0 } }, /"localCache.maxEntries" is 0/],
    ['a zero expiry', { store, expiresAfterSeconds: 0 }, /"expiresAfterSeconds" is 0/],
    ['a non-numeric expiry', { store, expiresAfterSeconds: '60' }, /"expiresAfterSeconds" is "60"/],
    ['an unknown hash', { store, hash: 'sha1' }, /Option "hash" is "sha1"; use 'sha256' or 'md5'/],
    ['a non-boolean requireKey', { store, requireKey: 'yes' }, /"requireKey" is "yes"; use true or false/],
    ['a bad payloadArgument', { store, payloadArgument: 1.5 }, /"payloadArgument" is 1.5/],
    ['an empty keyPrefix', { store, keyPrefix: '' }, /"keyPrefix" is ""/],
    [
      'a logger without methods',
      { store, logger: { info() {} } },
      /Option "logger" is an object; use an object with debug, info, warn and error/,
    ],
    ['a non-function scope', { store, scope: 'tenant' }, /Option "scope" is "tenant"; use a function/],
    ['a non-function onReplay', { store, onReplay: {} }, /Option "onReplay" is an object; use a function/],
    [
      'cacheErrors that is neither a predicate nor a list',
      { store, cacheErrors: 'CardDeclined' },
      /Option "cacheErrors" is "CardDeclined"; use a predicate \(error\) => boolean, such as errorNamed\('CardDeclined'\)/,
    ],
    [
      'responses without replay',
      { store, responses: { error: () => undefined } },
      /Option "responses" is an object; use httpResponses from '@oncely\/core' \(or an object with replay and error functions\)/,
    ],
    [
      'responses without error',
      { store, responses: { replay: (result: unknown) => result } },
      /Option "responses" is an object; use httpResponses/,
    ],
    ['responses given as true', { store, responses: true }, /Option "responses" is true; use httpResponses/],
    // A misspelt field would silently change what the lock or cache does.
    [
      'a misspelt lock field',
      { store, lock: { durationMs: 500, renw: false } },
      /Option "lock" has the unknown field "renw"; use \{ durationMs, renew \}/,
    ],
    [
      'a misspelt localCache field',
      { store, localCache: { maxEntrie: 5 } },
      /Option "localCache" has the unknown field "maxEntrie"; use false or \{ maxEntries, maxBytes \}/,
    ],
    [
      'an unknown option',
      { store, keypath: 'a' },
      /Unknown option "keypath"; known options: store, key, validate, expiresAfterSeconds, whenInProgress, lock,/,
    ],
  ])('rejects %s with IdempotencyConfigError', (_name, options, message) => {
    rejects(options, message);
  });

  it('fills the documented defaults', () => {
    const resolved = resolveOptions({ store }, {});

    expect(resolved).toMatchObject({
      expiresAfterSeconds: 3600,
      waitMs: undefined,
      localCache: undefined,
      lock: undefined,
      responses: undefined,
      cacheErrors: undefined,
      selectValidation: undefined,
      requireKey: true,
      hash: 'sha256',
      keyPrefix: undefined,
      payloadArgument: 0,
      disabled: false,
      keySource: 'the whole payload',
    });
  });

  it('returns a frozen object of plain data', () => {
    const resolved = resolveOptions({ store, localCache: { maxEntries: 5 }, lock: { durationMs: 500 } });

    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.localCache)).toBe(true);
    expect(Object.isFrozen(resolved.lock)).toBe(true);
  });

  it('resolves localCache to its limits, leaving the cache itself to the engine', () => {
    expect(resolveOptions({ store, localCache: {} }).localCache).toEqual({
      maxEntries: 256,
      maxBytes: 8 * 1024 * 1024,
    });
    expect(resolveOptions({ store, localCache: { maxEntries: 5, maxBytes: 1000 } }).localCache).toEqual({
      maxEntries: 5,
      maxBytes: 1000,
    });
    expect(resolveOptions({ store, localCache: false }).localCache).toBeUndefined();
  });

  it('reads ONCELY_DISABLED=true as disabled', () => {
    expect(resolveOptions({ store }, { ONCELY_DISABLED: 'true' }).disabled).toBe(true);
    expect(resolveOptions({ store }, { ONCELY_DISABLED: 'false' }).disabled).toBe(false);
  });
});

describe('whenInProgress', () => {
  it('throws at once by default and with "throw"', () => {
    expect(resolveOptions({ store }).waitMs).toBeUndefined();
    expect(resolveOptions({ store, whenInProgress: 'throw' }).waitMs).toBeUndefined();
  });

  it('gives { waitMs } a default of 10 seconds', () => {
    expect(resolveOptions({ store, whenInProgress: {} }).waitMs).toBe(10_000);
  });

  it('waits for as long as waitMs says, up to 15 minutes', () => {
    expect(resolveOptions({ store, whenInProgress: { waitMs: 250 } }).waitMs).toBe(250);
    expect(resolveOptions({ store, whenInProgress: { waitMs: 900_000 } }).waitMs).toBe(900_000);
  });
});

describe('lock', () => {
  it('leaves the lock to the call’s context when unset', () => {
    expect(resolveOptions({ store }).lock).toBeUndefined();
  });

  it('renews the lease by default', () => {
    expect(resolveOptions({ store, lock: { durationMs: 30_000 } }).lock).toEqual({ durationMs: 30_000, renew: true });
  });

  it('makes a plain lock of durationMs with renew: false', () => {
    expect(resolveOptions({ store, lock: { durationMs: 300, renew: false } }).lock).toEqual({
      durationMs: 300,
      renew: false,
    });
  });

  it.each([100, 900_000])('accepts a lock of %i ms, the bounds', (durationMs) => {
    expect(resolveOptions({ store, lock: { durationMs } }).lock?.durationMs).toBe(durationMs);
  });
});

describe('cacheErrors', () => {
  it('takes a predicate as it is', () => {
    const predicate = (error: unknown) => error instanceof RangeError;

    expect(resolveOptions({ store, cacheErrors: predicate }).cacheErrors).toBe(predicate);
  });

  it('takes errorNamed(...)', () => {
    const { cacheErrors } = resolveOptions({ store, cacheErrors: errorNamed('CardDeclined') });

    expect(cacheErrors?.(Object.assign(new Error('x'), { name: 'CardDeclined' }))).toBe(true);
    expect(cacheErrors?.(new Error('x'))).toBe(false);
  });
});

describe('responses', () => {
  it('takes httpResponses', () => {
    expect(resolveOptions({ store, responses: httpResponses }).responses).toBe(httpResponses);
  });

  it('takes any object with replay and error functions', () => {
    const responses = { replay: (result: unknown) => result, error: () => undefined };

    expect(resolveOptions({ store, responses }).responses).toBe(responses);
  });
});

// Each 0.x option that 1.0 renamed or regrouped fails with the new form, value included, so the
// message is the migration.
describe('options of oncely 0.x', () => {
  const migration = /See the migration table in the @oncely\/core README\./;

  it.each([
    ['keyPath with a dotted path', { keyPath: 'body.orderId' }, /"keyPath" -> key: "body.orderId" \(a dotted path\)/],
    [
      'keyPath with a JMESPath expression',
      { keyPath: 'powertools_json(body).orderId' },
      /"keyPath" -> key: jmespath\("powertools_json\(body\).orderId"\) with import \{ jmespath \} from '@oncely\/core\/jmespath'/,
    ],
    ['keyHeader', { keyHeader: 'Idempotency-Key' }, /"keyHeader" -> key: \{ header: "Idempotency-Key" \}/],
    ['validatePath with a dotted path', { validatePath: 'body.amount' }, /"validatePath" -> validate: "body.amount"/],
    [
      'validatePath with a JMESPath expression',
      { validatePath: 'powertools_json(body).amount' },
      /"validatePath" -> validate: jmespath\("powertools_json\(body\).amount"\) with import \{ jmespath \}/,
    ],
    [
      'jmesPathOptions',
      { jmesPathOptions: {} },
      /"jmesPathOptions" -> jmespath\(expression, \{ functions \}\) for key or validate/,
    ],
    ['lockDurationMs', { lockDurationMs: 5000 }, /"lockDurationMs" -> lock: \{ durationMs: 5000 \}/],
    ['lease', { lease: { durationMs: 300 } }, /"lease" -> lock: \{ durationMs: 300 \}/],
    [
      'lease without renewal',
      { lease: { durationMs: 300, renew: false } },
      /"lease" -> lock: \{ durationMs: 300, renew: false \}/,
    ],
    ['http', { http: true }, /"http" -> responses: httpResponses with import \{ httpResponses \} from '@oncely\/core'/],
  ])('rejects %s, naming the new form', (_name, old, message) => {
    rejects({ store, ...old }, message);
    rejects({ store, ...old }, migration);
  });

  it('names every renamed option given at once', () => {
    rejects(
      { store, keyPath: 'id', lease: { durationMs: 300 }, http: true },
      /^Options of oncely 0.x renamed in 1.0: "keyPath" -> key: "id" \(a dotted path\); "lease" -> lock: \{ durationMs: 300 \}; "http" -> responses: httpResponses/,
    );
  });

  it.each([
    [{ wait: true }, /Option "whenInProgress" of oncely 0.x renamed in 1.0: \{ wait: true \} -> \{ waitMs: 10_000 \}/],
    [
      { wait: true, maxWaitMs: 5000 },
      /Option "whenInProgress" of oncely 0.x renamed in 1.0: \{ wait: true, maxWaitMs: 5000 \} -> \{ waitMs: 5000 \}/,
    ],
  ])('rejects whenInProgress %j, naming { waitMs }', (whenInProgress, message) => {
    rejects({ store, whenInProgress }, message);
  });

  it.each([
    [['CardDeclined'], /Option "cacheErrors" is an array; use a predicate: errorNamed\("CardDeclined"\)/],
    [
      ['CardDeclined', 'InsufficientFunds'],
      /errorNamed\("CardDeclined", "InsufficientFunds"\) with import \{ errorNamed \} from '@oncely\/core'/,
    ],
  ])('rejects cacheErrors %j, naming errorNamed', (cacheErrors, message) => {
    rejects({ store, cacheErrors }, message);
  });
});
