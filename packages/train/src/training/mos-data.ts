/**
 * MOS datasets (CSV `image,mos[,std]`) and their seeded split by image into training and
 * validation: an image is in exactly one of the two.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { IqaError, mulberry32, parseMosCsv } from '@iqa-zoo/core';

export interface MosEntry {
  image: string;
  file: string;
  mos: number;
  /** The standard deviation of the image's ratings, where the CSV has a std column (NIMA's target needs it). */
  std?: number;
}

/**
 * Reads `image,mos[,std]` rows (core's `parseMosCsv`); image paths are relative to `root` (default: the CSV's folder).
 */
export async function readMosCsv(csv: string, root?: string): Promise<MosEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(csv, 'utf8');
  } catch (err) {
    throw new IqaError(
      'DATA_NOT_FOUND',
      `Expected a MOS CSV at ${csv} but could not read it: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const base = root ?? path.dirname(csv);
  return parseMosCsv(text, csv).map(({ image, mos, std }) => ({
    image,
    file: path.resolve(base, image),
    mos,
    ...(std !== undefined ? { std } : {}),
  }));
}

/** Fisher-Yates shuffle with mulberry32(seed). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rand = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Splits by image: sorted by name, shuffled by `seed`, then cut into `round(1 / valFraction)` folds
 * of `round(n x valFraction)` images (the last fold takes the remainder); fold `fold` (default 0, the
 * first `valFraction`) goes to validation, the rest to training. The folds of one seed partition
 * the images, so k runs with folds 0..k-1 validate every image once (k-fold cross-validation).
 */
export function splitByImage<T extends { image: string }>(
  entries: readonly T[],
  valFraction: number,
  seed: number,
  fold = 0,
): { train: T[]; val: T[] } {
  if (!(valFraction > 0 && valFraction < 1))
    throw new RangeError(`Expected valFraction in (0, 1) but received ${valFraction}`);
  const folds = foldCount(valFraction);
  if (!Number.isInteger(fold) || fold < 0 || fold >= folds)
    throw new RangeError(
      `Expected a validation fold from 0 to ${folds - 1} (valFraction ${valFraction}) but received ${fold}`,
    );
  const sorted = [...entries].sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
  const shuffled = seededShuffle(sorted, seed);
  const nVal = Math.round(entries.length * valFraction);
  const start = fold * nVal;
  // The last fold takes the remainder; fold 0 is always the first `valFraction`, as before folds
  // existed, even where it is the only fold (valFraction above 2/3).
  const end = fold > 0 && fold === folds - 1 ? shuffled.length : start + nVal;
  return { val: shuffled.slice(start, end), train: [...shuffled.slice(0, start), ...shuffled.slice(end)] };
}

/** How many validation folds `valFraction` cuts the images into: round(1 / valFraction). */
export function foldCount(valFraction: number): number {
  return Math.round(1 / valFraction);
}

/** Batches of row indices for one epoch: all rows shuffled by (seed, epoch), cut into `size`. */
export function epochBatches(rows: number, size: number, seed: number, epoch: number): number[][] {
  const order = seededShuffle(
    Array.from({ length: rows }, (_, i) => i),
    seed * 7919 + epoch,
  );
  return cutBatches(order, size);
}

/** `order` cut into consecutive batches of `size` (the last one may be shorter). */
export function cutBatches(order: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}

/**
 * Batches for a loss on images rather than rows. Every epoch, each image's rows are shuffled (by
 * (seed, epoch, image)) and cut into sets of `rowsPerSet`; the sets of all images are shuffled and
 * cut into batches of `setsPerBatch`, a set's rows next to each other, so a batch is cut back into
 * sets by `rowsPerSet`. Every row is used once per epoch, except, where `rowsPerSet` does not divide
 * an image's rows, its leftover rows (other ones each epoch). `groups[i]` lists image i's rows; an
 * image with fewer rows than `rowsPerSet` is an error, not a silently smaller mean.
 */
export function imageBatches(
  groups: readonly (readonly number[])[],
  setsPerBatch: number,
  rowsPerSet: number,
  seed: number,
  epoch: number,
): number[][] {
  const short = groups.findIndex((g) => g.length < rowsPerSet);
  if (short >= 0)
    throw new RangeError(
      `Expected at least ${rowsPerSet} rows for every image but image ${short} has ${groups[short]!.length}`,
    );
  const sets: number[][] = [];
  groups.forEach((rows, g) => {
    const drawn = seededShuffle(rows, (seed * 7919 + epoch) * 104729 + g);
    for (let i = 0; i + rowsPerSet <= drawn.length; i += rowsPerSet) sets.push(drawn.slice(i, i + rowsPerSet));
  });
  const order = seededShuffle(sets, seed * 7919 + epoch);
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += setsPerBatch) out.push(order.slice(i, i + setsPerBatch).flat());
  return out;
}
