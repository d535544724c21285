import { IqaError } from '../errors.js';
import type { TensorData } from '../preprocess/to-tensor.js';
import type { RunModel } from '../scoring.js';

interface Pending {
  tensor: TensorData;
  resolve: (out: Float32Array) => void;
  reject: (err: unknown) => void;
}

/** How a `RunBatcher` merges runs and when it starts the first one. */
export interface BatchingOptions {
  /** Most images merged into one run (default 1: runs are only serialised). */
  maxImages?: number;
  /** Most batch rows (crops) in one merged run (default: no limit). */
  maxItems?: number;
  /**
   * Schedules the first run after the queue was empty, so callers that finish preprocessing in
   * the same turn join it (runtime-node passes `setImmediate`). Default: a microtask.
   */
  defer?: (start: () => void) => unknown;
  /** Raw values the run returns per batch item (default 1; 2 for a card with `output.spread`: `valuesPerItem`). */
  valuesPerItem?: number;
}

/** Tensors can share one run when everything but N matches. */
function shapeKey(t: TensorData): string {
  return t.dims.slice(1).join('x');
}

/**
 * Serialises `session.run` calls and merges tensors of the same shape that arrive while a run is
 * in flight into one run: up to `maxImages` images and `maxItems` batch rows (crops) in all.
 * With the crops protocol every image yields `[K,3,S,S]`, so concurrent `score` calls can merge;
 * one image whose K already reaches `maxItems` runs alone. With `maxImages` 1 runs are only serialised
 * (onnxruntime sessions must not run concurrently): both runtimes put their `session.run` behind one.
 *
 * @example
 * const batcher = new RunBatcher((t) => runOnnx(t), { maxImages: 8, maxItems: 32, defer: setImmediate });
 * const raw = await batcher.run(tensor); // this image's outputs only
 */
export class RunBatcher {
  private readonly queue: Pending[] = [];
  private busy = false;
  /** How many `run` batches were executed and how many images they held (for benchmarks). */
  readonly stats = { runs: 0, images: 0 };

  private readonly maxImages: number;
  private readonly maxItems: number;
  private readonly defer: (start: () => void) => unknown;
  private readonly perItem: number;

  constructor(
    private readonly runBatch: RunModel,
    options: BatchingOptions = {},
  ) {
    const { maxImages = 1, maxItems = Number.MAX_SAFE_INTEGER } = options;
    if (!Number.isInteger(maxImages) || maxImages < 1) {
      throw new RangeError(`Expected a positive integer for maxBatch but received ${JSON.stringify(maxImages)}`);
    }
    if (!Number.isInteger(maxItems) || maxItems < 1) {
      throw new RangeError(`Expected a positive integer for maxBatchItems but received ${JSON.stringify(maxItems)}`);
    }
    this.maxImages = maxImages;
    this.maxItems = maxItems;
    this.defer = options.defer ?? ((start) => Promise.resolve().then(start));
    this.perItem = options.valuesPerItem ?? 1;
  }

  /** Queues one image's tensor; resolves with its own slice of the outputs. */
  run(tensor: TensorData): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tensor, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        // Let callers that finish preprocessing in this turn join the first batch.
        this.defer(() => void this.drain());
      }
    });
  }

  private take(): Pending[] {
    const key = shapeKey(this.queue[0]!.tensor);
    const group: Pending[] = [];
    let items = 0;
    for (let i = 0; i < this.queue.length && group.length < this.maxImages; ) {
      const n = this.queue[i]!.tensor.dims[0]!;
      const fits = group.length === 0 || items + n <= this.maxItems;
      if (fits && shapeKey(this.queue[i]!.tensor) === key) {
        group.push(...this.queue.splice(i, 1));
        items += n;
      } else i++;
    }
    return group;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.take();
      try {
        await this.runGroup(group);
      } catch (err) {
        for (const p of group) p.reject(err);
      }
    }
    this.busy = false;
  }

  private async runGroup(group: Pending[]): Promise<void> {
    const counts = group.map((p) => p.tensor.dims[0]!);
    const total = counts.reduce((a, b) => a + b, 0);
    let tensor: TensorData;
    if (group.length === 1) {
      tensor = group[0]!.tensor;
    } else {
      const data = new Float32Array(group.reduce((n, p) => n + p.tensor.data.length, 0));
      let off = 0;
      for (const p of group) {
        data.set(p.tensor.data, off);
        off += p.tensor.data.length;
      }
      tensor = { data, dims: [total, ...group[0]!.tensor.dims.slice(1)] };
    }
    const out = await this.runBatch(tensor);
    this.stats.runs++;
    this.stats.images += group.length;
    const per = this.perItem;
    if (out.length !== total * per) {
      throw new IqaError(
        'INTERNAL',
        `Expected ${total * per} network outputs (${per === 1 ? 'one' : per} per batch item) but received ` +
          `${out.length}`,
      );
    }
    let start = 0;
    group.forEach((p, i) => {
      p.resolve(out.subarray(start, start + counts[i]! * per));
      start += counts[i]! * per;
    });
  }
}
