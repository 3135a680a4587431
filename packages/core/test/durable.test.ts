import { getIdempotencyToken, IdempotencyAlreadyInProgressError, InMemoryStore, makeIdempotent } from '@oncely/core';
import type { LambdaContextLike } from '@oncely/core/engine';
import { deferred, lambdaContext } from './fixtures.js';

/**
 * A durable execution context as a handler wrapped with `withDurableExecution` receives it, in the
 * shape of `DurableContext` from @aws/durable-execution-sdk-js 2.4.0
 * (dist-types/types/durable-context.d.ts): `lambdaContext: Context`, `executionContext:
 * { readonly durableExecutionArn: string }`, `logger`, and the operations (`step`, `wait`, …).
 * `durableExecutionMode` is a field of its implementation, `DurableContextImpl`
 * (dist-types/context/durable-context/durable-context.d.ts), set from the `DurableExecutionMode`
 * enum (dist-types/types/core.d.ts): 'ReplayMode' when the invocation starts with checkpointed
 * operations to replay, else 'ExecutionMode'. Powertools' makeIdempotent reads the same field.
 * (The SDK is not a dev dependency: it pulls in @aws-sdk/client-lambda.)
 */
const durableContext = ({
  executionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST/durable-execution/run-1/0a1b',
  mode = 'ExecutionMode' as 'ExecutionMode' | 'ReplayMode',
  remainingMs = 30_000,
} = {}) => ({
  lambdaContext: lambdaContext({ remainingMs }),
  executionContext: { durableExecutionArn: executionArn },
  durableExecutionMode: mode,
  logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
  step: async <T>(_name: string, fn: () => Promise<T>): Promise<T> => fn(),
  wait: async (_name: string, _duration: { seconds: number }): Promise<void> => {},
});

type DurableContext = ReturnType<typeof durableContext>;

// A durable function suspends (a wait, a callback) by ending the invocation while the handler's
// promise stays pending; the next invocation of the execution replays the handler from the start.
const orderWorkflow = () => {
  const suspend = deferred();
  const runs: string[] = [];
  const store = new InMemoryStore();
  const handler = makeIdempotent(
    async (event: { orderId: string }, context: DurableContext) => {
      runs.push(context.durableExecutionMode ?? 'plain');
      if (context.durableExecutionMode !== 'ReplayMode') await suspend.promise;
      return { orderId: event.orderId, status: 'shipped' };
    },
    { store, key: 'orderId', keyPrefix: 'orders' },
  );
  return { handler, runs, store };
};

describe('a durable execution context', () => {
  it('takes the lock until the deadline of the Lambda context inside it', async () => {
    const store = new InMemoryStore();
    let lockedUntilMs: number | undefined;
    const handler = makeIdempotent(
      async (_event: { orderId: string }, context: DurableContext) => {
        const token = getIdempotencyToken(context);
        lockedUntilMs = token && (await store.get(token.key))?.lockedUntilMs;
      },
      { store, key: 'orderId', keyPrefix: 'deadline' },
    );
    const startedMs = Date.now();

    await handler({ orderId: 'o-1' }, durableContext({ remainingMs: 5_000 }));

    expect(lockedUntilMs).toBeGreaterThanOrEqual(startedMs + 5_000 - 50);
    expect(lockedUntilMs).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('finds the Lambda context when the durable context is not the second argument', async () => {
    const store = new InMemoryStore();
    let lockedUntilMs: number | undefined;
    const process = makeIdempotent(
      async (_context: DurableContext, order: { orderId: string }) => {
        lockedUntilMs = (await store.get(getIdempotencyToken(_context)?.key ?? ''))?.lockedUntilMs;
        return order.orderId;
      },
      { store, key: 'orderId', keyPrefix: 'first-arg', payloadArgument: 1 },
    );

    await process(durableContext({ remainingMs: 5_000 }), { orderId: 'o-1' });

    expect(lockedUntilMs).toBeLessThanOrEqual(Date.now() + 5_000);
  });
});

describe('a replay invocation of the same durable execution', () => {
  it('runs over the INPROGRESS record its suspended invocation left, and completes it', async () => {
    const { handler, runs } = orderWorkflow();
    const executionArn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders:$LATEST/durable-execution/run-1/0a1b';
    void handler({ orderId: 'o-1' }, durableContext({ executionArn, mode: 'ExecutionMode' }));
    await new Promise((resolve) => setImmediate(resolve));

    const resumed = await handler({ orderId: 'o-1' }, durableContext({ executionArn, mode: 'ReplayMode' }));
    const duplicate = await handler({ orderId: 'o-1' }, durableContext({ executionArn: `${executionArn}-other` }));

    expect(resumed).toEqual({ orderId: 'o-1', status: 'shipped' });
    expect(runs).toEqual(['ExecutionMode', 'ReplayMode']);
    expect(duplicate).toEqual(resumed);
  });

  it('replays a COMPLETED record instead of running again', async () => {
    const { handler, runs } = orderWorkflow();
    await handler({ orderId: 'o-1' }, durableContext({ mode: 'ReplayMode' }));

    const again = await handler({ orderId: 'o-1' }, durableContext({ mode: 'ReplayMode' }));

    expect(again).toEqual({ orderId: 'o-1', status: 'shipped' });
    expect(runs).toEqual(['ReplayMode']);
  });
});

describe('refused while the lock lives', () => {
  const heldBy = async (
    first: DurableContext | LambdaContextLike,
  ): Promise<ReturnType<typeof orderWorkflow> & { pending: Promise<unknown> }> => {
    const workflow = orderWorkflow();
    const pending = workflow.handler({ orderId: 'o-1' }, first as DurableContext);
    await new Promise((resolve) => setImmediate(resolve));
    return { ...workflow, pending };
  };

  it('a replay-mode invocation of another durable execution with the same payload', async () => {
    const { handler, runs } = await heldBy(
      durableContext({ executionArn: 'arn:aws:lambda:::durable-execution/run-1' }),
    );

    await expect(
      handler(
        { orderId: 'o-1' },
        durableContext({ executionArn: 'arn:aws:lambda:::durable-execution/run-2', mode: 'ReplayMode' }),
      ),
    ).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
    expect(runs).toEqual(['ExecutionMode']);
  });

  it('a replay-mode invocation of an execution whose ARN extends the holder’s', async () => {
    const { handler } = await heldBy(durableContext({ executionArn: 'arn:aws:lambda:::durable-execution/run-1' }));

    await expect(
      handler(
        { orderId: 'o-1' },
        durableContext({ executionArn: 'arn:aws:lambda:::durable-execution/run-10', mode: 'ReplayMode' }),
      ),
    ).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
  });

  it('a replay-mode invocation over a lock a plain Lambda invocation holds', async () => {
    const { handler } = await heldBy(lambdaContext());

    await expect(handler({ orderId: 'o-1' }, durableContext({ mode: 'ReplayMode' }))).rejects.toBeInstanceOf(
      IdempotencyAlreadyInProgressError,
    );
  });

  // As in Powertools: only replay mode continues an execution; a second first-mode invocation of
  // one execution is not a replay the SDK announces.
  it('a first-mode invocation of the same durable execution', async () => {
    const { handler } = await heldBy(durableContext());

    await expect(handler({ orderId: 'o-1' }, durableContext({ mode: 'ExecutionMode' }))).rejects.toBeInstanceOf(
      IdempotencyAlreadyInProgressError,
    );
  });
});
