import { errorNamed, IdempotencyConfigError, InMemoryStore, makeIdempotent, ReplayedError } from '@oncely/core';
import { lambdaContext } from './fixtures.js';

class CardDeclined extends Error {
  override name = 'CardDeclined';
  readonly statusCode = 402;
}

describe('errorNamed', () => {
  it('accepts errors with one of the names', () => {
    const accepts = errorNamed('CardDeclined', 'InsufficientFunds');

    expect(accepts(new CardDeclined('declined'))).toBe(true);
    expect(accepts(Object.assign(new Error('low'), { name: 'InsufficientFunds' }))).toBe(true);
  });

  it.each([
    ['another error', new Error('timeout')],
    ['an error whose name only contains a name', Object.assign(new Error('x'), { name: 'CardDeclinedAgain' })],
    ['a string', 'CardDeclined'],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_name, error) => {
    expect(errorNamed('CardDeclined')(error)).toBe(false);
  });

  it.each([
    ['no names', []],
    ['an empty name', ['']],
    ['a name that is not a string', [42]],
  ])('throws IdempotencyConfigError for %s', (_name, names) => {
    const build = () => errorNamed(...(names as string[]));

    expect(build).toThrow(IdempotencyConfigError);
    expect(build).toThrow(/errorNamed\(\) needs one or more error names, such as errorNamed\('CardDeclined'\); got/);
  });

  describe('as cacheErrors', () => {
    const charge = (fail: () => Error) => {
      let runs = 0;
      const handler = makeIdempotent(
        async (_event: { id: number }, _context?: unknown) => {
          runs += 1;
          if (runs === 1) throw fail();
          return 'captured';
        },
        { store: new InMemoryStore(), keyPrefix: 'charge', cacheErrors: errorNamed('CardDeclined') },
      );
      return { handler, runs: () => runs };
    };

    it('stores a named error and replays it without running the handler again', async () => {
      const { handler, runs } = charge(() => new CardDeclined('card 4242 declined'));
      await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow(CardDeclined);

      const replay = handler({ id: 1 }, lambdaContext());

      await expect(replay).rejects.toThrow(ReplayedError);
      await expect(replay).rejects.toMatchObject({
        name: 'CardDeclined',
        message: 'card 4242 declined',
        statusCode: 402,
        replayed: true,
      });
      expect(runs()).toBe(1);
    });

    it('releases the lock for another error, so a retry runs', async () => {
      const { handler, runs } = charge(() => new Error('timeout talking to the bank'));

      await expect(handler({ id: 1 }, lambdaContext())).rejects.toThrow('timeout talking to the bank');
      await expect(handler({ id: 1 }, lambdaContext())).resolves.toBe('captured');
      expect(runs()).toBe(2);
    });
  });
});
