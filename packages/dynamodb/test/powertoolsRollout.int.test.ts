import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyAlreadyInProgressError as PowertoolsInProgressError } from '@aws-lambda-powertools/idempotency';
import { IdempotencyAlreadyInProgressError, IdempotencyPersistenceError } from '@oncely/core';
import { lambdaContext } from '../../core/test/fixtures.js';
import { countRequests, localClient } from './fixtures';
import { newOrder, type Order, type Side, tableShapes, useSharedTable } from './powertoolsTables';

const client = localClient();
afterAll(() => client.destroy());

describe.each(tableShapes)('a rolling switch from Powertools to oncely on a $name table', (shape) => {
  const shared = useSharedTable(client, shape);

  it('runs each order once when half the calls go through each library, all at once', async () => {
    const executions = new Map<string, { by: Side; orderId: string }>();
    const repeated: string[] = [];
    const { powertools, oncely } = shared.handlers(
      async (side: Side, event: Order) => {
        if (executions.has(event.orderId)) repeated.push(event.orderId);
        const result = { by: side, orderId: event.orderId };
        executions.set(event.orderId, result);
        await sleep(40); // long enough for the other calls of the order to meet the lock
        return result;
      },
      { whenInProgress: { waitMs: 5_000 } },
    );
    const orders = Array.from({ length: 20 }, () => newOrder());

    // Each order: four concurrent deliveries, two through each library, in alternating order.
    const concurrent = await Promise.allSettled(
      orders.flatMap((order, i) => {
        const sides: Side[] = i % 2 === 0 ? ['powertools', 'oncely'] : ['oncely', 'powertools'];
        return [...sides, ...sides].map((side) =>
          (side === 'powertools' ? powertools : oncely)(order, lambdaContext()).then((value) => ({ order, value })),
        );
      }),
    );
    // Later retries, one through each library per order.
    const later = await Promise.all(
      orders.flatMap((order) => [powertools(order, lambdaContext()), oncely(order, lambdaContext())]),
    );

    expect(repeated).toEqual([]);
    expect(executions.size).toBe(orders.length);
    expect(new Set([...executions.values()].map((result) => result.by))).toEqual(new Set(['powertools', 'oncely']));
    for (const outcome of concurrent) {
      if (outcome.status === 'fulfilled') {
        expect(outcome.value.value).toEqual(executions.get(outcome.value.order.orderId));
      } else {
        // Powertools refuses a duplicate while the first call runs; oncely waits for its result.
        expect(outcome.reason).toBeInstanceOf(PowertoolsInProgressError);
      }
    }
    expect(later).toEqual(orders.flatMap((order) => [executions.get(order.orderId), executions.get(order.orderId)]));
  });

  it('refuses a duplicate while the other library runs the order, in both directions', async () => {
    const { powertools, oncely, runs } = shared.handlers(async () => {
      await sleep(100);
      return 'done';
    });
    const first = newOrder();
    const second = newOrder();

    const running = [powertools(first, lambdaContext()), oncely(second, lambdaContext())];
    await sleep(30);

    await expect(oncely(first, lambdaContext())).rejects.toThrow(IdempotencyAlreadyInProgressError);
    await expect(powertools(second, lambdaContext())).rejects.toThrow(PowertoolsInProgressError);
    await expect(Promise.all(running)).resolves.toEqual(['done', 'done']);
    expect(runs).toEqual({ powertools: 1, oncely: 1 });
  });
});

describe('a table shared with Powertools TypeScript, read without the powertools option', () => {
  const shared = useSharedTable(client, { name: 'simple-key' });

  it("refuses a string result it cannot read as JSON with an error naming powertools: 'typescript'", async () => {
    const { powertools, oncely, runs } = shared.handlers(() => 'captured', { powertoolsFormat: false });
    const order = newOrder();
    await powertools(order, lambdaContext());

    const requests = countRequests(client);

    const replay = oncely(order, lambdaContext());

    await expect(replay).rejects.toThrow(IdempotencyPersistenceError);
    await expect(replay).rejects.toMatchObject({ retryable: false });
    await expect(replay).rejects.toThrow(/set powertools: 'typescript' on DynamoDBStore/);
    expect(runs).toEqual({ powertools: 1, oncely: 0 });
    // Not retried: reading the record again would give the same answer.
    expect(requests.sent).toEqual(['PutItemCommand']);
  });

  it.each<[string, unknown]>([
    ['an object', { statusCode: 201, body: 'ok' }],
    ['an array', [1, 'two']],
    ['a number', 42],
    ['a boolean', false],
    ['null', null],
  ])('reads %s Powertools stored as a native value with its type and value', async (_kind, result) => {
    const { powertools, oncely, runs } = shared.handlers(() => result, { powertoolsFormat: false });
    const order = newOrder();
    await powertools(order, lambdaContext());

    const replay = await oncely(order, lambdaContext());

    expect(replay).toStrictEqual(result);
    expect(runs).toEqual({ powertools: 1, oncely: 0 });
  });

  // Powertools TypeScript writes the string "42" as { S: '42' }, Powertools for Python writes the
  // number 42 the same way: only the option tells them apart, which is why a shared table needs it.
  it('reads a string result that is itself JSON text as that JSON value', async () => {
    const { powertools, oncely } = shared.handlers(() => '42', { powertoolsFormat: false });
    const order = newOrder();
    await powertools(order, lambdaContext());

    await expect(oncely(order, lambdaContext())).resolves.toBe(42);
  });
});
