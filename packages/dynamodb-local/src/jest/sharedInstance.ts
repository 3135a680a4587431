import { type DynamoDBLocal, startDynamoDBLocal } from '../startDynamoDBLocal.js';

// Jest runs globalSetup and globalTeardown in its main process and in the same realm, so the
// instance is handed from one to the other on globalThis. Several projects may use the same
// setup: they share one instance, stopped when the last one tears down.
interface Shared {
  instance: Promise<DynamoDBLocal>;
  users: number;
}

const slot = Symbol.for('oncely.dynamodbLocal.jest');
const holder = globalThis as { [slot]?: Shared };

/**
 * Starts DynamoDB Local, or reuses the one already started in this process.
 *
 * @example
 * ```ts
 * const { endpoint } = await acquireSharedInstance();
 * ```
 */
export const acquireSharedInstance = (): Promise<DynamoDBLocal> => {
  holder[slot] ??= { instance: startDynamoDBLocal(), users: 0 };
  const shared = holder[slot];
  shared.users++;
  return shared.instance;
};

/**
 * Stops the shared instance once its last user lets go.
 *
 * @example
 * ```ts
 * await releaseSharedInstance();
 * ```
 */
export const releaseSharedInstance = async (): Promise<void> => {
  const shared = holder[slot];
  if (shared === undefined || --shared.users > 0) return;
  delete holder[slot];
  await (await shared.instance).stop();
};
