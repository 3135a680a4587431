import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type ApplyOnceStrategy, updateOnce, WriteFailedError } from '@oncely/dynamodb/patterns';
import { localClientConfig } from '@oncely/dynamodb-local';
import { failAfterApplying } from './faults.js';

const increment = { expression: 'ADD #views :one', names: { '#views': 'views' }, values: { ':one': { N: '1' } } };

/**
 * Counts 5 page views (request ids r1..r5), each delivered twice. The first write of r1, r3 and
 * r5 is applied and then answered with a 500; with no SDK retries, the caller retries itself,
 * as a Lambda retry would.
 */
export const counterStory = async (endpoint: string, tableName: string, strategy: ApplyOnceStrategy) => {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const command = strategy.kind === 'token-set' ? 'UpdateItemCommand' : 'TransactWriteItemsCommand';
  const key = { id: { S: `page-views-${strategy.kind}` } };
  const failNext = failAfterApplying(client, command);
  const tally = { applied: 0, 'already-applied': 0, failedMaybeApplied: 0 };
  try {
    for (const [delivery, requestId] of ['r1', 'r2', 'r3', 'r4', 'r5', 'r1', 'r2', 'r3', 'r4', 'r5'].entries()) {
      if (delivery < 5 && delivery % 2 === 0) failNext(1);
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          const outcome = await updateOnce({
            client,
            tableName,
            key,
            update: increment,
            changeId: requestId,
            strategy,
          });
          tally[outcome.status]++;
          break;
        } catch (error) {
          if (!(error instanceof WriteFailedError && error.maybeApplied)) throw error;
          tally.failedMaybeApplied++;
        }
      }
    }
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return { tally, views: Number(Item?.views?.N) };
  } finally {
    client.destroy();
  }
};
