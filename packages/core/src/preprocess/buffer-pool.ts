import { expected } from '../errors.js';

type PooledArray = Float32Array | Uint8Array;

/**
 * Input buffers kept between images, so a scorer does not allocate (and first touch) a fresh multi-megabyte
 * `Float32Array` per image: on the zoo's 2-core machine a new 4.8 MB buffer (8 crops of 224px) cost more CPU than
 * filling it (docs/speed.md). A buffer handed out is not zeroed: whoever takes one writes every value. Each scorer
 * owns one pool (`scorerFromParts`); a buffer goes back once the run that read it is over. A detached buffer (its
 * memory transferred to a worker) is dropped.
 *
 * @example
 * const pool = new BufferPool(4);
 * const data = pool.float32(8 * 3 * 224 * 224); // reused if one of that length came back
 * pool.release(data);
 */
export class BufferPool {
  private readonly free: PooledArray[] = [];

  /** `keep`: most buffers held between images (the oldest is dropped first). */
  constructor(private readonly keep = 4) {
    if (!Number.isInteger(keep) || keep < 0) throw new RangeError(expected('non-negative integer', 'keep', keep));
  }

  /** A `Float32Array` of exactly `length` values, reused when one came back; its contents are stale. */
  float32(length: number): Float32Array {
    return this.take(length, Float32Array) ?? new Float32Array(length);
  }

  /** A `Uint8Array` of exactly `length` bytes, reused when one came back; its contents are stale. */
  uint8(length: number): Uint8Array {
    return this.take(length, Uint8Array) ?? new Uint8Array(length);
  }

  /** Gives a buffer back for the next image; the caller must not use it afterwards. */
  release(buffer: PooledArray): void {
    if (this.keep === 0 || buffer.byteLength === 0 || this.free.includes(buffer)) return;
    this.free.push(buffer);
    if (this.free.length > this.keep) this.free.shift();
  }

  /** Drops every buffer held (`dispose`). */
  clear(): void {
    this.free.length = 0;
  }

  private take<T extends PooledArray>(length: number, type: new (n: number) => T): T | undefined {
    const i = this.free.findIndex((b) => b instanceof type && b.length === length && b.byteOffset === 0);
    return i < 0 ? undefined : (this.free.splice(i, 1)[0] as T);
  }
}

/** A `Float32Array` of `length` values: from `pool` (stale contents) when one is given, else a new one. */
export function float32Buffer(pool: BufferPool | undefined, length: number): Float32Array {
  return pool ? pool.float32(length) : new Float32Array(length);
}
