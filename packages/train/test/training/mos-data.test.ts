import { epochBatches, imageBatches, splitByImage } from '../../src/training/mos-data.js';

describe('splitByImage', () => {
  it('puts every image in exactly one split, the same way whatever the input order', () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ image: `img${i}.jpg` }));
    const a = splitByImage(entries, 0.2, 7);
    const b = splitByImage([...entries].reverse(), 0.2, 7);
    expect(a.val).toHaveLength(10);
    expect(new Set([...a.train, ...a.val].map((e) => e.image)).size).toBe(50);
    expect(b.val.map((e) => e.image)).toEqual(a.val.map((e) => e.image));
    expect(splitByImage(entries, 0.2, 8).val.map((e) => e.image)).not.toEqual(a.val.map((e) => e.image));
    expect(() => splitByImage(entries, 1, 7)).toThrow(/Expected valFraction in \(0, 1\) but received 1/);
  });

  it(
    'cuts the images into round(1 / valFraction) folds that validate each image once; fold 0 is the default ' + 'split',
    () => {
      const entries = Array.from({ length: 53 }, (_, i) => ({ image: `img${i}.jpg` }));
      const names = (xs: { image: string }[]) => xs.map((e) => e.image);
      const folds = [0, 1, 2, 3, 4].map((k) => splitByImage(entries, 0.2, 7, k));
      // round(53 x 0.2) = 11; the last takes the rest
      expect(folds.map((f) => f.val.length)).toEqual([11, 11, 11, 11, 9]);
      const seen = folds.flatMap((f) => names(f.val));
      expect(new Set(seen).size).toBe(53);
      expect(seen).toHaveLength(53);
      for (const f of folds) {
        expect(f.train.length + f.val.length).toBe(53);
        expect(names(f.train).filter((n) => names(f.val).includes(n))).toEqual([]);
      }
      expect(folds[0]).toEqual(splitByImage(entries, 0.2, 7));
      // A single fold (valFraction above 2/3) still leaves the rest for training.
      expect(splitByImage(entries, 0.7, 7).val).toHaveLength(37);
      expect(splitByImage(entries, 0.7, 7).train).toHaveLength(16);
      expect(() => splitByImage(entries, 0.2, 7, 5)).toThrow(
        'Expected a validation fold from 0 to 4 (valFraction 0.2) but received 5',
      );
      expect(() => splitByImage(entries, 0.2, 7, 1.5)).toThrow(
        'Expected a validation fold from 0 to 4 (valFraction 0.2) but received 1.5',
      );
    },
  );
});

describe('epochBatches', () => {
  it('covers every row once per epoch, in another order each epoch', () => {
    const e1 = epochBatches(20, 8, 3, 1);
    expect(e1.map((b) => b.length)).toEqual([8, 8, 4]);
    expect(e1.flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(epochBatches(20, 8, 3, 2).flat()).not.toEqual(e1.flat());
    expect(epochBatches(20, 8, 3, 1)).toEqual(e1);
  });
});

describe('imageBatches', () => {
  // 7 images with 4 rows each, rows of one image not next to each other (as after a shuffle).
  const groups = Array.from({ length: 7 }, (_, g) => [g, g + 7, g + 14, g + 21]);
  const owner = (row: number) => row % 7;
  const sorted = (rows: number[]) => [...rows].sort((x, y) => x - y);
  const all = Array.from({ length: 28 }, (_, i) => i);

  it('uses every row once per epoch, in sets of rows of one image, next to each other', () => {
    const batches = imageBatches(groups, 3, 2, 5, 1);
    expect(batches.map((b) => b.length)).toEqual([6, 6, 6, 6, 4]);
    expect(sorted(batches.flat())).toEqual(all);
    for (const b of batches) for (let i = 0; i < b.length; i += 2) expect(owner(b[i]!)).toBe(owner(b[i + 1]!));
    // Sets of one image are mixed with other images' sets: not every batch is one image.
    expect(batches.some((b) => new Set(b.map(owner)).size > 1)).toBe(true);
  });

  it('draws other sets in another epoch, the same ones for the same (seed, epoch)', () => {
    expect(imageBatches(groups, 3, 2, 5, 1)).toEqual(imageBatches(groups, 3, 2, 5, 1));
    const pairs = (epoch: number) => {
      const batch = imageBatches(groups, 14, 2, 5, epoch)[0]!;
      return batch
        .filter((_, i) => i % 2 === 0)
        .map((r, k) => sorted([r, batch[2 * k + 1]!]).join('+'))
        .sort();
    };
    expect(pairs(2)).not.toEqual(pairs(1));
  });

  it('leaves out the rows a set size does not divide, other ones each epoch', () => {
    const rowsOf = (epoch: number) => sorted(imageBatches(groups, 7, 3, 5, epoch).flat());
    expect(rowsOf(1)).toHaveLength(21);
    expect(new Set([...rowsOf(1), ...rowsOf(2), ...rowsOf(3), ...rowsOf(4)]).size).toBeGreaterThan(21);
  });

  it('refuses an image with fewer rows than a set', () => {
    expect(() => imageBatches([[0, 1], [2]], 2, 2, 1, 1)).toThrow(
      /Expected at least 2 rows for every image but image 1 has 1/,
    );
  });
});
