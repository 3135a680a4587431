import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  EventLog,
  type EventLogOptions,
  putIfNewer,
  transactWriteOnce,
  updateOnce,
  WritePatternUsageError,
} from '@oncely/dynamodb/patterns';

// A client that records what would have been sent: a refused option must never reach DynamoDB.
const recordingClient = () => {
  const sent: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push(command);
      return {};
    },
  } as unknown as DynamoDBClient;
  return { client, sent };
};

const key = { id: { S: 'acct-1' } };
const update = { expression: 'ADD #count :one', names: { '#count': 'count' }, values: { ':one': { N: '1' } } };

type Call = (client: DynamoDBClient, options: Record<string, unknown>) => Promise<unknown>;
const callPutIfNewer: Call = (client, options) =>
  putIfNewer({ client, tableName: 't', key, version: 1, item: {}, ...options } as Parameters<typeof putIfNewer>[0]);
const callUpdateOnce: Call = (client, options) =>
  updateOnce({
    client,
    tableName: 't',
    key,
    update,
    changeId: 'c1',
    strategy: { kind: 'token-set' },
    ...options,
  } as Parameters<typeof updateOnce>[0]);
const callTransactWriteOnce: Call = (client, options) =>
  transactWriteOnce({ client, intent: ['t-1'], items: [{}], ...options } as Parameters<typeof transactWriteOnce>[0]);

describe('putIfNewer options', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown option', { versionAttr: 'v' }, /putIfNewer: unknown option versionAttr; allowed: client, tableName/],
    ['a tableName that is not a string', { tableName: 5 }, /putIfNewer: tableName must be a non-empty string, got 5/],
    ['a client without send', { client: {} }, /putIfNewer: client must be a DynamoDBClient/],
    [
      'a logger without debug',
      { logger: console.log },
      /putIfNewer: logger must be an object with debug, info, warn and error methods .*got a function/,
    ],
    ['an empty key', { key: {} }, /putIfNewer: key must be a non-empty object of attribute values, got an object/],
    [
      'a key that is not attribute values',
      { key: { id: 'acct-1' } },
      /key\.id must be an attribute value .*got "acct-1"/,
    ],
    ['a version that is not an integer', { version: 1.5 }, /putIfNewer: version must be an integer .* got 1\.5/],
    ['a version given as text', { version: '7' }, /putIfNewer: version must be an integer .* got "7"/],
    ['an empty versionAttribute', { versionAttribute: '' }, /versionAttribute must be a non-empty string, got ""/],
    ['both item and set', { set: {} }, /putIfNewer: give either item or set, not both/],
    [
      'neither item nor set',
      { item: undefined },
      /putIfNewer: give item \(a full item to put\) or set \(attributes to update\)/,
    ],
    ['an item that is not an object', { item: 'x' }, /putIfNewer: item must be an object of attribute values, got "x"/],
  ])('rejects %s before sending anything', async (_case, options, message) => {
    const { client, sent } = recordingClient();

    const writing = callPutIfNewer(client, options);

    await expect(writing).rejects.toBeInstanceOf(WritePatternUsageError);
    await expect(callPutIfNewer(client, options)).rejects.toThrow(message);
    expect(sent).toHaveLength(0);
  });
});

describe('updateOnce options', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown option', { changeID: 'c2' }, /updateOnce: unknown option changeID; allowed: client, tableName/],
    ['an empty changeId', { changeId: '' }, /updateOnce: changeId must be a non-empty string .*got ""/],
    ['an update without expression', { update: { names: {} } }, /update\.expression must be a non-empty string/],
    [
      'an unknown update field',
      { update: { ...update, when: 'x' } },
      /unknown option update\.when; allowed: expression/,
    ],
    ['update names that are not strings', { update: { ...update, names: { '#c': 1 } } }, /update\.names\["#c"\]/],
    [
      'an unknown strategy',
      { strategy: { kind: 'token-list' } },
      /strategy\.kind must be 'token-set' or 'token-item', got "token-list"/,
    ],
    [
      'an option of the other strategy',
      { strategy: { kind: 'token-set', ttlSeconds: 60 } },
      /unknown option strategy\.ttlSeconds; allowed: kind, attribute, maxTokens/,
    ],
    [
      'a maxTokens of 0',
      { strategy: { kind: 'token-set', maxTokens: 0 } },
      /strategy\.maxTokens must be an integer of at least 1, got 0/,
    ],
    [
      'a token item without ttlSeconds',
      { strategy: { kind: 'token-item' } },
      /strategy\.ttlSeconds must be a positive integer/,
    ],
    [
      'a tokenKey that is not a function',
      { strategy: { kind: 'token-item', ttlSeconds: 60, tokenKey: 'pk' } },
      /strategy\.tokenKey must be a function .*got "pk"/,
    ],
    [
      'a maxAttempts of 1.5',
      { strategy: { kind: 'token-item', ttlSeconds: 60, maxAttempts: 1.5 } },
      /strategy\.maxAttempts must be an integer of at least 1, got 1\.5/,
    ],
  ])('rejects %s before sending anything', async (_case, options, message) => {
    const { client, sent } = recordingClient();

    const updating = callUpdateOnce(client, options);

    await expect(updating).rejects.toBeInstanceOf(WritePatternUsageError);
    await expect(callUpdateOnce(client, options)).rejects.toThrow(message);
    expect(sent).toHaveLength(0);
  });
});

describe('transactWriteOnce options', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown option',
      { tableName: 't' },
      /transactWriteOnce: unknown option tableName; allowed: client, logger, items/,
    ],
    [
      'items that are not an array',
      { items: {} },
      /transactWriteOnce: items must be a non-empty array .*got an object/,
    ],
    ['no items', { items: [] }, /transactWriteOnce: items must be a non-empty array/],
    ['both intent and a token', { clientRequestToken: 'x' }, /give either intent or clientRequestToken, not both/],
    ['neither intent nor a token', { intent: undefined }, /give intent .* or clientRequestToken/],
    [
      'a token that is not a string',
      { intent: undefined, clientRequestToken: 7 },
      /clientRequestToken must be a string of 1 to 36 characters, got 7/,
    ],
  ])('rejects %s before sending anything', async (_case, options, message) => {
    const { client, sent } = recordingClient();

    const committing = callTransactWriteOnce(client, options);

    await expect(committing).rejects.toBeInstanceOf(WritePatternUsageError);
    await expect(callTransactWriteOnce(client, options)).rejects.toThrow(message);
    expect(sent).toHaveLength(0);
  });
});

describe('EventLog options', () => {
  const { client } = recordingClient();

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an unknown option',
      { sortKeyAttribute: 'sk' },
      /EventLog: unknown option sortKeyAttribute; allowed: client, tableName, partitionKey/,
    ],
    ['a missing tableName', { tableName: undefined }, /EventLog: tableName must be a non-empty string, got undefined/],
    ['a sortKeyType other than N or S', { sortKeyType: 'B' }, /EventLog: sortKeyType must be 'N' or 'S' .*got "B"/],
    ['an empty eventAttribute', { eventAttribute: '' }, /EventLog: eventAttribute must be a non-empty string, got ""/],
    ['two attributes with one name', { appendIdAttribute: 'event' }, /EventLog: attribute names must differ/],
    ['a maxAttempts of 0', { maxAttempts: 0 }, /EventLog: maxAttempts must be an integer of at least 1, got 0/],
    ['a client without send', { client: 'dynamodb' }, /EventLog: client must be a DynamoDBClient/],
  ])('rejects %s at construction', (_case, options, message) => {
    const construct = () => new EventLog({ client, tableName: 'events', ...options } as EventLogOptions);

    expect(construct).toThrow(WritePatternUsageError);
    expect(construct).toThrow(message);
  });

  it('rejects an unknown option of append before reading anything', async () => {
    const { client: appendClient, sent } = recordingClient();
    const log = new EventLog({ client: appendClient, tableName: 'events' });

    const appending = log.append('inv-1', () => ({}), { appendID: 'r1' } as { appendId?: string });

    await expect(appending).rejects.toThrow(/EventLog\.append: unknown option appendID; allowed: appendId/);
    expect(sent).toHaveLength(0);
  });

  it('names the refused option on the error', () => {
    const construct = () => new EventLog({ client, tableName: 'events', maxAttempts: -1 });

    expect(construct).toThrow(expect.objectContaining({ option: 'maxAttempts', code: 'writePattern.usage' }));
  });
});
