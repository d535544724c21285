/**
 * The ranked dataset of stage 1, streamed: seeded, repeatable batches of distorted crops whose
 * order of quality is known by construction (for one reference and type, a higher level is worse;
 * level 0 is the undistorted reference).
 */
import { availableParallelism } from 'node:os';
import type { RawImage } from '@iqa-zoo/core';
import { isIqaError, mulberry32 } from '@iqa-zoo/core';
import { getDistortion, getDistortionSet } from '../distortions/registry.js';
import { mixSeed } from '../distortions/rng.js';
import type { DistortionSetName, RgbImage } from '../distortions/types.js';
import type { ReferenceResult, ReferenceTask } from './reference-task.js';
import { createTaskRunner, type TaskRunner } from './worker-pool.js';

/** A reference given as pixels (already decoded) with a name. */
export interface ReferenceImage {
  name: string;
  image: RgbImage;
}

/** Options of `rankingBatches`. */
export interface RankingOptions {
  /** Reference image files (decoded with sharp, EXIF orientation applied) or decoded images. */
  refs: readonly string[] | readonly ReferenceImage[];
  /** 'live', 'tid2013' or 'wide'. */
  set: DistortionSetName;
  /** Restrict to these types of the set (default: all of them). */
  types?: readonly string[];
  /** Types drawn (without repetition) per reference in a batch. Default 1. */
  typesPerRef?: number;
  /** References per batch. Default 4. */
  refsPerBatch?: number;
  /** Side of the random square crop. Default 224. */
  crop?: number;
  /** Random horizontal flips. Default true. */
  flip?: boolean;
  /** Seed of the whole stream. Default 0. */
  seed?: number;
  /** Passes over the references; default Infinity (stop by breaking out of the loop). */
  epochs?: number;
  /** Worker threads (0 = inline). Default: cores - 1, at least 1. Or an existing runner to share. */
  workers?: number | TaskRunner;
  /** Batches prepared ahead while the caller trains on the current one. Default 1. */
  prefetch?: number;
  /**
   * Called (once per reference) when a reference cannot be decoded; it is left out of its batches,
   * which are then smaller. Default: a line on stderr. Other errors end the stream.
   */
  onSkip?: (ref: string, error: Error) => void;
}

/** One image's place in the ranking: its reference, type and level (0 = the reference itself). */
export interface RankingLabel {
  ref: string;
  type: string;
  level: number;
  /** Index of the (reference, type) group in the batch: compare only within a group. */
  group: number;
}

/** A batch: crops (all `crop` x `crop` RGB) and their labels, index for index. */
export interface RankingBatch {
  /** Global batch index from 0. */
  index: number;
  /** Epoch of the batch (a batch never spans two epochs; the last one of an epoch may be smaller). */
  epoch: number;
  images: RgbImage[];
  labels: RankingLabel[];
}

const refName = (r: string | ReferenceImage): string => (typeof r === 'string' ? r : r.name);

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

type PlanOptions = Required<Omit<RankingOptions, 'workers' | 'prefetch' | 'epochs' | 'types' | 'onSkip'>> & {
  types: readonly string[];
};

/** One reference's task and the labels of its groups' images (group numbers come later). */
interface Planned {
  task: ReferenceTask;
  labels: Omit<RankingLabel, 'group'>[][];
}

/** Plans one batch: which references, which types, which seeds; runs nothing. */
function planBatch(o: PlanOptions, refs: readonly (string | ReferenceImage)[], index: number): Planned[] {
  const rand = mulberry32(mixSeed(o.seed, 0x51a7 + index));
  return refs.map((ref, r) => {
    const types = shuffled(o.types, rand).slice(0, o.typesPerRef);
    const labels: Planned['labels'] = [];
    const groups = types.map((t, k) => {
      const levels = getDistortion(t).values.map((_, i) => i + 1);
      labels.push([0, ...levels].map((level) => ({ ref: refName(ref), type: t, level })));
      const key = r * 64 + k;
      return {
        type: t,
        levels,
        seed: mixSeed(mixSeed(o.seed, index), key),
        crop: { size: o.crop, seed: mixSeed(mixSeed(o.seed ^ 0x2c4, index), key), flip: o.flip },
        includeReference: true,
      };
    });
    return { task: { source: typeof ref === 'string' ? ref : ref.image, groups }, labels };
  });
}

/**
 * Streams ranking batches for stage 1. For each reference of a batch, `typesPerRef` types of the
 * set, each with the undistorted reference and all its levels, cut with one random crop (and
 * flip) per (reference, type) group. The stream is a pure function of the options: the same seed
 * gives the same batches, whatever the number of workers. Each reference is decoded once per
 * batch, each type bound once per reference (shared noise fields, FFTs), and the next batch is
 * prepared in worker threads while the caller uses the current one.
 *
 * @example
 * for await (const batch of rankingBatches({ refs: files, set: 'live', refsPerBatch: 4, crop: 224, seed: 1 })) {
 *   train(batch.images, batch.labels); // 4 refs x (1 + 5) images
 *   if (batch.index === 999) break;
 * }
 */
export async function* rankingBatches(options: RankingOptions): AsyncGenerator<RankingBatch> {
  const allTypes = getDistortionSet(options.set);
  const types = options.types ?? allTypes;
  for (const t of types) {
    if (!allTypes.includes(t))
      throw new RangeError(
        `Expected a type of set '${options.set}' (one of ${allTypes.map((x) => `'${x}'`).join(', ')}) for types but ` +
          `received ${JSON.stringify(t)}`,
      );
  }
  const o = {
    set: options.set,
    refs: options.refs,
    types,
    typesPerRef: options.typesPerRef ?? 1,
    refsPerBatch: options.refsPerBatch ?? 4,
    crop: options.crop ?? 224,
    flip: options.flip ?? true,
    seed: (options.seed ?? 0) >>> 0,
  };
  const positive = (v: number, name: string, max = Infinity): void => {
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new RangeError(`Expected an integer in 1..${max} for ${name} but received ${String(v)}`);
  };
  positive(o.typesPerRef, 'typesPerRef', types.length);
  positive(o.refsPerBatch, 'refsPerBatch');
  positive(o.crop, 'crop');
  if (o.refs.length === 0) throw new RangeError('Expected at least one reference for refs but received an empty list');
  const epochs = options.epochs ?? Infinity;
  const prefetch = Math.max(0, options.prefetch ?? 1);
  const report =
    options.onSkip ??
    ((ref: string, err: Error) => process.stderr.write(`rankingBatches: skipped ${ref}: ${err.message}\n`));
  const reported = new Set<string>();
  const onSkip = (ref: string, err: Error): void => {
    if (!reported.has(ref)) report(ref, err); // once per reference, though it is left out of every batch
    reported.add(ref);
  };
  const ownRunner = typeof options.workers !== 'object';
  const runner: TaskRunner =
    typeof options.workers === 'object'
      ? options.workers
      : createTaskRunner({ workers: options.workers ?? Math.max(1, availableParallelism() - 1) });

  // the plan: epochs of seeded permutations cut into batches
  function* plans(): Generator<{ refs: (string | ReferenceImage)[]; epoch: number; index: number }> {
    let index = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffled(
        o.refs as readonly (string | ReferenceImage)[],
        mulberry32(mixSeed(o.seed, 0xe0c + epoch)),
      );
      for (let i = 0; i < order.length; i += o.refsPerBatch)
        yield { refs: order.slice(i, i + o.refsPerBatch), epoch, index: index++ };
    }
  }
  const start = (p: { refs: (string | ReferenceImage)[]; epoch: number; index: number }): Promise<RankingBatch> => {
    const plan = planBatch(o, p.refs, p.index);
    const settle = (t: ReferenceTask, ref: string): Promise<ReferenceResult | undefined> =>
      runner.run(t).catch((err: unknown) => {
        if (!isIqaError(err, 'INVALID_IMAGE')) throw err;
        onSkip(ref, err);
        return undefined;
      });
    return Promise.all(plan.map((x, i) => settle(x.task, refName(p.refs[i]!)))).then((results) => {
      const images: RgbImage[] = [];
      const labels: RankingLabel[] = [];
      let group = 0;
      results.forEach((r, i) => {
        if (!r) return;
        r.groups.forEach((g, k) => {
          g.images.forEach((data, j) => {
            images.push({ data, width: g.width, height: g.height, channels: 3 });
            labels.push({ ...plan[i]!.labels[k]![j]!, group });
          });
          group++;
        });
      });
      return { index: p.index, epoch: p.epoch, images, labels };
    });
  };
  const ahead: Promise<RankingBatch>[] = [];
  const it = plans();
  try {
    const fill = (): void => {
      while (ahead.length < prefetch + 1) {
        const n = it.next();
        if (n.done) return;
        const pr = start(n.value);
        pr.catch(() => {}); // handled when awaited
        ahead.push(pr);
      }
    };
    fill();
    while (ahead.length > 0) {
      const batch = await ahead.shift()!;
      fill();
      yield batch;
    }
  } finally {
    if (ownRunner) await runner.close();
  }
}

/** The pixels of a batch as one NHWC float32 tensor scaled to [0, 1] (for tfjs `tf.tensor4d`). */
export function batchToNhwc(images: readonly RawImage[]): {
  data: Float32Array;
  shape: [number, number, number, number];
} {
  if (images.length === 0) throw new RangeError('Expected at least one image for images but received an empty list');
  const { width, height } = images[0]!;
  const per = width * height * 3;
  const data = new Float32Array(images.length * per);
  images.forEach((img, i) => {
    if (img.width !== width || img.height !== height || img.channels !== 3) {
      throw new RangeError(
        `Expected ${width}x${height} RGB for images[${i}] but received ${img.width}x${img.height}x${img.channels}`,
      );
    }
    for (let j = 0; j < per; j++) data[i * per + j] = img.data[j]! / 255;
  });
  return { data, shape: [images.length, height, width, 3] };
}
