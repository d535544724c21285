import { isIqaError, parseRankingManifest } from '../src/index.js';

describe('parseRankingManifest', () => {
  test(
    "reads iqa distort's manifest, level-0 rows with or without a type, columns in any order, quotes and a " + 'BOM',
    () => {
      const rows = parseRankingManifest(
        '\uFEFFlevel,file,type,reference\r\n1,gblur/1/a.png,gblur,a.png\n0,refs/a.png,,a.png\n0,"refs/b, ' +
          'c.png",reference,"b, c.png"\n',
      );
      expect(rows).toEqual([
        { file: 'gblur/1/a.png', reference: 'a.png', type: 'gblur', level: 1 },
        { file: 'refs/a.png', reference: 'a.png', type: '', level: 0 },
        { file: 'refs/b, c.png', reference: 'b, c.png', type: 'reference', level: 0 },
      ]);
    },
  );

  test('names the source and line of a bad row, and the missing columns', () => {
    for (const bad of ['x.png,a,gblur,-1', 'x.png,a,gblur,1.5', 'x.png,a,gblur,', 'x.png,a,,2', ',a,gblur,1']) {
      let err: unknown;
      try {
        parseRankingManifest(`file,reference,type,level\n${bad}\n`, 'set/manifest.csv');
      } catch (e) {
        err = e;
      }
      expect(isIqaError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).toBe(
        `Expected a file, a reference, a type and an integer level >= 0 (the type may be empty at level 0) on line 2 ` +
          `of set/manifest.csv but received ${JSON.stringify(bad)}`,
      );
    }
    expect(() => parseRankingManifest('file,reference,level\n')).toThrow('lacks type');
    expect(() => parseRankingManifest('')).toThrow(
      'Expected a header "file,reference,type,level" in ranking manifest but it is empty',
    );
  });
});
