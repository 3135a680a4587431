import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  getIdempotencyToken,
  IdempotencyAlreadyInProgressError,
  type IdempotencyToken,
  makeIdempotent,
} from '@oncely/core';
import { useTestTable } from '../fixtures';
import { insideHandler, startCrashingLambda } from './crashingLambda';
import { lambdaContext, report, scanTable, waitUntil } from './faultFixtures';

// Timeline: a Lambda (a child process) takes the lock with 2 s left and is killed with SIGKILL
// inside its handler: no completion, no release, no cleanup. Its lock ends at its deadline;
// the retry after that runs the call, and the table holds the retry's record and nothing else.
const CHILD_REMAINING_MS = 2_000;
const local = useTestTable();
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('a crash mid-handler', () => {
  it('leaves a lock that expires at the deadline, after which a retry runs and succeeds, leaving nothing else', async () => {
    const runs: IdempotencyToken[] = [];
    const handler = makeIdempotent(
      async (event: { orderId: string }, context: object) => {
        runs.push(getIdempotencyToken(context) as IdempotencyToken);
        return { charged: event.orderId };
      },
      { store: local.store, key: 'orderId', keyPrefix: 'crash' },
    );
    child = startCrashingLambda(local.table.tableName, 'o-1', CHILD_REMAINING_MS);

    const crashed = await insideHandler(child);
    const killedMs = Date.now();
    child.kill('SIGKILL');
    const [, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    const orphan = await local.store.get(crashed.key);
    const duplicate = await handler({ orderId: 'o-1' }, lambdaContext()).catch((e: unknown) => e);
    await waitUntil(async () => ((await local.store.get(crashed.key))?.lockedUntilMs ?? 0) < Date.now());
    const retryAfterKillMs = Date.now() - killedMs;
    const retry = await handler({ orderId: 'o-1' }, lambdaContext());
    const items = await scanTable(local.table.tableName);

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
    expect(await local.store.get(crashed.key)).toMatchObject({
      status: 'COMPLETED',
      owner: runs[0]?.owner,
      data: JSON.stringify({ charged: 'o-1' }),
    });
  });
});
