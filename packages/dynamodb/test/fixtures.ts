import { randomUUID } from 'node:crypto';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { LockRequest } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localClientConfig, localEndpoint, type TestTable } from '@oncely/dynamodb-local';

/** A client for the DynamoDB Local started by the Jest global setup. */
export const localClient = (config: Partial<DynamoDBClientConfig> = {}): DynamoDBClient =>
  new DynamoDBClient({ ...localClientConfig(localEndpoint()), ...config });

/**
 * A table of this test file's own on DynamoDB Local and a store on it, made before the file's
 * tests and removed after them. Read `table` and `store` inside tests, not at load time.
 */
export const useTestTable = (client: DynamoDBClient = localClient()) => {
  let table: TestTable | undefined;
  let store: DynamoDBStore | undefined;
  beforeAll(async () => {
    table = await createTestTable(client);
    store = new DynamoDBStore({ tableName: table.tableName, client });
  });
  afterAll(async () => {
    await table?.deleteTable();
    client.destroy();
  });
  const made = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTestTable: the table is made in beforeAll; read it inside a test');
    return value;
  };
  return {
    client,
    get table(): TestTable {
      return made(table);
    },
    get store(): DynamoDBStore {
      return made(store);
    },
  };
};

/** Counts every request the client sends (each attempt, retries included), by command name. */
export const countRequests = (client: DynamoDBClient) => {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    // After the retry middleware (finalizeRequest, high), so every attempt passes here.
    { step: 'finalizeRequest', priority: 'low', name: 'countRequests' },
  );
  return {
    get total(): number {
      return sent.length;
    },
    sent,
    reset: () => {
      sent.length = 0;
    },
  };
};

interface Fault {
  command: string;
  /** `before`: thrown without sending. `after`: the request reaches DynamoDB, then this is thrown. */
  when: 'before' | 'after';
  error: () => Error;
  /** How many matching requests it hits. Default 1. */
  times?: number;
}

/** Injects a fault into the next requests of one command, on the real client. */
export const injectFault = (client: DynamoDBClient, fault: Fault): void => {
  let left = fault.times ?? 1;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== fault.command || left <= 0) return next(args);
      left--;
      if (fault.when === 'before') throw fault.error();
      await next(args);
      throw fault.error();
    },
    { step: 'finalizeRequest', priority: 'low', name: `fault-${randomUUID()}` },
  );
};

/** An error like the SDK's for a 5xx answer (retryable, status in `$metadata`). */
export const serverError = (): Error =>
  Object.assign(new Error('We encountered an internal error. Please try again.'), {
    name: 'InternalServerError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
  });

/** An error like the SDK's for a throttled request. */
export const throttlingError = (): Error =>
  Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

const HOUR_SEC = 3600;

/** A lock request for a fresh key, held for 30 s, living an hour. */
export const lockFor = (overrides: Partial<LockRequest> = {}): LockRequest => {
  const nowMs = overrides.nowMs ?? Date.now();
  return {
    key: `test#${randomUUID()}`,
    owner: randomUUID(),
    nowMs,
    lockedUntilMs: nowMs + 30_000,
    expiresAtSec: Math.floor(nowMs / 1000) + HOUR_SEC,
    ...overrides,
  };
};
