import { errorNamed, IdempotencyConfigError } from '@oncely/core';

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
  // Used as cacheErrors on every front door: the policies suite (policies.ts, 'accepts errorNamed(...)').
});
