import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Adds a middleware to `client` that makes the next armed requests of `command` reach DynamoDB
 * and then fail with a 500, like a connection dropped after the write was applied: the case
 * these patterns are for. Returns the function that arms it for `times` more requests.
 */
export const failAfterApplying = (client: DynamoDBClient, command: string): ((times: number) => void) => {
  let left = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command || left <= 0) return next(args);
      left--;
      await next(args);
      throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
        name: 'InternalServerError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
    },
    { step: 'finalizeRequest', priority: 'low', name: `failAfterApplying-${command}` },
  );
  return (times) => {
    left = times;
  };
};
