import { IqaError, describeValue, expected, isIqaError, mulberry32 } from '../src/index.js';

describe('errors', () => {
  it('IqaError carries a code, a name and a cause', () => {
    const cause = new Error('inner');
    const err = new IqaError('MODEL_NOT_FOUND', 'no such model', { cause });
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.code, err.message, err.cause]).toEqual([
      'IqaError',
      'MODEL_NOT_FOUND',
      'no such model',
      cause,
    ]);
    expect(isIqaError(err)).toBe(true);
    expect(isIqaError(err, 'MODEL_NOT_FOUND')).toBe(true);
    expect(isIqaError(err, 'INTERNAL')).toBe(false);
    expect(isIqaError(new Error('x'))).toBe(false);
  });

  it('describes received values in sharp-style messages', () => {
    expect(expected('positive integer', 'width', -1)).toBe('Expected positive integer for width but received -1');
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(57)}..."`);
    expect(describeValue([1, 2])).toBe('an array of 2');
    expect(describeValue(new Uint8Array(5))).toBe('a Uint8Array of 5');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue({})).toBe('an object (Object)');
    expect(describeValue(new Date(0))).toBe('an object (Date)');
  });
});

describe('mulberry32', () => {
  it('is deterministic per seed, in [0, 1), and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    const c = mulberry32(43);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs.slice(0, 5));
  });
});
