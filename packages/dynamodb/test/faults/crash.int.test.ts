import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  getIdempotencyToken,
  IdempotencyAlreadyInProgressError,
  type IdempotencyToken,
  makeIdempotent,
} from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { createTestTable, localEndpoint, type TestTable } from '@oncely/dynamodb-local';
import { localClient } from '../fixtures';
import { lambdaContext, report, scanTable, waitUntil } from './faultFixtures';

// Timeline: a Lambda (a child process) takes the lock with 2 s left and is killed with SIGKILL
// inside its handler: no completion, no release, no cleanup. Its lock ends at its deadline;
// the retry after that runs the call, and the table holds the retry's record and nothing else.
const CHILD_REMAINING_MS = 2_000;
const repositoryRoot = resolve(__dirname, '../../../..');
const setupClient = localClient();
let table: TestTable;
let store: DynamoDBStore;
let child: ChildProcess | undefined;

beforeAll(async () => {
  table = await createTestTable(setupClient);
  store = new DynamoDBStore({ tableName: table.tableName, client: setupClient });
});

afterAll(async () => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await table.deleteTable();
  setupClient.destroy();
});

const startCrashingLambda = (orderId: string): ChildProcess =>
  spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve(__dirname, 'crashChild.ts'),
      localEndpoint(),
      table.tableName,
      orderId,
      String(CHILD_REMAINING_MS),
    ],
    {
      // From the repository root, where `tsx` is installed; the child imports @oncely/* from
      // source through the paths of the test tsconfig.
      cwd: repositoryRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: resolve(repositoryRoot, 'tsconfig.test.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

const insideHandler = async (lambda: ChildProcess): Promise<IdempotencyToken> => {
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

describe('a crash mid-handler', () => {
  it('leaves a lock that expires at the deadline, after which a retry runs and succeeds, leaving nothing else', async () => {
    const runs: IdempotencyToken[] = [];
    const handler = makeIdempotent(
      async (event: { orderId: string }, context: object) => {
        runs.push(getIdempotencyToken(context) as IdempotencyToken);
        return { charged: event.orderId };
      },
      { store, keyPath: 'orderId', keyPrefix: 'crash' },
    );
    child = startCrashingLambda('o-1');

    const crashed = await insideHandler(child);
    const killedMs = Date.now();
    child.kill('SIGKILL');
    const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    const orphan = await store.get(crashed.key);
    const duplicate = await handler({ orderId: 'o-1' }, lambdaContext()).catch((e: unknown) => e);
    await waitUntil(async () => ((await store.get(crashed.key))?.lockedUntilMs ?? 0) < Date.now());
    const retryAfterKillMs = Date.now() - killedMs;
    const retry = await handler({ orderId: 'o-1' }, lambdaContext());
    const items = await scanTable(table.tableName);

    report('crash (SIGKILL mid-handler)', {
      childSignal: String(signal),
      orphanStatus: orphan?.status ?? 'none',
      retryAfterKillMs,
      handlerRunsAfterCrash: runs.length,
      itemsLeft: items.length,
    });
    expect(signal).toBe('SIGKILL');
    expect(orphan).toMatchObject({ status: 'INPROGRESS', owner: crashed.owner });
    expect(duplicate).toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(retry).toEqual({ charged: 'o-1' });
    expect(runs).toEqual([{ key: crashed.key, owner: expect.not.stringMatching(crashed.owner) }]);
    expect(items).toHaveLength(1);
    expect(await store.get(crashed.key)).toMatchObject({
      status: 'COMPLETED',
      owner: runs[0]?.owner,
      data: JSON.stringify({ charged: 'o-1' }),
    });
  });
});
