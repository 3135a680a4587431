import type { AttributeNames } from '@oncely/dynamodb';
import { type Flags, UsageError } from './args.js';
import type { RecordSource } from './source.js';

const attributeNames = [
  'key',
  'expiration',
  'inProgressExpiration',
  'status',
  'data',
  'validation',
  'owner',
  'error',
  'notStored',
];

const parseAttributes = (pairs: readonly string[] | undefined): Partial<AttributeNames> | undefined => {
  if (pairs === undefined) return undefined;
  const names: Record<string, string> = {};
  for (const pair of pairs) {
    const [name, value] = pair.split('=', 2);
    if (name === undefined || value === undefined || value === '' || !attributeNames.includes(name)) {
      throw new UsageError(
        `--attribute takes NAME=ATTRIBUTE with NAME one of ${attributeNames.join(', ')}; got "${pair}"`,
      );
    }
    names[name] = value;
  }
  return names;
};

/**
 * Opens the table (`--table`) or Redis server (`--redis`) the flags name, with the store
 * options the functions use.
 */
export const openSource = async (flags: Flags): Promise<RecordSource> => {
  if ((flags.table === undefined) === (flags.redis === undefined)) {
    throw new UsageError('give either --table NAME (DynamoDB) or --redis URL');
  }
  if (flags.redis !== undefined) {
    if (flags.powertools !== undefined && flags.powertools !== 'typescript') {
      throw new UsageError(`--powertools with --redis must be typescript, got "${flags.powertools}"`);
    }
    const { openRedis } = await import('./redisSource.js');
    return openRedis({
      url: flags.redis,
      keyPrefix: flags['redis-key-prefix'],
      powertools: flags.powertools as 'typescript' | undefined,
    });
  }
  if (flags.powertools !== undefined && flags.powertools !== 'typescript' && flags.powertools !== 'python') {
    throw new UsageError(`--powertools must be typescript or python, got "${flags.powertools}"`);
  }
  const { openDynamoDB } = await import('./dynamodbSource.js');
  const sortKey = flags['sort-key'];
  const partitionValue = flags['partition-value'];
  return openDynamoDB({
    tableName: flags.table as string,
    region: flags.region,
    endpoint: flags.endpoint,
    profile: flags.profile,
    attributes: parseAttributes(flags.attribute),
    sortKey:
      sortKey === undefined
        ? undefined
        : { attribute: sortKey, ...(partitionValue !== undefined && { partitionValue }) },
    powertools: flags.powertools as 'typescript' | 'python' | undefined,
  });
};
