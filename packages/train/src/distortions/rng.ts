/**
 * Seeded random fields. Every random distortion draws its field from the seed alone, never from
 * the level, so the levels of one (image, seed) share one pattern at growing strength: the order
 * of quality holds by construction, not just on average.
 */
import { mulberry32 } from '@iqa-zoo/core';

/** Mixes a seed with a stream tag (murmur3 finaliser), so streams of one seed are independent. */
export function mixSeed(seed: number, tag: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(tag | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `n` standard normal samples (Box-Muller on mulberry32). */
export function normalField(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rand(); // (0, 1]
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** `n` uniform samples in [0, 1). */
export function uniformField(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand();
  return out;
}

/** A seeded integer generator in [lo, hi] (inclusive). */
export function randomInts(seed: number): (lo: number, hi: number) => number {
  const rand = mulberry32(seed);
  return (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
}
