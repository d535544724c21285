import { IqaError, rankingIntervals, rankingReport, type RankingEntry } from '../src/index.js';

const e = (reference: string, type: string, level: number, score: number): RankingEntry => ({
  reference,
  type,
  level,
  score,
});

// Two references; A has blur and jpeg ladders, B only blur. Level 0 (type 'ref') joins every ladder.
const twoReferences = [
  e('A', 'ref', 0, 90),
  e('A', 'blur', 1, 70),
  e('A', 'blur', 2, 75),
  e('A', 'blur', 3, 40),
  e('A', 'jpeg', 1, 85),
  e('A', 'jpeg', 2, 85),
  e('A', 'jpeg', 3, 95),
  e('B', 'ref', 0, 50),
  e('B', 'blur', 1, 45),
  e('B', 'blur', 2, 30),
  e('B', 'blur', 3, 35),
];

describe('rankingReport', () => {
  const entries = twoReferences;

  test('pair shares per type, overall and per gap, by hand', () => {
    const r = rankingReport(entries);
    // blur A [90,70,75,40]: wrong only 1-2 (70 < 75); blur B [50,45,30,35]: wrong only 2-3. 10 of 12.
    expect(r.byType.blur).toMatchObject({ pairs: 12, correct: 10, ties: 0, ladders: 2 });
    expect(r.byType.blur!.share).toBeCloseTo(10 / 12, 12);
    // jpeg A [90,85,85,95]: 0-1 and 0-2 right, 1-2 tied (half), 0-3, 1-3, 2-3 wrong: 2.5 of 6.
    expect(r.byType.jpeg).toMatchObject({ pairs: 6, correct: 2, ties: 1, ladders: 1 });
    expect(r.byType.jpeg!.share).toBeCloseTo(2.5 / 6, 12);
    expect(r.overall).toMatchObject({ pairs: 18, correct: 12, ties: 1 });
    expect(r.overall.share).toBeCloseTo(12.5 / 18, 12);
    // gap 1: blur A 2 of 3, blur B 2 of 3, jpeg 1 of 3 and a tie; gap 2: 5 of 6; gap 3: 2 of 3.
    expect(r.byGap['1']).toMatchObject({ pairs: 9, correct: 5, ties: 1 });
    expect(r.byGap['1']!.share).toBeCloseTo(5.5 / 9, 12);
    expect(r.byGap['2']).toMatchObject({ pairs: 6, correct: 5, ties: 0 });
    expect(r.byGap['3']).toMatchObject({ pairs: 3, correct: 2, ties: 0 });
    expect(Object.keys(r.byGap)).toEqual(['1', '2', '3']);
    expect(r.byType.jpeg!.byGap['3']).toMatchObject({ pairs: 1, correct: 0, share: 0 });
    expect(r.counts).toEqual({ entries: 11, references: 2, types: 2, ladders: 3, referencesWithLevel0: 2 });
    // per reference: A has blur 5 of 6 and jpeg 2 of 6 plus a tie; B blur 5 of 6.
    expect(r.byReference.A).toMatchObject({ pairs: 12, correct: 7, ties: 1 });
    expect(r.byReference.A!.share).toBeCloseTo(7.5 / 12, 12);
    expect(r.byReference.B).toMatchObject({ pairs: 6, correct: 5, ties: 0 });
  });

  test('SRCC within each ladder, averaged per type and overall, by hand', () => {
    const r = rankingReport(entries);
    // blur A: score ranks by level [4,2,3,1] vs [4,3,2,1]: sum d^2 = 2, 1 - 12/60 = 0.8; blur B likewise 0.8.
    expect(r.byType.blur!.srcc).toBeCloseTo(0.8, 12);
    // jpeg A: score ranks [3,1.5,1.5,4] vs [4,3,2,1]: cov -1.5, sxx 4.5, syy 5: -1.5 / sqrt(22.5).
    expect(r.byType.jpeg!.srcc).toBeCloseTo(-1.5 / Math.sqrt(22.5), 12);
    expect(r.overall.srcc).toBeCloseTo((0.8 + 0.8 - 1.5 / Math.sqrt(22.5)) / 3, 12);
    expect(r.overall.srccLadders).toBe(3);
  });

  test('pairs never cross references: each ladder in order is 1 even though A scores above B everywhere', () => {
    // Mixed across references, B's reference (40) would lose to A's level 2 (70): 1 would drop to 5/9 for gap 1 etc.
    const r = rankingReport([
      e('A', 'ref', 0, 90),
      e('A', 'blur', 1, 80),
      e('A', 'blur', 2, 70),
      e('B', 'ref', 0, 40),
      e('B', 'blur', 1, 30),
      e('B', 'blur', 2, 20),
    ]);
    expect(r.byType.blur).toMatchObject({ pairs: 6, correct: 6, share: 1, srcc: 1 });
  });

  test('pairs never cross types: a type is judged on its own ladder', () => {
    const r = rankingReport([
      e('A', 'ref', 0, 90),
      e('A', 'blur', 1, 80),
      e('A', 'noise', 2, 85),
      e('A', 'noise', 1, 95),
    ]);
    // Across types, blur 1 (80) vs noise 2 (85) would be a wrong pair; noise [90, 95, 85] is wrong only at 0-1.
    expect(r.byType.blur).toMatchObject({ pairs: 1, correct: 1 });
    expect(r.byType.noise).toMatchObject({ pairs: 3, correct: 2 });
    expect(r.overall).toMatchObject({ pairs: 4, correct: 3 });
  });

  test('lower-is-better scores (higherIsBetter: false) reverse the order', () => {
    const r = rankingReport(entries, { higherIsBetter: false });
    expect(r.byType.blur).toMatchObject({ pairs: 12, correct: 2 });
    expect(r.byType.blur!.srcc).toBeCloseTo(-0.8, 12);
  });

  test('without a level-0 entry the ladder is the distorted levels alone; a constant ladder has SRCC 0', () => {
    const r = rankingReport([
      e('C', 'wn', 1, 60),
      e('C', 'wn', 2, 50),
      e('D', 'wn', 1, 40),
      e('D', 'wn', 2, 40),
      e('E', 'wn', 3, 10),
    ]);
    expect(r.byType.wn).toMatchObject({ pairs: 2, correct: 1, ties: 1, share: 0.75, ladders: 3, srccLadders: 2 });
    expect(r.byType.wn!.srcc).toBeCloseTo(0.5, 12); // C: 1, D: 0 (no order); E has one image
    expect(r.counts.referencesWithLevel0).toBe(0);
  });

  test('no pairs: NaN shares, not a division error', () => {
    expect(rankingReport([e('A', 'ref', 0, 1)]).overall.share).toBeNaN();
  });

  test('bad entries are typed errors that say what was expected and received', () => {
    const fail = (list: RankingEntry[]) => {
      try {
        rankingReport(list);
      } catch (err) {
        expect(err).toBeInstanceOf(IqaError);
        expect((err as IqaError).code).toBe('INVALID_ARGUMENT');
        return (err as IqaError).message;
      }
      throw new Error('expected rankingReport to throw');
    };
    expect(fail([e('A', 'blur', 1, 1), e('A', 'blur', 1, 2)])).toBe(
      'Expected one entry per reference, type and level but received blur level 1 of A twice (entry 1)',
    );
    expect(fail([e('A', 'x', 0, 1), e('A', 'y', 0, 2)])).toContain('level 0 of A twice');
    expect(fail([e('A', 'blur', -1, 1)])).toBe('Expected an integer level >= 0 for entry 0 (A) but received -1');
    expect(fail([e('A', 'blur', 1.5, 1)])).toContain('but received 1.5');
    expect(fail([e('A', 'blur', 1, Number.NaN)])).toBe(
      'Expected a finite score for entry 0 (A, blur 1) but received NaN',
    );
    expect(fail([e('', 'blur', 1, 1)])).toContain('Expected a non-empty reference name for entry 0');
    expect(fail([e('A', '', 2, 1)])).toContain('Expected a distortion type for entry 0 (A, level 2)');
  });
});

describe('rankingIntervals', () => {
  // The entries of rankingReport's tests: A's blur [90,70,75,40] has 5 of 6 pairs in order, its jpeg
  // [90,85,85,95] 2 in order and 1 tie of 6; B's blur [50,45,30,35] 5 of 6.

  test('references are resampled whole: the intervals span what two references allow, by hand', () => {
    const ci = rankingIntervals(twoReferences, { resamples: 400 });
    expect(ci.references).toBe(2);
    // Every reference orders 5 of its 6 blur pairs, so every resample does too.
    expect(ci.byType.blur).toMatchObject({ estimate: 5 / 6, low: 5 / 6, high: 5 / 6, resamples: 400 });
    // Only A has jpeg pairs: resamples of B alone have none and are left out.
    const jpeg = ci.byType.jpeg!;
    expect(jpeg.estimate).toBeCloseTo(2.5 / 6, 12);
    expect([jpeg.low, jpeg.high]).toEqual([2.5 / 6, 2.5 / 6]);
    expect(jpeg.resamples).toBeGreaterThan(250);
    expect(jpeg.resamples).toBeLessThan(350);
    // Overall: A twice (15 of 24), A and B (12.5 of 18) or B twice (10 of 12); each has a quarter or more.
    expect(ci.overall.estimate).toBeCloseTo(rankingReport(twoReferences).overall.share, 12);
    expect(ci.overall.low).toBeCloseTo(15 / 24, 12);
    expect(ci.overall.high).toBeCloseTo(10 / 12, 12);
  });

  test('the same seed gives the same intervals; lower scores are better when asked', () => {
    const a = rankingIntervals(twoReferences, { resamples: 50, seed: 3 });
    expect(rankingIntervals(twoReferences, { resamples: 50, seed: 3 })).toEqual(a);
    const flipped = twoReferences.map((x) => ({ ...x, score: -x.score }));
    expect(rankingIntervals(flipped, { resamples: 50, seed: 3, higherIsBetter: false })).toEqual(a);
  });

  test('bad options and entries throw, naming what was received', () => {
    expect(() => rankingIntervals(twoReferences, { resamples: 5 })).toThrow(
      'Expected an integer of at least 10 resamples but received 5',
    );
    expect(() => rankingIntervals([e('A', 'blur', 1, Number.NaN)])).toThrow(IqaError);
  });
});
