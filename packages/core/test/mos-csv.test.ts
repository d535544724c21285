import { isIqaError, parseMosCsv } from '../src/index.js';

describe('parseMosCsv', () => {
  it('reads image, mos and optional std in any column order, with quotes and a BOM', () => {
    const rows = parseMosCsv('\uFEFFmos,Image,std\n61.2,a.jpg,3\r\n40,"b, c.png",\n');
    expect(rows).toEqual([
      { image: 'a.jpg', mos: 61.2, std: 3 },
      { image: 'b, c.png', mos: 40 },
    ]);
  });

  it('names the file and line of a bad row, and a missing column', () => {
    let err: unknown;
    try {
      parseMosCsv('image,mos\na.jpg,high\n', 'labels.csv');
    } catch (e) {
      err = e;
    }
    expect(isIqaError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(/line 2 of labels.csv/);
    expect(() => parseMosCsv('file,score\n')).toThrow(/Expected columns "image" and "mos"/);
  });
});
