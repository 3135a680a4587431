import { createHash } from 'node:crypto';
import { IdempotencyValidationError as PowertoolsValidationError } from '@aws-lambda-powertools/idempotency';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { IdempotencyValidationError } from '@oncely/core';
import { lambdaContext } from '../../core/test/fixtures.js';
import { localClient } from './fixtures';
import { newOrder, resultKinds, tableShapes, useSharedTable } from './powertoolsTables';

const client = localClient();
afterAll(() => client.destroy());

describe.each(tableShapes)('a $name table shared with Powertools TypeScript, custom attribute names', (shape) => {
  const shared = useSharedTable(client, shape);

  describe('a result Powertools stored', () => {
    it.each(resultKinds)('is replayed by oncely with its type and value: %s', async (_kind, result) => {
      const { powertools, oncely, runs } = shared.handlers(() => result);
      const order = newOrder();

      const first = await powertools(order, lambdaContext());
      const replay = await oncely(order, lambdaContext());

      expect(first).toStrictEqual(result);
      expect(replay).toStrictEqual(result);
      expect(runs).toEqual({ powertools: 1, oncely: 0 });
    });
  });

  describe('a result oncely stored', () => {
    it.each(resultKinds)('is replayed by Powertools with its type and value: %s', async (_kind, result) => {
      const { powertools, oncely, runs } = shared.handlers(() => result);
      const order = newOrder();

      const first = await oncely(order, lambdaContext());
      const replay = await powertools(order, lambdaContext());

      expect(first).toStrictEqual(result);
      expect(replay).toStrictEqual(result);
      expect(runs).toEqual({ powertools: 0, oncely: 1 });
    });
  });

  describe('hashed keys and validation', () => {
    it('puts both records of one order at one key (MD5 of the key path, under the function name)', async () => {
      const { powertools, oncely, runs, functionName } = shared.handlers((side) => side);
      const order = newOrder();

      await powertools(order, lambdaContext());
      const replay = await oncely({ amount: order.amount, orderId: order.orderId }, lambdaContext());

      expect(replay).toBe('powertools');
      expect(runs).toEqual({ powertools: 1, oncely: 0 });
      const key = `${functionName}#${createHash('md5').update(JSON.stringify(order.orderId)).digest('base64')}`;
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: shared.tableName(),
          Key:
            shape.sortKey === undefined
              ? { pk: { S: key } }
              : { pk: { S: `idempotency#${functionName}` }, [shape.sortKey]: { S: key } },
          ConsistentRead: true,
        }),
      );
      expect(Item?.state).toEqual({ S: 'COMPLETED' });
      expect(Item?.result).toEqual({ S: 'powertools' });
    });

    it('oncely refuses a Powertools record of the same order with another amount', async () => {
      const { powertools, oncely, runs } = shared.handlers(() => ({ captured: true }));
      const order = newOrder(100);

      await powertools(order, lambdaContext());
      const replay = oncely({ ...order, amount: 999 }, lambdaContext());

      await expect(replay).rejects.toThrow(IdempotencyValidationError);
      expect(runs).toEqual({ powertools: 1, oncely: 0 });
    });

    it('Powertools refuses an oncely record of the same order with another amount', async () => {
      const { powertools, oncely, runs } = shared.handlers(() => ({ captured: true }));
      const order = newOrder(100);

      await oncely(order, lambdaContext());
      const replay = powertools({ ...order, amount: 999 }, lambdaContext());

      await expect(replay).rejects.toThrow(PowertoolsValidationError);
      expect(runs).toEqual({ powertools: 0, oncely: 1 });
    });

    it('each accepts the other record of the same order with the same amount', async () => {
      const { powertools, oncely, runs } = shared.handlers((side) => ({ by: side }));
      const first = newOrder(100);
      const second = newOrder(250);

      await powertools(first, lambdaContext());
      await oncely(second, lambdaContext());

      await expect(oncely(first, lambdaContext())).resolves.toEqual({ by: 'powertools' });
      await expect(powertools(second, lambdaContext())).resolves.toEqual({ by: 'oncely' });
      expect(runs).toEqual({ powertools: 1, oncely: 1 });
    });
  });
});
