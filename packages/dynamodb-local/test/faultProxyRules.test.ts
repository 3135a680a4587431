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
    expect(() => rules.add({ fault: 'late' })).toThrow(/A late fault needs delayMs >= 0, got undefined/);
    expect(() => rules.add({ fault: 'late', delayMs: -1 })).toThrow(/A late fault needs delayMs >= 0/);
  });

  it('picks a late rule like any other, for the next N matching requests', () => {
    const rules = new FaultRules(1);
    rules.add({ operations: 'PutItem', fault: 'late', delayMs: 1500, times: 1 });

    const picked = ['GetItem', 'PutItem', 'PutItem'].map((operation) => rules.pick(operation));

    expect(picked).toEqual([undefined, { operations: 'PutItem', fault: 'late', delayMs: 1500, times: 1 }, undefined]);
  });
});
