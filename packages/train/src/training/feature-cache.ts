/**
 * An on-disk cache of feature vectors, keyed by (model hash, image, crops): each image goes
 * through the frozen layers once, not once per epoch or per run. A changed model or crop
 * gives a different key, so stale entries are never read. Images are keyed by their name (which
 * seeds their crops) and the sha256 of their bytes, not by path or mtime: a dataset copied,
 * moved or re-provisioned with new timestamps still hits, an edited image never does.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export function sha256(parts: Array<string | Uint8Array>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

export class FeatureCache {
  hits = 0;
  misses = 0;

  /** Called before each entry is computed (a miss), e.g. to start helpers only when there is work. */
  onMiss?: () => void;

  /** `dir` holds one folder per model hash. */
  constructor(
    readonly dir: string,
    readonly modelHash: string,
  ) {}

  private file(key: object): string {
    const k = sha256([this.modelHash, JSON.stringify(key)]);
    return path.join(this.dir, this.modelHash.slice(0, 16), k.slice(0, 2), `${k}.f32`);
  }

  /**
   * Counts `n` entries read as hits as computed instead: a shard pass earlier in this run (this
   * process or a helper) computed them, so the run's account says so.
   */
  countAsComputed(n: number): void {
    const moved = Math.min(n, this.hits);
    this.hits -= moved;
    this.misses += moved;
  }

  /** Returns the cached vector for `key`, or computes, stores (atomically) and returns it. */
  async getOrCompute(key: object, compute: () => Promise<Float32Array>): Promise<Float32Array> {
    const file = this.file(key);
    try {
      const buf = await fs.readFile(file);
      this.hits++;
      return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice();
    } catch {
      // not cached yet
    }
    this.onMiss?.();
    const value = await compute();
    this.misses++;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    await fs.rename(tmp, file);
    return value;
  }
}
