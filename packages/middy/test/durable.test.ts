import { getIdempotencyToken, InMemoryStore } from '@oncely/core';
import { idempotency } from '@oncely/middy';
import { deferred, lambdaContext } from '../../core/test/fixtures.js';
import { middyVersions } from './doors.js';

// The shape of `DurableContext` in @aws/durable-execution-sdk-js 2.4.0 (see
// packages/core/test/durable.test.ts): `withDurableExecution(middy(handler))` passes it to Middy
// as the context.
const durableContext = (mode: 'ExecutionMode' | 'ReplayMode', remainingMs = 30_000) => ({
  lambdaContext: lambdaContext({ remainingMs }),
  executionContext: {
    durableExecutionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders/durable-execution/run-1',
  },
  durableExecutionMode: mode,
  step: async <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn(),
});

describe.each(middyVersions)('a durable execution context on %s', (_name, middy) => {
  it('takes the lock until the deadline of the Lambda context inside it', async () => {
    const store = new InMemoryStore();
    let lockedUntilMs: number | undefined;
    const handler = middy(async (_event: unknown, context: unknown) => {
      lockedUntilMs = (await store.get(getIdempotencyToken(context)?.key ?? ''))?.lockedUntilMs;
    }).use(idempotency({ store }));

    await handler({ id: 1 }, durableContext('ExecutionMode', 5_000));

    expect(lockedUntilMs).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('lets a replay invocation of the execution run over the lock its suspended invocation holds', async () => {
    const suspend = deferred();
    const modes: string[] = [];
    const handler = middy(async (_event: unknown, context: { durableExecutionMode: string }) => {
      modes.push(context.durableExecutionMode);
      if (context.durableExecutionMode === 'ExecutionMode') await suspend.promise;
      return 'shipped';
    }).use(idempotency({ store: new InMemoryStore() }));
    const suspended = handler({ id: 1 }, durableContext('ExecutionMode'));
    await new Promise((resolve) => setImmediate(resolve));

    const resumed = await handler({ id: 1 }, durableContext('ReplayMode'));

    expect(resumed).toBe('shipped');
    expect(modes).toEqual(['ExecutionMode', 'ReplayMode']);
    // Settle the suspended invocation, so Middy 7's early-timeout timer does not outlive the test.
    suspend.resolve();
    await suspended.catch(() => {});
  });
});
