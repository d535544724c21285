import { filterGradPlan, inputGradPlan } from '../../src/backend/conv-grad-geometry.js';

const axis = (inSize: number, filterSize: number, outSize: number, stride: number, padBefore: number) => ({
  inSize,
  filterSize,
  outSize,
  stride,
  padBefore,
});

describe('inputGradPlan (dx = conv of zero-inserted dy with the rotated filter)', () => {
  test("3x3 'same' stride 1 pads one on each side", () => {
    expect(inputGradPlan(axis(8, 3, 8, 1, 1))).toEqual({ padBefore: 1, padAfter: 1, cropBefore: 0, cropAfter: 0 });
  });

  test("3x3 'valid' stride 1 is a full convolution (pad k-1)", () => {
    expect(inputGradPlan(axis(8, 3, 6, 1, 0))).toEqual({ padBefore: 2, padAfter: 2, cropBefore: 0, cropAfter: 0 });
  });

  test("7 -> 4 with 3x3 'same' stride 2: the trailing inserted zero is exactly used up", () => {
    expect(inputGradPlan(axis(7, 3, 4, 2, 1))).toEqual({ padBefore: 1, padAfter: 0, cropBefore: 0, cropAfter: 0 });
  });

  test('1x1 stride 2 on an odd size turns a negative padding into a crop', () => {
    expect(inputGradPlan(axis(7, 1, 4, 2, 0))).toEqual({ padBefore: 0, padAfter: 0, cropBefore: 0, cropAfter: 1 });
  });
});

describe('filterGradPlan (dW = conv of x with dy as a filter dilated by the stride)', () => {
  test("'same' stride 1 keeps the forward padding", () => {
    expect(filterGradPlan(axis(8, 3, 8, 1, 1))).toEqual({ padBefore: 1, padAfter: 1, cropBefore: 0, cropAfter: 0 });
  });

  test("'valid' stride 2 with an unread last row crops it from the output", () => {
    // 8 -> 3 outputs read rows 0..6; row 7 makes the correlation one longer than k
    expect(filterGradPlan(axis(8, 3, 3, 2, 0))).toEqual({ padBefore: 0, padAfter: 0, cropBefore: 0, cropAfter: 1 });
  });
});
