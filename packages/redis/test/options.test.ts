import { IdempotencyConfigError } from '@oncely/core';
import { type RedisScriptingClient, RedisStore, type RedisStoreOptions } from '@oncely/redis';
import { createClient, createCluster, createSentinel } from '@redis/client';

const client: RedisScriptingClient = {
  eval: async () => [],
  evalSha: async () => [],
};

const construct = (options: unknown) => () => new RedisStore(options as RedisStoreOptions);

describe('RedisStore options', () => {
  it('defaults keyPrefix to "idempotency:"', () => {
    expect(new RedisStore({ client }).keyPrefix).toBe('idempotency:');
  });

  it('keeps a given keyPrefix, the empty one included', () => {
    expect(new RedisStore({ client, keyPrefix: 'app:' }).keyPrefix).toBe('app:');
    expect(new RedisStore({ client, keyPrefix: '' }).keyPrefix).toBe('');
  });

  it('reads and writes the Powertools TypeScript cache format when asked, with Powertools’ bare keys', () => {
    const store = new RedisStore({ client, powertools: 'typescript' });

    expect(store.powertools).toBe('typescript');
    expect(store.keyPrefix).toBe('');
    expect(new RedisStore({ client, powertools: 'typescript', keyPrefix: 'app:' }).keyPrefix).toBe('app:');
    expect(new RedisStore({ client }).powertools).toBeUndefined();
  });

  it('accepts a client, a cluster and a sentinel from @redis/client (not connected here)', () => {
    const url = 'redis://127.0.0.1:6379';
    const clients = [
      createClient({ url }),
      createCluster({ rootNodes: [{ url }] }),
      createSentinel({ name: 'primary', sentinelRootNodes: [{ host: '127.0.0.1', port: 26379 }] }),
    ];

    for (const redis of clients) expect(new RedisStore({ client: redis }).client).toBe(redis);
  });

  it.each([
    ['no options', undefined, /options must be an object/],
    ['no client', {}, /client must be a @redis\/client client/],
    ['a client without evalSha', { client: { eval: () => undefined } }, /client must be/],
    ['a keyPrefix that is not a string', { client, keyPrefix: 7 }, /keyPrefix must be a string, got 7/],
    [
      'an unknown option',
      { client, tableName: 't' },
      /unknown option tableName; allowed: client, keyPrefix, powertools/,
    ],
    [
      'the Powertools Python format',
      { client, powertools: 'python' },
      /powertools must be 'typescript' \(Powertools TypeScript's CachePersistenceLayer\), got "python"; .*Python/,
    ],
    ['powertools: true', { client, powertools: true }, /powertools must be 'typescript'.*got true/],
  ])('rejects %s with IdempotencyConfigError', (_name, options, message) => {
    expect(construct(options)).toThrow(IdempotencyConfigError);
    expect(construct(options)).toThrow(message);
  });
});
