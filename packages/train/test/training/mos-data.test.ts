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

  it('holds whole images: every image once per epoch, its rows next to each other and its own', () => {
    const batches = imageBatches(groups, 3, 2, 5, 1);
    expect(batches.map((b) => b.length)).toEqual([6, 6, 2]);
    const images: number[] = [];
    for (const b of batches) {
      for (let i = 0; i < b.length; i += 2) {
        expect(owner(b[i]!)).toBe(owner(b[i + 1]!));
        expect(b[i]).not.toBe(b[i + 1]);
        images.push(owner(b[i]!));
      }
    }
    expect(images.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('draws other rows of each image in another epoch, the same ones for the same (seed, epoch)', () => {
    expect(imageBatches(groups, 3, 2, 5, 1)).toEqual(imageBatches(groups, 3, 2, 5, 1));
    const rowsOf = (epoch: number) => imageBatches(groups, 7, 2, 5, epoch).flat().sort((x, y) => x - y);
    expect(rowsOf(2)).not.toEqual(rowsOf(1));
    // All rows of an image, when asked for all of them.
    expect(imageBatches(groups, 2, 4, 5, 1).flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 28 }, (_, i) => i));
  });

  it('refuses an image with fewer rows than asked for', () => {
    expect(() => imageBatches([[0, 1], [2]], 2, 2, 1, 1)).toThrow(/Expected at least 2 rows for every image but image 1 has 1/);
  });
});
