import { FaultRules, mulberry32, operationOf } from '../src/faultProxyRules';

describe('mulberry32', () => {
  it('draws the same numbers in [0, 1) for the same seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));

    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(3).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('operationOf', () => {
  it('reads the operation from X-Amz-Target', () => {
    expect(operationOf('DynamoDB_20120810.PutItem')).toBe('PutItem');
    expect(operationOf(undefined)).toBe('unknown');
  });
});

describe('FaultRules', () => {
  it('lets the first rule that hits decide, in the order they were added', () => {
    const rules = new FaultRules(1);
    rules.add({ operations: 'PutItem', fault: 'throttle', times: 1 });
    rules.add({ fault: 'fail' });

    const picked = ['PutItem', 'PutItem', 'GetItem'].map((operation) => rules.pick(operation)?.fault);

    expect(picked).toEqual(['throttle', 'fail', 'fail']);
  });

  it('rejects rules it cannot apply', () => {
    const rules = new FaultRules(1);

    expect(() => rules.add({ fault: 'fail', times: 0 })).toThrow(/positive integer/);
    expect(() => rules.add({ fault: 'fail', probability: 1.5 })).toThrow(/within \[0, 1\]/);
    expect(() => rules.add({ fault: 'delay' })).toThrow(/delayMs/);
  });
});
