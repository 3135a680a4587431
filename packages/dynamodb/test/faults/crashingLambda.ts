import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { IdempotencyToken } from '@oncely/core';
import { localEndpoint } from '@oncely/dynamodb-local';

const repositoryRoot = resolve(__dirname, '../../../..');

/**
 * Starts crashChild.ts: a Lambda in a child process that takes the lock for `orderId` with
 * `remainingMs` left (and a heartbeat lease of `leaseMs`, when given) and hangs in its handler
 * until it is killed.
 */
export const startCrashingLambda = (
  tableName: string,
  orderId: string,
  remainingMs: number,
  leaseMs?: number,
): ChildProcess =>
  spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(__dirname, 'crashChild.ts'),
      localEndpoint(),
      tableName,
      orderId,
      String(remainingMs),
      ...(leaseMs === undefined ? [] : [String(leaseMs)]),
    ],
    {
      // From the repository root, where `tsx` is installed; the child imports @oncely/* from
      // source through the paths of the test tsconfig.
      cwd: repositoryRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: resolve(repositoryRoot, 'tsconfig.test.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

/** Resolves with the child's key and owner token once it is inside its handler. */
export const insideHandler = async (lambda: ChildProcess): Promise<IdempotencyToken> => {
  let stderr = '';
  lambda.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(lambda, 'exit').then(() => {
    throw new Error(`The child exited before entering its handler:\n${stderr}`);
  });
  const lines = createInterface({ input: lambda.stdout as NodeJS.ReadableStream });
  const entered = (async () => {
    for await (const line of lines) {
      if (line.startsWith('inside ')) return JSON.parse(line.slice('inside '.length)) as IdempotencyToken;
    }
    throw new Error(`The child closed its output before entering its handler:\n${stderr}`);
  })();
  return Promise.race([entered, exited]);
};
