import { IqaError, applyScaling, assertSvrModel, fitScaling, predictSvr, svrDecision } from '../src/index.js';
import type { SvrModel } from '../src/index.js';

describe('svm-scale scaling', () => {
  it('maps the training min and max of each feature to -1 and 1, linearly, without clipping', () => {
    const scaling = fitScaling([
      [0, 10, 5],
      [4, 30, 5],
      [2, 20, 5],
    ]);
    expect(scaling).toEqual({ lower: -1, upper: 1, min: [0, 10, 5], max: [4, 30, 5] });
    expect(applyScaling([1, 25, 7], scaling)).toEqual([-0.5, 0.5, 0]);
    expect(applyScaling([8, 0, 5], scaling)).toEqual([3, -2, 0]);
  });

  it('rejects rows of the wrong length', () => {
    expect(() => fitScaling([[1, 2], [3]])).toThrow(
      'Expected 2 features in every row for a row to scale but received an array of 1',
    );
    expect(() => applyScaling([1], fitScaling([[1, 2]]))).toThrow(RangeError);
  });
});

describe('RBF SVR decision', () => {
  const model: SvrModel = {
    kernel: 'rbf',
    gamma: 0.5,
    rho: 0.25,
    coefficients: [2, -1],
    supportVectors: [
      [0, 0],
      [1, -1],
    ],
    scaling: { lower: -1, upper: 1, min: [0, 0], max: [2, 2] },
  };

  it('sums coef * exp(-gamma |sv - x|^2) minus rho', () => {
    const x = [1, 0];
    const expectedValue = 2 * Math.exp(-0.5 * 1) - Math.exp(-0.5 * 1) - 0.25;
    expect(svrDecision(x, model)).toBeCloseTo(expectedValue, 15);
    // predictSvr scales first: (2, 1) -> (1, 0).
    expect(predictSvr([2, 1], model)).toBeCloseTo(expectedValue, 15);
  });

  it('checks a model read from a file', () => {
    expect(() => assertSvrModel(model)).not.toThrow();
    expect(() => assertSvrModel({ ...model, kernel: 'linear' as never })).toThrow(IqaError);
    expect(() => assertSvrModel({ ...model, coefficients: [1] })).toThrow(/one coefficient per support vector/);
    expect(() => assertSvrModel({ ...model, supportVectors: [[0], [1, 1]] })).toThrow(
      'Expected 2 values for the SVR model.supportVectors[0] but received an array of 1',
    );
  });
});
