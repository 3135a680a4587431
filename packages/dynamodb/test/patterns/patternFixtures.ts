import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IdempotencyLogger } from '@oncely/core';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: unknown[];
}

/** A logger that keeps its lines. */
export const recordingLogger = (): IdempotencyLogger & { lines: LogLine[] } => {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, ...extra: unknown[]) => {
      lines.push({ level, message, extra });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
};

/** An event table as users make it: `id` (S) and a numeric sort key `seq` (N). */
export const createEventTable = async (client: DynamoDBClient) => {
  const tableName = `events-${randomUUID()}`;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'seq', AttributeType: 'N' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return { tableName, deleteTable: () => client.send(new DeleteTableCommand({ TableName: tableName })).then(() => {}) };
};

/** Resolves once `parties` callers are waiting, so they go on together. */
export const barrier = (parties: number) => {
  let waiting = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async (): Promise<void> => {
    waiting++;
    if (waiting >= parties) open();
    await opened;
  };
};
