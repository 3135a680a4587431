import { clientRequestTokenFor, WritePatternUsageError } from '@oncely/dynamodb/patterns';
import { buildPutIfNewerInput, checkPutIfNewerOptions, classifySkip } from '../../src/patterns/putIfNewer.js';
import { buildTransactWriteOnceInput, checkTransactWriteOnceOptions } from '../../src/patterns/transactWriteOnce.js';
import { addAction } from '../../src/patterns/updateExpression.js';
import { checkUpdateOnceOptions } from '../../src/patterns/updateOnce.js';
import { buildTokenItemInput, buildTokenSetInput } from '../../src/patterns/updateOnceInputs.js';

describe('addAction', () => {
  it('joins the clause the expression already has', () => {
    expect(addAction('ADD #count :one', 'ADD', '#t :t')).toBe('ADD #count :one, #t :t');
  });

  it('joins the right clause when there are several, in any case', () => {
    expect(addAction('add #count :one set #at = :now', 'ADD', '#t :t')).toBe('add #count :one, #t :t set #at = :now');
  });

  it('starts a new clause when the expression has none of that kind', () => {
    expect(addAction('SET #at = :now', 'ADD', '#t :t')).toBe('SET #at = :now ADD #t :t');
  });

  it('does not take placeholders or paths named like keywords for clauses', () => {
    expect(addAction('SET #add = :add, a.add = :set', 'ADD', '#t :t')).toBe('SET #add = :add, a.add = :set ADD #t :t');
  });
});

describe('classifySkip', () => {
  it('tells a duplicate from a stale write by the stored version', () => {
    expect(classifySkip({ version: { N: '7' } }, 'version', 7)).toEqual({
      status: 'skipped',
      reason: 'duplicate',
      storedVersion: 7,
    });
    expect(classifySkip({ version: { N: '9' } }, 'version', 7)).toMatchObject({ reason: 'stale', storedVersion: 9 });
  });

  it('returns nothing when the stored version is not an integer number', () => {
    expect(classifySkip({ version: { S: '7' } }, 'version', 7)).toBeUndefined();
  });
});

describe('buildPutIfNewerInput', () => {
  it('writes the version from the version option in update mode', () => {
    const input = buildPutIfNewerInput('t', { key: { id: { S: 'a' } }, version: 7n, set: { b: { N: '1' } } });

    expect(input).toMatchObject({
      UpdateExpression: 'SET #version = :version, #a0 = :a0',
      ExpressionAttributeValues: { ':version': { N: '7' }, ':a0': { N: '1' } },
    });
  });
});

describe('checkPutIfNewerOptions', () => {
  const target = { client: { send: async () => ({}) }, tableName: 't', key: { id: { S: 'a' } } };

  it('refuses a version that is not an integer', () => {
    expect(() => checkPutIfNewerOptions({ ...target, version: 1.5, item: {} })).toThrow(WritePatternUsageError);
  });

  it('refuses to set the key attribute in update mode', () => {
    expect(() => checkPutIfNewerOptions({ ...target, version: 1, set: { id: { S: 'b' } } })).toThrow(
      /must not hold the key or version attribute "id"/,
    );
  });
});

describe('buildTokenSetInput', () => {
  const change = {
    key: { id: { S: 'a' } },
    update: { expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': { N: '1' } } },
    changeId: 'c1',
    strategy: { kind: 'token-set' as const },
  };

  it('adds the change id in the caller’s ADD clause and bounds the set at 20 by default', () => {
    const input = buildTokenSetInput('t', change);

    expect(input.UpdateExpression).toBe('ADD #count :one, #oncelyTokens :oncelyTokenSet');
    expect(input.ExpressionAttributeValues?.[':oncelyMaxTokens']).toEqual({ N: '20' });
  });

  it('refuses caller placeholders in the pattern’s namespace', () => {
    const clash = { ...change, update: { ...change.update, values: { ':oncelyToken': { S: 'x' } } } };

    expect(() => buildTokenSetInput('t', clash)).toThrow(/placeholder ":oncelyToken" is reserved/);
  });

  it('refuses an empty change id', () => {
    const options = { client: { send: async () => ({}) }, tableName: 't', ...change, changeId: '' };

    expect(() => checkUpdateOnceOptions(options)).toThrow(WritePatternUsageError);
  });
});

describe('buildTokenItemInput', () => {
  it('expires the token ttlSeconds after the given clock, in epoch seconds', () => {
    const input = buildTokenItemInput(
      't',
      {
        key: { id: { S: 'a' } },
        update: { expression: 'ADD #c :one', names: { '#c': 'c' }, values: { ':one': { N: '1' } } },
        changeId: 'c1',
        strategy: { kind: 'token-item', ttlSeconds: 60 },
      },
      1_700_000_000_999,
    );

    expect(input.TransactItems?.[1]?.Put?.Item).toEqual({
      id: { S: 'change#["t",{"id":{"S":"a"}},"c1"]' },
      changeId: { S: 'c1' },
      expiration: { N: '1700000060' },
    });
  });
});

describe('clientRequestTokenFor', () => {
  it('gives the same 36-character token for the same intent, whatever the key order', () => {
    const token = clientRequestTokenFor({ transfer: 't-1', amount: 5 });

    expect(token).toHaveLength(36);
    expect(clientRequestTokenFor({ amount: 5, transfer: 't-1' })).toBe(token);
    expect(clientRequestTokenFor({ amount: 6, transfer: 't-1' })).not.toBe(token);
  });

  it('refuses an intent JSON does not represent with WritePatternUsageError naming the path', () => {
    expect(() => clientRequestTokenFor({ transfer: 't-1', amount: Number.NaN })).toThrow(WritePatternUsageError);
    expect(() => clientRequestTokenFor({ transfer: 't-1', amount: Number.NaN })).toThrow(/\$\.amount is NaN/);
    expect(() => clientRequestTokenFor(undefined)).toThrow(WritePatternUsageError);
  });

  it('refuses a token of your own longer than 36 characters', () => {
    const options = { client: { send: async () => ({}) }, items: [{}], clientRequestToken: 'x'.repeat(37) };

    expect(() => checkTransactWriteOnceOptions(options)).toThrow(/1 to 36 characters/);
  });

  it('uses a token of your own as it is', () => {
    expect(buildTransactWriteOnceInput({ items: [{}], clientRequestToken: 'order-7' }).ClientRequestToken).toBe(
      'order-7',
    );
  });
});
