import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One request a client put on the wire. */
export interface LoggedRequest {
  readonly command: string;
  readonly input: Record<string, unknown>;
  /** The parsed response or the error it was answered with (a failed condition is an error). */
  output?: Record<string, unknown>;
  error?: unknown;
}

/** Requests of one client, counted by a middleware on its `middlewareStack`. */
export class RequestLog {
  readonly requests: LoggedRequest[] = [];

  /** Number of requests since `mark` (a previous `length`). */
  since(mark: number): LoggedRequest[] {
    return this.requests.slice(mark);
  }

  get length(): number {
    return this.requests.length;
  }
}

/**
 * Logs every request the client sends; with `consumedCapacity`, asks for `ReturnConsumedCapacity: 'TOTAL'`. The middleware sits in the `finalizeRequest` step below
 * the retry middleware, so an SDK retry counts as a second request, as it is on the wire.
 *
 * @example
 * ```ts
 * const log = logRequests(client);
 * await handler(event, context);
 * log.length; // 2 for a first call
 * ```
 */
export const logRequests = (client: DynamoDBClient, options: { consumedCapacity?: boolean } = {}): RequestLog => {
  const log = new RequestLog();
  if (options.consumedCapacity) {
    // Asks DynamoDB (Local) to report the units of every request; the libraries do not ask.
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        return next(args);
      },
      { step: 'initialize', name: 'benchConsumedCapacity' },
    );
  }
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request: LoggedRequest = {
        command: String((context as { commandName?: unknown }).commandName ?? 'unknown'),
        input: args.input as Record<string, unknown>,
      };
      log.requests.push(request);
      try {
        const result = await next(args);
        request.output = result.output as unknown as Record<string, unknown>;
        return result;
      } catch (error) {
        request.error = error;
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchRequestLog' },
  );
  return log;
};
