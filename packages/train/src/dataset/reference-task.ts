/**
 * One unit of distortion work: one reference, decoded once, and several (type, levels) groups
 * distorted from it, each cut with its own crop. The same function runs inline or in a worker.
 */
import sharp from 'sharp';
import { checkLevel, getDistortion } from '../distortions/registry.js';
import type { RgbImage } from '../distortions/types.js';
import { applyCrop, ensureMinSide, pickCrop } from './crop.js';
import { loadReference } from './references.js';

/** One type applied to the task's reference at `levels`, optionally cropped. */
export interface TaskGroup {
  type: string;
  /** Levels (1-based) in output order. */
  levels: number[];
  /** Seed of the distortion (noise, positions). */
  seed: number;
  /** Crop the outputs to a seeded random `size` square (same box for all levels of the group). */
  crop?: { size: number; seed: number; flip?: boolean };
  /** Also return the (cropped) undistorted reference, first. */
  includeReference?: boolean;
}

/** A reference (a file path, or pixels) and the groups to make from it. */
export interface ReferenceTask {
  source: string | RgbImage;
  groups: TaskGroup[];
  /** 'raw': RGB bytes; 'png': PNG files (lossless, compression level 6). */
  encode?: 'raw' | 'png';
}

/** Images of one group, in the order [reference?, ...levels]. */
export interface GroupResult {
  type: string;
  width: number;
  height: number;
  /** Raw RGB bytes or PNG bytes, per `task.encode`. */
  images: Uint8Array[];
}

/** What a task returns: the reference's size and the images of every group. */
export interface ReferenceResult {
  width: number;
  height: number;
  groups: GroupResult[];
}

async function encodeImage(image: RgbImage, encode: 'raw' | 'png'): Promise<Uint8Array> {
  if (encode === 'raw') return image.data as Uint8Array;
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.length);
}

/**
 * Runs one task: decodes the reference once, then for each group binds the type once (shared
 * per-image work) and makes every level, cropping all versions with one box.
 *
 * @example
 * const r = await runReferenceTask({ source: 'a.jpg', groups: [{ type: 'gblur', levels: [1, 2, 3, 4, 5], seed: 0 }] });
 */
export async function runReferenceTask(task: ReferenceTask): Promise<ReferenceResult> {
  const encode = task.encode ?? 'raw';
  for (const g of task.groups) {
    const type = getDistortion(g.type);
    for (const l of g.levels) checkLevel(type, l);
  }
  let image = typeof task.source === 'string' ? await loadReference(task.source) : task.source;
  const maxCrop = Math.max(0, ...task.groups.map((g) => g.crop?.size ?? 0));
  if (maxCrop > 0) image = ensureMinSide(image, maxCrop);
  const groups: GroupResult[] = [];
  for (const g of task.groups) {
    const type = getDistortion(g.type);
    const box = g.crop ? pickCrop(image.width, image.height, g.crop.size, g.crop.seed, g.crop.flip ?? true) : undefined;
    const finish = (img: RgbImage): Promise<Uint8Array> => encodeImage(box ? applyCrop(img, box) : img, encode);
    const images: Uint8Array[] = [];
    if (g.includeReference) images.push(await finish(image));
    const apply = type.bind(image, g.seed >>> 0);
    for (const l of g.levels) images.push(await finish(await apply(type.values[l - 1]!)));
    groups.push({ type: g.type, width: box ? box.size : image.width, height: box ? box.size : image.height, images });
  }
  return { width: image.width, height: image.height, groups };
}
