import { IdempotencyConfigError, InMemoryStore, makeIdempotent, resolveOptions } from '@oncely/core';

const fn = async () => 'ok';
const store = new InMemoryStore();

describe('options checked when the wrapper is built', () => {
  it.each([
    ['a missing store', {}, /Option "store" is undefined; pass an IdempotencyStore/],
    ['a store without methods', { store: {} }, /Option "store" is an object/],
    [
      'a bad JMESPath',
      { store, keyPath: 'body.[' },
      /Option "keyPath" is not a valid JMESPath expression \("body.\["\)/,
    ],
    ['an unknown JMESPath function', { store, keyPath: 'nope(body)' }, /Unknown function: nope\(\)/],
    ['a bad validatePath', { store, validatePath: '[[' }, /Option "validatePath" is not a valid JMESPath/],
    ['an empty keyPath', { store, keyPath: ' ' }, /Option "keyPath" is " "; use a non-empty JMESPath/],
    ['keyPath and key together', { store, keyPath: 'a', key: () => 1 }, /"keyPath" and "key" are both set/],
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
      { store, lockDurationMs: 900_001 },
      /"lockDurationMs" is 900001.*to 900000/,
    ],
    ['a fractional lock duration', { store, lockDurationMs: 10.5 }, /"lockDurationMs" is 10.5/],
    // A lease is renewed three times per term: a 1 ms lease would write to the store every millisecond.
    [
      'a lock shorter than 100 ms',
      { store, lockDurationMs: 1 },
      /"lockDurationMs" is 1; use a whole number of milliseconds from 100 to 900000/,
    ],
    ['a lease shorter than 100 ms', { store, lease: { durationMs: 30 } }, /"lease.durationMs" is 30; .*from 100/],
    [
      'a lease longer than a Lambda can run',
      { store, lease: { durationMs: 3_600_000 } },
      /"lease.durationMs" is 3600000/,
    ],
    [
      'a wait longer than a Lambda can run',
      { store, whenInProgress: { wait: true, maxWaitMs: 1e9 } },
      /"whenInProgress.maxWaitMs" is 1000000000/,
    ],
    ['a fractional cache size', { store, localCache: { maxEntries: 2.5 } }, /"localCache.maxEntries" is 2.5/],
    [
      'keyHeader without a scope',
      { store, keyHeader: 'Idempotency-Key' },
      /"keyHeader" lets clients choose the key, so it needs "scope"/,
    ],
    ['a zero expiry', { store, expiresAfterSeconds: 0 }, /"expiresAfterSeconds" is 0/],
    ['a non-numeric expiry', { store, expiresAfterSeconds: '60' }, /"expiresAfterSeconds" is "60"/],
    ['an unknown hash', { store, hash: 'sha1' }, /Option "hash" is "sha1"; use 'sha256' or 'md5'/],
    ['a bad whenInProgress', { store, whenInProgress: 'wait' }, /Option "whenInProgress" is "wait"/],
    [
      'a negative maxWaitMs',
      { store, whenInProgress: { wait: true, maxWaitMs: -5 } },
      /"whenInProgress.maxWaitMs" is -5/,
    ],
    ['a bad localCache', { store, localCache: { maxEntries: 0 } }, /"localCache.maxEntries" is 0/],
    ['a non-boolean requireKey', { store, requireKey: 'yes' }, /"requireKey" is "yes"; use true or false/],
    ['a bad payloadArgument', { store, payloadArgument: 1.5 }, /"payloadArgument" is 1.5/],
    ['an empty keyPrefix', { store, keyPrefix: '' }, /"keyPrefix" is ""/],
    [
      'a logger without methods',
      { store, logger: { info() {} } },
      /Option "logger" is an object; use an object with debug, info, warn and error/,
    ],
    ['a non-function scope', { store, scope: 'tenant' }, /Option "scope" is "tenant"; use a function/],
    ['an unknown option', { store, keypath: 'a' }, /Unknown option "keypath"; known options: store, keyPath/],
  ])('rejects %s with IdempotencyConfigError', (_name, options, message) => {
    const build = () => makeIdempotent(fn, options as never);

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(message);
  });

  it('fills the documented defaults', () => {
    const resolved = resolveOptions({ store }, {});

    expect(resolved).toMatchObject({
      expiresAfterSeconds: 3600,
      maxWaitMs: undefined,
      localCache: undefined,
      requireKey: true,
      hash: 'sha256',
      keyPrefix: undefined,
      payloadArgument: 0,
      lockDurationMs: 60_000,
      disabled: false,
      keySource: 'the whole payload',
    });
  });

  it('accepts keyHeader with a scope, or with scope: false asked for explicitly', () => {
    expect(() => resolveOptions({ store, keyHeader: 'Idempotency-Key', scope: () => 't' })).not.toThrow();
    expect(resolveOptions({ store, keyHeader: 'Idempotency-Key', scope: false }).scope).toBeUndefined();
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(resolveOptions({ store }))).toBe(true);
  });

  it('gives wait mode a default maxWaitMs of 10 seconds', () => {
    expect(resolveOptions({ store, whenInProgress: { wait: true } }).maxWaitMs).toBe(10_000);
  });

  it('reads ONCELY_DISABLED=true as disabled', () => {
    expect(resolveOptions({ store }, { ONCELY_DISABLED: 'true' }).disabled).toBe(true);
    expect(resolveOptions({ store }, { ONCELY_DISABLED: 'false' }).disabled).toBe(false);
  });

  it('accepts a JMESPath whose functions only fail on an empty payload', () => {
    expect(() => resolveOptions({ store, keyPath: 'powertools_json(body).orderId' })).not.toThrow();
  });
});
